"""The firewall's part of the recette: the policy as a matrix of flows between zones (each allowed flow works,
each denied one is blocked), computed from the policy itself, and each port forward from the internet.

Other domains depend on a flow through `allowed_flow` and on a zone's clients through `zone_sources`.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from officelab.domains.firewall.facts import Flow, decide, zone_of
from officelab.domains.firewall.model import Action, FirewallService
from officelab.domains.network.checks import INTERNET, POLICY, REMOTE, ip_checks
from officelab.domains.network.model import HttpProbe, PingProbe, TcpProbe
from officelab.probes.spec import ProbeSpec
from officelab.recette.context import Derivation
from officelab.site.model import Node, NodeKind
from officelab.site.topology import HostPort


def derive(ctx: Derivation) -> None:
    for router in ctx.site.nodes:
        fw = router.services.firewall
        if fw is not None:
            _flows(ctx, router, fw)


def zone_sources(ctx: Derivation, router: Node, fw: FirewallService) -> dict[str, HostPort]:
    sources: dict[str, HostPort] = {}
    for hp in ctx.hosts:
        if hp.gateway is None:
            continue
        zone = zone_of(ctx.topo, router, fw, hp.node.name, hp.iface.name)
        if zone is not None and zone not in sources:
            sources[zone] = hp
    return sources


def _zone_targets(ctx: Derivation, router: Node, fw: FirewallService) -> dict[str, list[tuple[str, str, ProbeSpec, str]]]:
    """Zone → (target node, address, probe, label): a web service if there is one, else a fixed host to ping."""
    targets: dict[str, list[tuple[str, str, ProbeSpec, str]]] = {}
    candidates = [*ctx.hosts, *(hp for n in ctx.site.nodes if n.kind is NodeKind.PUBLIC_SERVER for hp in ctx.topo.ports_of(n))]
    for hp in candidates:
        if hp.fixed is None:
            continue
        zone = zone_of(ctx.topo, router, fw, hp.node.name, hp.iface.name)
        if zone is None:
            continue
        listed = targets.setdefault(zone, [])
        if hp.node.services.web is not None and not any(label.startswith("tcp") for *_, label in listed):
            listed.insert(0, (hp.node.name, str(hp.fixed), TcpProbe(host=str(hp.fixed), port=80, timeout=1.5), "tcp/80"))
        elif hp.node.services.web is None and not any(label == "icmp" for *_, label in listed):
            listed.append((hp.node.name, str(hp.fixed), PingProbe(target=str(hp.fixed), timeout=1.0), "icmp"))
    return targets


@dataclass(frozen=True)
class PlannedFlow:
    """One flow of the matrix: from a host of ``source`` zone to a target of ``target`` zone, allowed or not."""

    id: str
    source: str
    target: str
    label: str
    client: HostPort
    node: str
    probe: ProbeSpec
    allowed: bool


def planned_flows(ctx: Derivation, router: Node, fw: FirewallService) -> list[PlannedFlow]:
    """The flows the policy matrix checks, each id once (the first target of a zone and kind wins)."""
    flows: dict[str, PlannedFlow] = {}
    for src_zone, src in zone_sources(ctx, router, fw).items():
        for dst_zone, entries in _zone_targets(ctx, router, fw).items():
            if dst_zone == src_zone:
                continue
            for node, address, spec, label in entries:
                if node == src.node.name:
                    continue
                proto, _, port = label.partition("/")
                action = decide(fw, Flow(src_zone, dst_zone, proto, int(port) if port else None, IPv4Address(address)))
                flow_id = f"flow:{src_zone}->{dst_zone}:{label}"
                flows.setdefault(flow_id, PlannedFlow(flow_id, src_zone, dst_zone, label, src, node, spec, action is Action.ACCEPT))
    return list(flows.values())


def allowed_flow(ctx: Derivation, router: Node, fw: FirewallService, source: str, target: str | None, label: str) -> str | None:
    """The id of the check that proves this flow works, if the matrix checks it and the policy allows it."""
    return next(
        (f.id for f in planned_flows(ctx, router, fw) if (f.source, f.target, f.label) == (source, target, label) and f.allowed), None
    )


def _flows(ctx: Derivation, router: Node, fw: FirewallService) -> None:
    for flow in planned_flows(ctx, router, fw):
        allowed, node = flow.allowed, flow.node
        verdict_fr, verdict_en = ("autorisé", "allowed") if allowed else ("interdit", "blocked")
        criteria = (*REMOTE, *(INTERNET if flow.target == "wan" else ())) if allowed else (*POLICY, "TRI-CP1-C4")
        ctx.check(
            flow.id,
            f"Flux {flow.source} → {flow.target} ({flow.label}, {node}) {verdict_fr}",
            f"Flow {flow.source} → {flow.target} ({flow.label}, {node}) {verdict_en}",
            on=flow.client.node.name,
            probe=flow.probe,
            criteria=criteria,
            expect=allowed,
            depends=(f"gw:{flow.client.node.name}", *ip_checks(ctx, node)),
            group="firewall",
        )
    for forward in fw.nat.forwards:
        _port_forward(ctx, router, fw, forward.name, forward.zone, forward.port, forward.proto, forward.to)


def _port_forward(ctx: Derivation, router: Node, fw: FirewallService, name: str, zone: str, port: int, proto: str, to: IPv4Address) -> None:
    outside = next((n for n in ctx.site.nodes if n.kind is NodeKind.REMOTE_SITE), None) or next(
        (n for n in ctx.site.nodes if n.kind is NodeKind.PUBLIC_SERVER), None
    )
    members = fw.zones.get(zone)
    wan_iface = next((i for i in router.interfaces if members and i.name in members.interfaces and i.address), None)
    if outside is None or wan_iface is None or wan_iface.address is None or proto != "tcp":
        return
    public = wan_iface.address.ip
    server = next((n for n in ctx.site.nodes for i in n.interfaces if i.address is not None and i.address.ip == to), None)
    spec: ProbeSpec = TcpProbe(host=str(public), port=port)
    if server is not None and server.services.web is not None and server.services.web.sites and port == 80:
        site = server.services.web.sites[0]
        spec = HttpProbe(url=f"http://{public}:{port}/", contains=site.title)
    ctx.check(
        f"forward:{name}",
        f"Le service publié {name} répond depuis internet ({public}:{port})",
        f"Published service {name} answers from the internet ({public}:{port})",
        on=outside.name,
        probe=spec,
        criteria=("TAI-CP7-C1", "TRI-CP4-C1"),
        group="firewall",
    )

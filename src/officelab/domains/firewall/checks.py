"""The firewall's part of the recette: the policy as a matrix of flows between zones (each allowed flow works,
each denied one is blocked), computed from the policy itself, and each port forward from the internet.

A flow runs from a client of its source zone (the next one when that client's own checks fail) towards a
service of the target zone, or a fixed host to ping, or, in a zone of DHCP hosts only, the address a DHCP host
holds when the check runs. A flow of the policy that no target can test is reported as not built.

Other domains depend on a flow through `allowed_flow` and on a zone's clients through `zone_sources`.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from officelab.domains.firewall.facts import Flow, decide, zone_of
from officelab.domains.firewall.model import Action, FirewallService, PortForward
from officelab.domains.network.checks import INTERNET, POLICY, REMOTE, host_vantages, ip_checks
from officelab.domains.network.model import HttpProbe, PingProbe, TcpProbe
from officelab.probes.spec import ProbeSpec
from officelab.recette.context import Derivation
from officelab.recette.model import Vantage
from officelab.site.model import Node, NodeKind
from officelab.site.topology import HostPort


def derive(ctx: Derivation) -> None:
    for router in ctx.site.nodes:
        fw = router.services.firewall
        if fw is not None:
            _flows(ctx, router, fw)


def zone_sources(ctx: Derivation, router: Node, fw: FirewallService) -> dict[str, list[HostPort]]:
    """Zone → its hosts that have a gateway (the clients a flow from the zone runs from), in site order."""
    sources: dict[str, list[HostPort]] = {}
    for hp in ctx.hosts:
        if hp.gateway is None:
            continue
        zone = zone_of(ctx.topo, router, fw, hp.node.name, hp.iface.name)
        if zone is not None:
            sources.setdefault(zone, []).append(hp)
    return sources


@dataclass(frozen=True)
class ZoneTarget:
    """What a flow into a zone is tested against: a node's service or its address (``dynamic``: a DHCP host,
    whose address the probe reads when it runs; ``address`` is then the first of its scope, for the policy)."""

    node: str
    probe: ProbeSpec
    label: str
    address: IPv4Address
    needs: tuple[str, ...]
    dynamic: bool = False


def _zone_targets(ctx: Derivation, router: Node, fw: FirewallService) -> dict[str, list[ZoneTarget]]:
    """Zone → targets: a web service if there is one, else a fixed host to ping, else up to three DHCP hosts."""
    targets: dict[str, list[ZoneTarget]] = {}
    dynamic: dict[str, list[ZoneTarget]] = {}
    candidates = [*ctx.hosts, *(hp for n in ctx.site.nodes if n.kind is NodeKind.PUBLIC_SERVER for hp in ctx.topo.ports_of(n))]
    for hp in candidates:
        zone = zone_of(ctx.topo, router, fw, hp.node.name, hp.iface.name)
        if zone is None:
            continue
        needs = ip_checks(ctx, hp.node.name)
        if hp.fixed is None:
            if hp.iface.dhcp and not hp.node.kind.routes and hp.vlan is not None and hp.vlan.dhcp is not None:
                live = PingProbe(target=hp.node.name, address_of=f"{hp.node.name}:{hp.iface.name}", timeout=1.0)
                dynamic.setdefault(zone, []).append(ZoneTarget(hp.node.name, live, "icmp", hp.vlan.dhcp.start, needs, dynamic=True))
            continue
        listed = targets.setdefault(zone, [])
        address = hp.fixed
        if hp.node.services.web is not None and not any(t.label.startswith("tcp") for t in listed):
            listed.insert(0, ZoneTarget(hp.node.name, TcpProbe(host=str(address), port=80, timeout=1.5), "tcp/80", address, needs))
        elif hp.node.services.web is None and not any(t.label == "icmp" for t in listed):
            listed.append(ZoneTarget(hp.node.name, PingProbe(target=str(address), timeout=1.0), "icmp", address, needs))
    for zone, hosts in dynamic.items():
        if not any(t.label == "icmp" for t in targets.get(zone, [])):
            targets.setdefault(zone, []).extend(hosts)
    return targets


@dataclass(frozen=True)
class PlannedFlow:
    """One flow of the matrix: from a host of ``source`` zone to a target of ``target`` zone, allowed or not,
    with the vantage points it runs from (client and target together)."""

    id: str
    source: str
    target: str
    label: str
    node: str
    probe: ProbeSpec
    allowed: bool
    where: tuple[Vantage, ...]


def planned_flows(ctx: Derivation, router: Node, fw: FirewallService) -> list[PlannedFlow]:
    """The flows the matrix checks, each id once (the first target of a zone and kind wins; a zone of DHCP
    hosts only is tested against one of them, the next one when it is not usable)."""
    return ctx.fact(f"firewall:flows:{router.name}", lambda: _plan(ctx, router, fw))


def _plan(ctx: Derivation, router: Node, fw: FirewallService) -> list[PlannedFlow]:
    flows: dict[str, PlannedFlow] = {}
    targets = _zone_targets(ctx, router, fw)
    for src_zone, clients in zone_sources(ctx, router, fw).items():
        for dst_zone, entries in targets.items():
            if dst_zone == src_zone:
                continue
            for label in dict.fromkeys(t.label for t in entries):
                flow_id = f"flow:{src_zone}->{dst_zone}:{label}"
                if flow_id in flows:
                    continue
                kind = [t for t in entries if t.label == label]
                proto, _, port = label.partition("/")
                first = kind[0]
                action = decide(fw, Flow(src_zone, dst_zone, proto, int(port) if port else None, first.address))
                pairs = _pairs(ctx, clients, kind)
                if pairs:
                    node = pairs[0][1]
                    where = tuple(v for v, _ in pairs)
                    flows[flow_id] = PlannedFlow(flow_id, src_zone, dst_zone, label, node, first.probe, action is Action.ACCEPT, where)
    return list(flows.values())


def _pairs(ctx: Derivation, clients: list[HostPort], kind: list[ZoneTarget]) -> list[tuple[Vantage, str]]:
    """Vantage points of a flow, each with its target node: a client (needing its gateway) and a target (needing
    its addressing), never the same node; a fixed target is the same for all, DHCP targets rotate."""
    out: list[tuple[Vantage, str]] = []
    for i, v in enumerate(host_vantages(ctx, clients)):
        pool = [t for t in kind if t.node != v.place]
        if pool:
            target = pool[i % len(pool)] if kind[0].dynamic else pool[0]
            out.append((Vantage(v.place, (*v.depends, *target.needs), target.probe), target.node))
    return out


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
            on=flow.where,
            probe=flow.probe,
            criteria=criteria,
            expect=allowed,
            group="firewall",
        )
    _uncovered(ctx, router, fw)
    for forward in fw.nat.forwards:
        port_forward(ctx, router, fw, forward)


def _uncovered(ctx: Derivation, router: Node, fw: FirewallService) -> None:
    """Zone pairs of the policy that the matrix cannot test (no client in the source zone, or nothing to reach in
    the target zone), reported as not built."""
    sources, targets = zone_sources(ctx, router, fw), _zone_targets(ctx, router, fw)
    public = {m.out for m in fw.nat.masquerade}
    for a in fw.zones:
        for b in fw.zones:
            if a == b:
                continue
            if a in public:
                why = f"from {a} the site is reached only at its public address (NAT): the port forwards' checks test it"
            else:
                why = "" if a in sources else f"zone {a} has no host with a gateway to test from"
            why = why or ("" if b in targets else f"zone {b} has no host to reach (no fixed address, no DHCP host)")
            if why:
                ctx.not_built(
                    f"flow:{a}->{b}", f"Flux {a} → {b} conforme à la politique", f"Flow {a} → {b} follows the policy", why, "firewall"
                )


def port_forward(ctx: Derivation, router: Node, fw: FirewallService, forward: PortForward) -> str | None:
    """The check ``forward:<name>``: from the internet, the router's public address and port reach the LAN host's
    service (its web page when it serves one on the target port); None when the site gives nothing to test it."""
    name, zone, port, proto, to = forward.name, forward.zone, forward.port, forward.proto, forward.to
    outside = next((n for n in ctx.site.nodes if n.kind is NodeKind.REMOTE_SITE), None) or next(
        (n for n in ctx.site.nodes if n.kind is NodeKind.PUBLIC_SERVER), None
    )
    members = fw.zones.get(zone)
    wan_iface = next((i for i in router.interfaces if members and i.name in members.interfaces and i.address), None)
    if outside is None or wan_iface is None or wan_iface.address is None or proto != "tcp":
        return None
    public = wan_iface.address.ip
    server = next((n for n in ctx.site.nodes for i in n.interfaces if to in (i.reserve, i.address and i.address.ip)), None)
    spec: ProbeSpec = TcpProbe(host=str(public), port=port)
    if server is not None and server.services.web is not None and server.services.web.sites and (forward.to_port or port) == 80:
        site = server.services.web.sites[0]
        spec = HttpProbe(url=f"http://{public}:{port}/", contains=site.title)
    return ctx.check(
        f"forward:{name}",
        f"Le service publié {name} répond depuis internet ({public}:{port})",
        f"Published service {name} answers from the internet ({public}:{port})",
        on=outside.name,
        probe=spec,
        criteria=("TAI-CP7-C1", "TRI-CP4-C1"),
        group="firewall",
    )

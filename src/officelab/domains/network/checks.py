"""The network's part of the recette: every cable between switches (trunks), every host bottom-up (cable →
addressing → gateway → DNS), DHCP in every VLAN, DNS records, layer-2 isolation between VLANs, switch management
and the WAN uplink.

A check shared by a VLAN or the site (DHCP, DNS records, isolation, management) runs from a host of it and moves
to another one when that host's own checks fail, so that one host's fault blocks only that host's checks; a
host's checks depend on the trunks up to the router, so that a pulled trunk is one root cause, named by its ends.

Other domains depend on a host's checks through `ip_checks`, `gateway_check`, `dns_check` and `host_vantages`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from officelab.domains.network.facts import dhcp_servers, scope_dns, uplink_trunks
from officelab.domains.network.model import ArpProbe, DhcpProbe, DnsProbe, IpConfigProbe, LinkProbe, PingProbe
from officelab.probes.spec import ProbeSpec
from officelab.recette.context import Derivation
from officelab.recette.model import Vantage
from officelab.site.model import NodeKind, split_endpoint
from officelab.site.topology import HostPort

OBJECT_KINDS = (NodeKind.PRINTER, NodeKind.CAMERA, NodeKind.IOT)


# Criteria evidenced by each kind of check (IDs from the official catalogue).
CONNECTED = ("TAI-CP3-C3", "TRI-CP2-C1")
ADDRESSING = ("TAI-CP5-C2", "TRI-CP3-C4")
REMOTE = ("TRI-CP1-C1", "TRI-CT-C1")
INFRA = ("TAI-CP5-C3",)
POLICY = ("TRI-CP4-C3", "TAI-CP4-C1")
INTERNET = ("TAI-CP7-C1", "TAI-CP7-C2")
DEVICE = ("TAI-CP3-C4",)
"""A device works as specified: its own bottom-up checks pass (addressing, gateway, names)."""


def derive(ctx: Derivation) -> None:
    _trunks(ctx)
    _infrastructure(ctx)
    _hosts(ctx)
    _dns_records(ctx)
    _isolation(ctx)


def ip_checks(ctx: Derivation, node: str) -> tuple[str, ...]:
    """What a check that addresses ``node`` needs: the addressing checks of its cabled interfaces, and the trunks
    between it and the router (none for a node that is not a host)."""
    ports = [hp for hp in ctx.hosts if hp.node.name == node]
    return tuple(
        dict.fromkeys([*(f"ip:{hp.node.name}:{hp.iface.name}" for hp in ports), *(t for hp in ports for t in trunk_checks(ctx, hp))])
    )


def gateway_check(ctx: Derivation, node: str) -> str | None:
    """The check that ``node`` reaches its gateway, if it has one."""
    return f"gw:{node}" if any(hp.node.name == node and hp.gateway is not None for hp in ctx.hosts) else None


def trunk_checks(ctx: Derivation, hp: HostPort) -> tuple[str, ...]:
    """The checks of the cables between ``hp``'s switch and the router, nearest first."""
    switch = ctx.access_switch(hp)
    if not switch or not ctx.site.node(switch).kind.bridges:
        return ()
    return tuple(f"trunk:{here}" for here, _ in uplink_trunks(ctx.site, switch))


def host_vantages(
    ctx: Derivation,
    hosts: Iterable[HostPort],
    needs: Callable[[HostPort], Iterable[str]] | None = None,
    probe: Callable[[HostPort], ProbeSpec] | None = None,
    also: Iterable[HostPort] = (),
) -> tuple[Vantage, ...]:
    """Vantage points among ``hosts`` (then ``also``) for a shared check, each needing its gateway check (default)."""
    return ctx.vantages(hosts, needs or (lambda hp: (f"gw:{hp.node.name}",)), probe, also)


def dns_check(ctx: Derivation, node: str) -> str | None:
    """The check that ``node`` resolves the site's names, if the site has an internal DNS it uses."""
    if not ctx.internal_dns:
        return None
    uses = any(hp.node.name == node and hp.gateway is not None and not hp.node.kind.on_internet for hp in ctx.hosts)
    return f"dns:{node}" if uses else None


# ------------------------------------------------------------------ hosts, bottom-up
def _hosts(ctx: Derivation) -> None:
    in_vlan: dict[int, list[HostPort]] = {}
    for hp in ctx.hosts:
        if hp.vlan is not None and not hp.node.kind.routes and hp.node.services.dhcp is None:
            in_vlan.setdefault(hp.vlan.id, []).append(hp)
    for vid, members in in_vlan.items():
        clients = [hp for hp in members if hp.iface.dhcp]
        if not clients:
            continue
        vlan = clients[0].vlan
        assert vlan is not None

        def discover(hp: HostPort) -> ProbeSpec:
            segment = ctx.topo.segment_of(hp.node.name, hp.iface.name)
            dns = scope_dns(ctx.topo, vlan, segment, vlan.gateway)  # noqa: B023 (used at once)
            servers = dhcp_servers(ctx.topo, vlan)  # noqa: B023 (used at once)
            return DhcpProbe(interface=hp.iface.name, subnet=vlan.subnet, gateway=vlan.gateway, dns=dns, servers=servers)  # noqa: B023

        # Its own DHCP clients first; a fixed host of the VLAN asks too when none is usable.
        candidates = [*clients, *(hp for hp in members if not hp.iface.dhcp)]
        first = candidates[0]
        ctx.check(
            f"dhcp:vlan{vid}",
            f"Le serveur DHCP répond dans le VLAN {vid} ({vlan.name})",
            f"DHCP server answers in VLAN {vid} ({vlan.name})",
            on=ctx.vantages(candidates, lambda hp: (f"link:{hp.node.name}:{hp.iface.name}", *trunk_checks(ctx, hp)), discover),
            probe=discover(first),
            criteria=(*INFRA, "TAI-CP7-C1"),
            group="services",
        )
    for hp in ctx.hosts:
        name, ifname = hp.node.name, hp.iface.name
        objects = ("TRI-CP7-C1",) if hp.node.kind in OBJECT_KINDS else ()
        ctx.check(
            f"link:{name}:{ifname}",
            f"{name} est raccordé ({ifname} actif)",
            f"{name} is connected ({ifname} up)",
            on=name,
            probe=LinkProbe(interface=ifname),
            criteria=CONNECTED + objects,
            group="hosts",
        )
        subnet = hp.vlan.subnet if hp.vlan is not None else (hp.iface.address.network if hp.iface.address else None)
        trunks = trunk_checks(ctx, hp)
        depends = [f"link:{name}:{ifname}"]
        if hp.iface.dhcp and hp.vlan is not None:
            depends += [*trunks, f"dhcp:vlan{hp.vlan.id}"]
        ctx.check(
            f"ip:{name}:{ifname}",
            f"{name} a une adresse conforme au plan d'adressage",
            f"{name} has an address that follows the addressing plan",
            on=name,
            probe=IpConfigProbe(interface=ifname, subnet=subnet, address=hp.fixed, gateway=hp.gateway, dhcp=hp.iface.dhcp),
            criteria=(*ADDRESSING, *objects, *DEVICE),
            depends=tuple(depends),
            deadline=8.0,
            group="hosts",
        )
        if hp.gateway is not None:
            access = ("TRI-CP3-C1",) if hp.wireless else ("TRI-CP3-C2",)
            ctx.check(
                f"gw:{name}",
                f"{name} joint sa passerelle {hp.gateway}",
                f"{name} reaches its gateway {hp.gateway}",
                on=name,
                probe=PingProbe(target=str(hp.gateway)),
                criteria=("TRI-CP1-C1", *access, *objects, *DEVICE),
                depends=(*trunks, f"ip:{name}:{ifname}"),
                group="hosts",
            )
        if ctx.internal_dns and hp.gateway is not None and not hp.node.kind.on_internet:
            fqdn = f"{ctx.internal_dns[0].name}.{ctx.domain}"
            ctx.check(
                f"dns:{name}",
                f"{name} résout les noms du site ({fqdn})",
                f"{name} resolves the site's names ({fqdn})",
                on=name,
                probe=DnsProbe(name=fqdn),
                criteria=(*REMOTE, *DEVICE),
                depends=(f"gw:{name}",),
                group="hosts",
            )


def _dns_records(ctx: Derivation) -> None:
    clients = [hp for hp in ctx.hosts if hp.iface.dhcp and hp.gateway is not None and not hp.node.kind.on_internet]
    if not clients or not ctx.internal_dns:
        return
    resolving = [hp for hp in ctx.hosts if dns_check(ctx, hp.node.name) is not None]
    for hp in ctx.hosts:
        if hp.fixed is None or hp.node.kind.on_internet:
            continue
        fqdn = f"{hp.node.name}.{ctx.domain}"
        # Asked from DHCP clients (they use the resolver the site hands out), else from a fixed host that uses the
        # site's DNS; never from the host itself. Each needs its own resolver to answer (its `dns:` check).
        others = [c for c in resolving if c.node.name != hp.node.name and not c.iface.dhcp]
        where = host_vantages(ctx, (c for c in clients if c.node.name != hp.node.name), lambda c: (f"dns:{c.node.name}",), also=others)
        ctx.check(
            f"dnsrec:{hp.node.name}",
            f"{fqdn} pointe vers {hp.fixed}",
            f"{fqdn} points to {hp.fixed}",
            on=where,
            probe=DnsProbe(name=fqdn, expect=str(hp.fixed)),
            criteria=(*INFRA, "TAI-CP5-C5"),
            group="services",
        )
        if hp.node.kind is NodeKind.SERVER:
            ctx.check(
                f"ptr:{hp.node.name}",
                f"{hp.fixed} a un nom inverse ({fqdn})",
                f"{hp.fixed} has a reverse name ({fqdn})",
                on=where,
                probe=DnsProbe(name=str(hp.fixed), type="PTR", expect=fqdn),
                criteria=(*INFRA, "TAI-CP5-C5"),
                group="services",
            )


# ------------------------------------------------------------------ layer 2 and infrastructure
def _isolation(ctx: Derivation) -> None:
    sources: dict[int, list[HostPort]] = {}
    targets: dict[int, HostPort] = {}
    for hp in ctx.hosts:
        if hp.vlan is None:
            continue
        if hp.gateway is not None:
            sources.setdefault(hp.vlan.id, []).append(hp)
        if hp.fixed is not None:
            targets.setdefault(hp.vlan.id, hp)
    for a, members in sources.items():
        for b, dst in targets.items():
            if a == b or dst.fixed is None:
                continue
            target = dst.fixed
            ctx.check(
                f"l2:vlan{a}->vlan{b}",
                f"VLAN {a} isolé du VLAN {b} au niveau 2 ({dst.node.name})",
                f"VLAN {a} isolated from VLAN {b} at layer 2 ({dst.node.name})",
                on=ctx.vantages(
                    members,
                    lambda hp: (f"ip:{hp.node.name}:{hp.iface.name}",),
                    lambda hp: ArpProbe(interface=hp.iface.name, target=target),  # noqa: B023 (used at once)
                ),
                probe=ArpProbe(interface=members[0].iface.name, target=target),
                criteria=(*POLICY, "TAI-CP5-C2"),
                expect=False,
                group="isolation",
            )


def _trunks(ctx: Derivation) -> None:
    """Each cable between switches, or from a switch up to the router, checked from its lower switch's end."""
    done: set[frozenset[str]] = set()
    for switch in ctx.site.nodes:
        if not switch.kind.bridges:
            continue
        for here, there in uplink_trunks(ctx.site, switch.name):
            cable = frozenset((here, there))
            if cable in done:
                continue
            done.add(cable)
            node, port = split_endpoint(here)
            ctx.check(
                f"trunk:{here}",
                f"Le lien {here} ↔ {there} est actif",
                f"The link {here} ↔ {there} is up",
                on=node,
                probe=LinkProbe(interface=port),
                criteria=(*CONNECTED, *INFRA),
                group="infrastructure",
            )


def _infrastructure(ctx: Derivation) -> None:
    for switch in ctx.site.nodes:
        if switch.management is None:
            continue
        vid = ctx.topo.vlan_id(switch.management.vlan)
        admins = [hp for hp in ctx.hosts if hp.vlan is not None and hp.vlan.id == vid and hp.gateway is not None]
        if not admins:
            ctx.not_built(
                f"mgmt:{switch.name}",
                f"{switch.name} répond sur son adresse d'administration",
                f"{switch.name} answers on its management address",
                f"no host of VLAN {vid} (its management VLAN) to ask from",
                "infrastructure",
            )
            continue
        address = switch.management.address.ip
        ctx.check(
            f"mgmt:{switch.name}",
            f"{switch.name} répond sur son adresse d'administration {address}",
            f"{switch.name} answers on its management address {address}",
            on=host_vantages(ctx, admins),
            probe=PingProbe(target=str(address)),
            criteria=INFRA,
            depends=tuple(f"trunk:{here}" for here, _ in uplink_trunks(ctx.site, switch.name)),  # its own way up
            group="infrastructure",
        )
    for router in ctx.site.nodes:
        if not router.kind.site_router:
            continue
        for iface in router.interfaces:
            if iface.gateway is not None:
                ctx.check(
                    f"wan:{router.name}",
                    f"{router.name} joint le FAI ({iface.gateway})",
                    f"{router.name} reaches the ISP ({iface.gateway})",
                    on=router.name,
                    probe=PingProbe(target=str(iface.gateway)),
                    criteria=INTERNET,
                    group="infrastructure",
                )

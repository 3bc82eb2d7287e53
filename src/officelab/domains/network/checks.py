"""The network's part of the recette: every host bottom-up (cable → addressing → gateway → DNS), DHCP in every
VLAN, DNS records, layer-2 isolation between VLANs, switch management and the WAN uplink.

Other domains depend on a host's checks through `ip_checks`, `gateway_check` and `dns_check`.
"""

from __future__ import annotations

from officelab.domains.network.facts import scope_dns
from officelab.domains.network.model import ArpProbe, DhcpProbe, DnsProbe, IpConfigProbe, LinkProbe, PingProbe
from officelab.recette.context import Derivation
from officelab.site.model import NodeKind
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
    _infrastructure(ctx)
    _hosts(ctx)
    _dns_records(ctx)
    _isolation(ctx)


def ip_checks(ctx: Derivation, node: str) -> tuple[str, ...]:
    """The addressing checks of ``node``'s cabled interfaces (none for a node that is not a host)."""
    return tuple(f"ip:{hp.node.name}:{hp.iface.name}" for hp in ctx.hosts if hp.node.name == node)


def gateway_check(ctx: Derivation, node: str) -> str | None:
    """The check that ``node`` reaches its gateway, if it has one."""
    return f"gw:{node}" if any(hp.node.name == node and hp.gateway is not None for hp in ctx.hosts) else None


def dns_check(ctx: Derivation, node: str) -> str | None:
    """The check that ``node`` resolves the site's names, if the site has an internal DNS it uses."""
    if not ctx.internal_dns:
        return None
    uses = any(hp.node.name == node and hp.gateway is not None and not hp.node.kind.on_internet for hp in ctx.hosts)
    return f"dns:{node}" if uses else None


# ------------------------------------------------------------------ hosts, bottom-up
def _hosts(ctx: Derivation) -> None:
    dhcp_reps: dict[int, HostPort] = {}
    for hp in ctx.hosts:
        if hp.iface.dhcp and hp.vlan is not None and hp.vlan.id not in dhcp_reps:
            dhcp_reps[hp.vlan.id] = hp
    for vid, hp in dhcp_reps.items():
        vlan = hp.vlan
        assert vlan is not None
        ctx.check(
            f"dhcp:vlan{vid}",
            f"Le serveur DHCP répond dans le VLAN {vid} ({vlan.name})",
            f"DHCP server answers in VLAN {vid} ({vlan.name})",
            on=hp.node.name,
            probe=DhcpProbe(
                interface=hp.iface.name,
                subnet=vlan.subnet,
                gateway=vlan.gateway,
                dns=scope_dns(ctx.topo, vlan, ctx.topo.segment_of(hp.node.name, hp.iface.name), vlan.gateway),
            ),
            criteria=(*INFRA, "TAI-CP7-C1"),
            depends=(f"link:{hp.node.name}:{hp.iface.name}",),
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
        depends = [f"link:{name}:{ifname}"]
        if hp.iface.dhcp and hp.vlan is not None:
            depends.append(f"dhcp:vlan{hp.vlan.id}")
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
                depends=(f"ip:{name}:{ifname}",),
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
    client = next((hp for hp in ctx.hosts if hp.iface.dhcp and hp.gateway is not None), None)
    if client is None or not ctx.internal_dns:
        return
    for hp in ctx.hosts:
        if hp.fixed is None or hp.node.name == client.node.name:
            continue
        fqdn = f"{hp.node.name}.{ctx.domain}"
        ctx.check(
            f"dnsrec:{hp.node.name}",
            f"{fqdn} pointe vers {hp.fixed}",
            f"{fqdn} points to {hp.fixed}",
            on=client.node.name,
            probe=DnsProbe(name=fqdn, expect=str(hp.fixed)),
            criteria=(*INFRA, "TAI-CP5-C5"),
            depends=(f"gw:{client.node.name}",),
            group="services",
        )
        if hp.node.kind is NodeKind.SERVER:
            ctx.check(
                f"ptr:{hp.node.name}",
                f"{hp.fixed} a un nom inverse ({fqdn})",
                f"{hp.fixed} has a reverse name ({fqdn})",
                on=client.node.name,
                probe=DnsProbe(name=str(hp.fixed), type="PTR", expect=fqdn),
                criteria=(*INFRA, "TAI-CP5-C5"),
                depends=(f"gw:{client.node.name}",),
                group="services",
            )


# ------------------------------------------------------------------ layer 2 and infrastructure
def _isolation(ctx: Derivation) -> None:
    sources: dict[int, HostPort] = {}
    targets: dict[int, HostPort] = {}
    for hp in ctx.hosts:
        if hp.vlan is None:
            continue
        if hp.gateway is not None:
            sources.setdefault(hp.vlan.id, hp)
        if hp.fixed is not None:
            targets.setdefault(hp.vlan.id, hp)
    for a, src in sources.items():
        for b, dst in targets.items():
            if a == b or dst.fixed is None:
                continue
            ctx.check(
                f"l2:vlan{a}->vlan{b}",
                f"VLAN {a} isolé du VLAN {b} au niveau 2 ({dst.node.name})",
                f"VLAN {a} isolated from VLAN {b} at layer 2 ({dst.node.name})",
                on=src.node.name,
                probe=ArpProbe(interface=src.iface.name, target=dst.fixed),
                criteria=(*POLICY, "TAI-CP5-C2"),
                expect=False,
                depends=(f"ip:{src.node.name}:{src.iface.name}",),
                group="isolation",
            )


def _infrastructure(ctx: Derivation) -> None:
    for switch in ctx.site.nodes:
        if switch.management is None:
            continue
        vid = ctx.topo.vlan_id(switch.management.vlan)
        src = next((hp for hp in ctx.hosts if hp.vlan is not None and hp.vlan.id == vid and hp.gateway is not None), None)
        if src is None:
            continue
        address = switch.management.address.ip
        ctx.check(
            f"mgmt:{switch.name}",
            f"{switch.name} répond sur son adresse d'administration {address}",
            f"{switch.name} answers on its management address {address}",
            on=src.node.name,
            probe=PingProbe(target=str(address)),
            criteria=INFRA,
            depends=(f"gw:{src.node.name}",),
            group="infrastructure",
        )
    for router in ctx.site.nodes:
        if router.kind is not NodeKind.ROUTER:
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

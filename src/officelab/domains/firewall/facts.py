"""Firewall zones of a router, derived from the model: which interfaces, subnets and segments each covers,
and what the policy decides for a flow. Shared by the nftables realiser and the recette."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from officelab.domains.firewall.model import Action, FirewallService
from officelab.domains.vpn.model import TUNNEL
from officelab.site.model import Node, Site
from officelab.site.topology import Topology


def tunnels(site: Site, node: Node) -> dict[str, IPv4Network]:
    """The node's tunnel interfaces (not in the site's cabling: made by a daemon) and the subnet behind each: the
    user VPN's server interface and its pool."""
    vpn = site.vpn
    return {TUNNEL: vpn.pool} if vpn is not None and vpn.server == node.name else {}


def zone_interfaces(topo: Topology, node: Node, fw: FirewallService) -> dict[str, list[str]]:
    """Zone → the router's interface names in it (VLAN zones map to the sub-interfaces)."""
    names = [name for name, _, _ in topo.l3_interfaces(node)]
    result: dict[str, list[str]] = {}
    for zone, members in fw.zones.items():
        ifaces = list(members.interfaces)
        for ref in members.vlans:
            vid = topo.vlan_id(ref)
            ifaces += [n for n in names if vid is not None and n.endswith(f".{vid}")]
        result[zone] = ifaces
    return result


def zone_subnets(topo: Topology, node: Node, fw: FirewallService) -> dict[str, list[str]]:
    """Zone → the subnets directly behind it (a tunnel's: its pool)."""
    subnets: dict[str, list[str]] = {}
    by_name = {name: (iface, vid) for name, iface, vid in topo.l3_interfaces(node)}
    tunnel_nets = tunnels(topo.site, node)
    for zone, ifaces in zone_interfaces(topo, node, fw).items():
        nets = []
        for name in ifaces:
            if name in tunnel_nets:
                nets.append(str(tunnel_nets[name]))
                continue
            iface, vid = by_name[name]
            vlan = topo.vlan(vid)
            if vlan is not None:
                nets.append(str(vlan.subnet))
            elif iface.address is not None:
                nets.append(str(iface.address.network))
        subnets[zone] = nets
    return subnets


def zone_of(topo: Topology, router: Node, fw: FirewallService, node: str, ifname: str) -> str | None:
    """The zone a host interface sits in, seen from ``router``: the zone of the router interface on its segment,
    or — for the emulated internet, beyond the router's uplink — the zone of the uplink."""
    zones = zone_interfaces(topo, router, fw)
    segment = topo.segment_of(node, ifname)
    if segment is not None:
        for zone, ifaces in zones.items():
            if any((router.name, i) in segment.members for i in ifaces):
                return zone
    host = topo.nodes.get(node)
    if host is not None and host.kind.on_internet:
        uplinks = {i.name for i in router.interfaces if i.gateway is not None}
        return next((zone for zone, ifaces in zones.items() if uplinks & set(ifaces)), None)
    return None


def uplink_zone(router: Node, fw: FirewallService) -> str | None:
    """The zone of the router's uplink (its interface with a gateway): towards the internet."""
    uplinks = {i.name for i in router.interfaces if i.gateway is not None}
    return next((zone for zone, members in fw.zones.items() if uplinks & set(members.interfaces)), None)


def zone_of_address(topo: Topology, router: Node, fw: FirewallService, address: IPv4Address) -> str | None:
    """The zone an address is in: the zone of the subnet behind the router that holds it, else (beyond its
    uplink: the emulated internet) the uplink's zone."""
    uplink = uplink_zone(router, fw)
    for zone, nets in zone_subnets(topo, router, fw).items():
        if zone != uplink and any(address in IPv4Network(n) for n in nets):
            return zone
    return uplink


@dataclass(frozen=True)
class Flow:
    src_zone: str
    dst_zone: str
    proto: str  # tcp | udp | icmp
    port: int | None
    destination: IPv4Address


def decide(fw: FirewallService, flow: Flow) -> Action:
    """What the site's policy says about a new flow: the first matching rule, else the zones' policy, else the default."""
    return decision(fw, flow)[0]


def decision(fw: FirewallService, flow: Flow) -> tuple[Action, str]:
    """`decide`, with what decided, named as the live ruleset's comments name it: ``rule NAME``, ``policy A -> B``
    or ``default``."""
    for rule in fw.rules:
        if rule.from_ != flow.src_zone or rule.to != flow.dst_zone:
            continue
        if rule.proto != "any" and rule.proto != flow.proto:
            continue
        if rule.ports and flow.port not in rule.ports:
            continue
        if rule.destination is not None and flow.destination not in rule.destination.network:
            continue
        return rule.action, f"rule {rule.name}"
    for policy in fw.policies:
        if policy.from_ == flow.src_zone and policy.to == flow.dst_zone:
            return policy.action, f"policy {policy.from_} -> {policy.to}"
    return fw.default, "default"


def nat_address(site: Site) -> IPv4Address | None:
    """The public address the site's traffic leaves with: the router's address in the zone it masquerades towards."""
    for node in site.nodes:
        fw = node.services.firewall
        if fw is None:
            continue
        for masq in fw.nat.masquerade:
            members = fw.zones.get(masq.out)
            for iface in node.interfaces:
                if members is not None and iface.name in members.interfaces and iface.address is not None:
                    return iface.address.ip
    return None

"""Network facts that follow from the site file alone: which DNS servers a node uses, and its search domains.

With Active Directory the domain controller is the DNS server of the clients that may query it (same segment,
or the firewall lets udp/53 through to the DC): that decision reads the site's `directory` section and the
firewall's policy.
"""

from __future__ import annotations

from ipaddress import IPv4Address

from officelab.domains.firewall.facts import Flow, decide, zone_of
from officelab.domains.firewall.model import Action
from officelab.site.model import Node, Site, Vlan, split_endpoint
from officelab.site.topology import Segment, Topology, fixed_address


def directory_dns(topo: Topology, segment: Segment | None) -> IPv4Address | None:
    """The domain controller, when the site has a directory and this segment may query it (same segment, or
    the firewall lets udp/53 through to the DC's zone): with AD, the DC is the DNS of the domain's clients."""
    d = topo.site.directory
    if d is None or segment is None:
        return None
    dc = topo.site.node(d.controller)
    dc_ifname = next((i.name for i in dc.interfaces if i.address is not None), None)
    address = next((i.address.ip for i in dc.interfaces if i.address is not None), None)
    if dc_ifname is None or address is None:
        return None
    if (dc.name, dc_ifname) in segment.members:
        return address
    for router in topo.site.nodes:
        fw = router.services.firewall
        if fw is None:
            continue
        member = next(iter(sorted(segment.members)))
        src, dst = zone_of(topo, router, fw, *member), zone_of(topo, router, fw, dc.name, dc_ifname)
        if src is not None and dst is not None and decide(fw, Flow(src, dst, "udp", 53, address)) is Action.ACCEPT:
            return address
        return None
    return address


def search_domains(topo: Topology) -> list[str]:
    """The site's DNS domain, then the AD domain if there is one."""
    d = topo.site.directory
    return [topo.site.site.domain, *([d.domain] if d is not None else [])]


def scope_dns(topo: Topology, vlan: Vlan, segment: Segment | None, own: IPv4Address | None) -> list[IPv4Address]:
    """The DNS servers a VLAN's DHCP scope hands out: the site's list, else the domain controller where the segment
    may query it, else the DHCP server's own address on the VLAN (``own``)."""
    if vlan.dhcp is not None and vlan.dhcp.dns:
        return list(vlan.dhcp.dns)
    dc = directory_dns(topo, segment)
    return [dc] if dc is not None else ([own] if own is not None else [])


def dhcp_servers(topo: Topology, vlan: Vlan) -> list[IPv4Address]:
    """The site's DHCP servers of a VLAN, by the address they answer from: a router from its gateway address, a
    server from its own address in the VLAN."""
    found = []
    for node in topo.site.nodes:
        if node.services.dhcp is None or vlan.dhcp is None:
            continue
        if node.kind.routes and vlan.gateway is not None:
            found.append(vlan.gateway)
        else:
            found += [i.address.ip for i in node.interfaces if i.address is not None and i.address.ip in vlan.subnet]
    return found


def dns_server_for(topo: Topology, node: Node) -> tuple[list[IPv4Address], str]:
    """The DNS servers a statically addressed node uses, and its search domains.

    Inside the site: the domain controller if there is a directory the node may query, else the internal
    DNS server's address on the node's segment. On the emulated internet: the public resolver.
    """
    internal = [n for n in topo.site.nodes if n.services.dns is not None and not n.kind.on_internet]
    public = [n for n in topo.site.nodes if n.services.dns is not None and n.kind.on_internet]
    if not node.kind.on_internet:
        search = " ".join(search_domains(topo))
        for name, _iface, _vid in topo.l3_interfaces(node):
            segment = topo.segment_of(node.name, name)
            dc = directory_dns(topo, segment)
            if dc is not None:
                return [dc], search
            if segment is None:
                continue
            for server in internal:
                for sname, siface, svid in topo.l3_interfaces(server):
                    if (server.name, sname) in segment.members:
                        vlan = topo.vlan(svid)
                        if vlan is not None and vlan.gateway is not None:
                            return [vlan.gateway], search
                        if siface.address is not None:
                            return [siface.address.ip], search
    addresses = [i.address.ip for n in public for i in n.interfaces if i.address is not None]
    return addresses[:1], topo.site.site.domain if not node.kind.on_internet else ""


def management_dns(topo: Topology, node: Node) -> list[IPv4Address]:
    """A switch's DNS server: the internal DNS server's address in its management VLAN."""
    if node.management is None:
        return []
    vid = topo.vlan_id(node.management.vlan)
    for server in topo.site.nodes:
        if server.services.dns is None or server.kind.on_internet:
            continue
        for _name, _iface, svid in topo.l3_interfaces(server):
            vlan = topo.vlan(svid)
            if svid == vid and vlan is not None and vlan.gateway is not None:
                return [vlan.gateway]
    return []


def dc_address(site: Site) -> IPv4Address:
    """The domain controller's address (the site has a directory)."""
    d = site.directory
    assert d is not None
    address = fixed_address(site.node(d.controller))
    assert address is not None, "validation requires a DC with a static address"
    return address


def uplink_trunks(site: Site, switch: str) -> list[tuple[str, str]]:
    """The cables from ``switch`` up to the router, each as (the port at the switch end, the port at the other
    end), nearest first; only switches' ports are listed as the first of a pair."""
    routers = {n.name for n in site.nodes if n.kind.routes}
    bridges = {n.name for n in site.nodes if n.kind.bridges}
    graph: dict[str, list[tuple[str, str, str]]] = {}
    for lk in site.links:
        a, b = split_endpoint(lk.a)[0], split_endpoint(lk.b)[0]
        graph.setdefault(a, []).append((b, lk.a, lk.b))
        graph.setdefault(b, []).append((a, lk.b, lk.a))
    paths: dict[str, list[tuple[str, str]]] = {switch: []}
    todo = [switch]
    while todo:
        current = todo.pop(0)
        if current in routers:
            return [(here, there) for here, there in paths[current] if split_endpoint(here)[0] in bridges]
        for nxt, here, there in graph.get(current, []):
            if nxt not in paths and (nxt in bridges or nxt in routers):
                paths[nxt] = [*paths[current], (here, there)]
                todo.append(nxt)
    return []

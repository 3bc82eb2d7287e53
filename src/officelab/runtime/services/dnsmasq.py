"""Internal DNS and DHCP of the site with dnsmasq (what most small-office routers run)."""

from __future__ import annotations

from ipaddress import IPv4Address

from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, Readiness, directory_dns, search_domains
from officelab.runtime.services import render
from officelab.runtime.services.samba import dc_address
from officelab.site.model import Node
from officelab.site.topology import Topology


def _site_hosts(topo: Topology) -> str:
    """Static names of the site: every fixed address, each VLAN sub-interface of a router, switch management."""
    lines = []
    domain = topo.site.site.domain
    for node in topo.site.nodes:
        if node.kind.on_internet:
            continue
        for _name, iface, vid in topo.l3_interfaces(node):
            vlan = topo.vlan(vid)
            address = vlan.gateway if vlan is not None else (iface.address.ip if iface.address else None)
            if address is not None:
                lines.append(f"{address}\t{node.name}.{domain} {node.name}")
        if node.management is not None:
            lines.append(f"{node.management.address.ip}\t{node.name}.{domain} {node.name}")
    return "\n".join(lines) + "\n"


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    dns, dhcp = node.services.dns, node.services.dhcp
    if node.kind.on_internet or (dns is None and dhcp is None):
        return
    node_dir = plan.node_dir(node.name)
    listen: list[str] = []
    scopes = []
    served_ifaces = []
    for name, iface, vid in topo.l3_interfaces(node):
        zone_wan = node.services.firewall is not None and any(
            name in z.interfaces for zname, z in node.services.firewall.zones.items() if zname == "wan"
        )
        if iface.gateway is not None or zone_wan:
            continue  # never serve DNS/DHCP towards the uplink
        listen.append(name)
        vlan = topo.vlan(vid) if vid is not None else topo.vlan_of(node.name, name)
        if dhcp is not None and vlan is not None and vlan.dhcp is not None:
            own = vlan.gateway if vid is not None else (iface.address.ip if iface.address else None)
            served_ifaces.append(name)
            scopes.append(
                {
                    "tag": f"vlan{vlan.id}",
                    "vlan_id": vlan.id,
                    "vlan_name": vlan.name,
                    "start": vlan.dhcp.start,
                    "end": vlan.dhcp.end,
                    "netmask": vlan.subnet.netmask,
                    "lease": vlan.dhcp.lease,
                    "router": vlan.gateway or own,
                    "dns": [str(a) for a in vlan.dhcp.dns] or [str(directory_dns(topo, topo.segment_of(node.name, name)) or own)],
                }
            )
    reservations: list[dict[str, object]] = []
    served = {s["vlan_id"] for s in scopes}
    for vlan in topo.site.vlans:
        if vlan.dhcp is not None and vlan.id in served:
            reservations += [{"mac": r.mac, "address": r.address, "name": r.name} for r in vlan.dhcp.reservations]
    for other in topo.site.nodes:
        for iface in other.interfaces:
            if iface.reserve is not None:
                vlan = topo.vlan_of(other.name, iface.name)
                if vlan is not None and vlan.id in served:
                    reservations.append({"mac": topo.mac(other.name, iface.name), "address": iface.reserve, "name": other.name})
    records = dns.records if dns else []
    forwarders: list[IPv4Address] = list(dns.forwarders) if dns else []
    d = topo.site.directory
    config = render(
        "dnsmasq.conf.j2",
        search=search_domains(topo),
        ad_domain=d.domain if d else "",
        dc=str(dc_address(topo.site)) if d else "",
        node=node.name,
        dir=node_dir,
        domain=topo.site.site.domain,
        listen=listen,
        scopes=scopes,
        reservations=reservations,
        forwarders=forwarders,
        cnames=[(r.name, r.value) for r in records if r.type == "CNAME"],
        others=[(r.name, r.type, r.value) for r in records if r.type not in ("CNAME", "A")],
    )
    hosts = _site_hosts(topo) + "".join(f"{r.value}\t{r.name}.{topo.site.site.domain} {r.name}\n" for r in records if r.type == "A")
    plan.files.append(FilePlan(node.name, "dnsmasq.conf", config))
    plan.files.append(FilePlan(node.name, "hosts.site", hosts))
    ready = [Readiness("udp", 53)] + ([Readiness("udp", 67)] if scopes else [])
    plan.daemons.append(DaemonPlan("dnsmasq", node.name, ["dnsmasq", "-C", str(node_dir / "dnsmasq.conf")], stage=0, ready=ready))

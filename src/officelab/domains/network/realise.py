"""The network's files and daemons: every node's identity (hostname, hosts, resolv.conf), the site's internal DNS
and DHCP with dnsmasq (what most small-office routers run), the public resolver of the emulated internet with
unbound (what ISPs run), and DHCP clients (busybox udhcpc: fast, and a real DHCP exchange)."""

from __future__ import annotations

from ipaddress import IPv4Address

from officelab.domains.network.facts import dc_address, dns_server_for, management_dns, scope_dns, search_domains
from officelab.runtime.plan import AddressLeased, DaemonPlan, FilePlan, LabPlan, PortListening, Readiness, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node, NodeKind
from officelab.site.topology import Topology

render = templates(__name__)


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    _identity(plan, topo, node)
    _dnsmasq(plan, topo, node)
    _resolver(plan, topo, node)
    _dhcp_clients(plan, node)


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


def _dnsmasq(plan: LabPlan, topo: Topology, node: Node) -> None:
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
                    "dns": [str(a) for a in scope_dns(topo, vlan, topo.segment_of(node.name, name), own)],
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
        authoritative=dhcp is None or dhcp.authoritative,
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
    ready: list[Readiness] = [PortListening("udp", 53), *([PortListening("udp", 67)] if scopes else [])]
    plan.daemons.append(DaemonPlan("dnsmasq", node.name, ["dnsmasq", "-C", str(node_dir / "dnsmasq.conf")], Stage.SERVERS, ready))


PC_KINDS = (NodeKind.WORKSTATION, NodeKind.LAPTOP)
"""The kinds a domain may count among its computers, joined at boot or by hand."""


def _identity(plan: LabPlan, topo: Topology, node: Node) -> None:
    """Every node's own /etc/hostname, /etc/hosts and /etc/resolv.conf."""
    domain = topo.site.site.domain
    d = topo.site.directory
    # A domain member's own name is in the AD domain: `net ads join` registers that name in the DC's DNS. So is
    # every PC's of a site with a directory (its primary DNS suffix, as a GPO sets on a Windows network): one joined
    # by hand later registers without ERROR_DNS_UPDATE_FAILED (the DC is not authoritative for the site's domain).
    in_domain = d is not None and (node.name == d.controller or node.name in d.computers or node.kind in PC_KINDS)
    fqdn = f"{node.name}.{d.domain}" if in_domain and d else (f"{node.name}.{domain}" if not node.kind.on_internet else node.name)
    plan.files.append(FilePlan(node.name, "etc/hostname", f"{node.name}\n"))
    plan.files.append(FilePlan(node.name, "etc/hosts", f"127.0.0.1\tlocalhost\n127.0.1.1\t{fqdn} {node.name}\n"))
    servers, search = dns_server_for(topo, node) if not node.kind.bridges else (management_dns(topo, node), domain)
    lines = ([f"search {search}"] if search else []) + [f"nameserver {s}" for s in servers]
    plan.files.append(FilePlan(node.name, "etc/resolv.conf", "\n".join(lines) + "\n"))


def _resolver(plan: LabPlan, topo: Topology, node: Node) -> None:
    dns = node.services.dns
    if dns is None or not node.kind.on_internet:
        return
    node_dir = plan.node_dir(node.name)
    zones = []
    for zone in dns.zones:
        records = []
        for r in zone.records:
            fqdn = f"{zone.name}." if r.name == "@" else f"{r.name}.{zone.name}."
            value = r.value if r.type not in ("CNAME", "MX", "PTR") or r.value.endswith(".") else f"{r.value}."
            records.append({"fqdn": fqdn, "type": r.type, "value": f'"{value}"' if r.type == "TXT" else value})
        zones.append({"name": zone.name, "records": records})
    plan.files.append(FilePlan(node.name, "unbound.conf", render("unbound.conf.j2", node=node.name, dir=node_dir, zones=zones)))
    plan.daemons.append(
        DaemonPlan("unbound", node.name, ["unbound", "-d", "-c", str(node_dir / "unbound.conf")], Stage.SERVERS, [PortListening("udp", 53)])
    )


def _dhcp_clients(plan: LabPlan, node: Node) -> None:
    clients = [i for i in node.interfaces if i.dhcp]
    if not clients:
        return
    node_dir = plan.node_dir(node.name)
    plan.files.append(FilePlan(node.name, "udhcpc.script", render("udhcpc.script.j2", node=node.name), mode=0o755))
    for iface in clients:
        argv = [
            "busybox",
            "udhcpc",
            "-f",
            "-R",
            "-i",
            iface.name,
            "-x",
            f"hostname:{node.name}",
            "-s",
            str(node_dir / "udhcpc.script"),
            "-O",
            "search",
            "-t",
            "10",
            "-T",
            "1",
            "-A",
            "2",
        ]
        plan.daemons.append(DaemonPlan(f"dhcp-{iface.name}", node.name, argv, Stage.CLIENTS, [AddressLeased(iface.name)]))

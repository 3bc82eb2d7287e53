"""Compile a site into a lab plan: namespaces, cables, bridges, addresses, routes, files and daemons.

The plan is plain data, computed without root and without touching the system, so it can be unit
tested and shown (`officelab plan`). `officelab.runtime.build` carries it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address
from pathlib import Path

from officelab.runtime.state import netns_name
from officelab.runtime.vlan import PortVlan
from officelab.site.model import Action, Node, PortMode, Site, SwitchPort
from officelab.site.topology import Segment, Topology, mac_for
from officelab.site.zones import Flow, decide, zone_of

BRIDGE = "br0"


@dataclass(frozen=True)
class NodePlan:
    name: str
    kind: str
    netns: str
    forward: bool


@dataclass(frozen=True)
class VethEnd:
    node: str
    ifname: str
    mac: str | None = None


@dataclass(frozen=True)
class VethPlan:
    """A cable (or an internal patch inside a node): a veth pair with each end in its namespace."""

    a: VethEnd
    b: VethEnd
    cable: bool = True


@dataclass
class BridgePlan:
    node: str
    name: str
    ports: list[str] = field(default_factory=list)
    vlans: dict[str, PortVlan] = field(default_factory=dict)


@dataclass(frozen=True)
class AddressPlan:
    node: str
    ifname: str
    cidr: str


@dataclass(frozen=True)
class RoutePlan:
    node: str
    dst: str
    via: str


@dataclass(frozen=True)
class FilePlan:
    node: str
    path: str
    content: str
    mode: int = 0o644


@dataclass(frozen=True)
class Readiness:
    """What proves a daemon is ready: a bound UDP/TCP port, an address on an interface (DHCP), or an
    authenticated LDAP bind (a domain controller answers ports well before it can authenticate)."""

    kind: str  # udp | tcp | address | ldap | command
    port: int = 0
    ifname: str = ""
    user: str = ""
    password: str = ""
    argv: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "address":
            return f"a DHCP lease on {self.ifname}"
        if self.kind == "ldap":
            return f"an authenticated LDAP bind as {self.user}"
        if self.kind == "command":
            return f"`{' '.join(self.argv)}` succeeding"
        return f"{self.kind.upper()} port {self.port} listening"


@dataclass
class DaemonPlan:
    name: str
    node: str
    argv: list[str]
    stage: int = 0
    ready: list[Readiness] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Unique in the lab: ``node/name``."""
        return f"{self.node}/{self.name}"


@dataclass(frozen=True)
class CommandPlan:
    """A one-shot command on a node (loading a firewall ruleset)."""

    node: str
    argv: tuple[str, ...]
    what: str


@dataclass(frozen=True)
class HookPlan:
    """A step of the boot that is code, not a daemon: provisioning a domain, joining members, adding queues.

    ``after_stage`` -1 runs before any daemon; N runs once the daemons of stage N are ready. ``function`` is
    ``module:function`` taking ``(lab, plan, progress)``.
    """

    after_stage: int
    function: str
    what: str


@dataclass
class LabPlan:
    lab: str
    lab_dir: Path
    site: Site
    nodes: list[NodePlan] = field(default_factory=list)
    veths: list[VethPlan] = field(default_factory=list)
    bridges: list[BridgePlan] = field(default_factory=list)
    addresses: list[AddressPlan] = field(default_factory=list)
    routes: list[RoutePlan] = field(default_factory=list)
    files: list[FilePlan] = field(default_factory=list)
    commands: list[CommandPlan] = field(default_factory=list)
    daemons: list[DaemonPlan] = field(default_factory=list)
    hooks: list[HookPlan] = field(default_factory=list)
    env: dict[str, dict[str, str]] = field(default_factory=dict)
    """Node → variables every program on it gets (KRB5_CONFIG, CUPS_SERVER…)."""

    def node_dir(self, node: str) -> Path:
        return self.lab_dir / "nodes" / node

    def netns(self, node: str) -> str:
        return netns_name(self.lab, node)


def _port_vlan(topo: Topology, port: SwitchPort) -> PortVlan | None:
    if port.mode is PortMode.ACCESS:
        vid = topo.vlan_id(port.vlan)
        return PortVlan.access_port(vid) if vid is not None else None
    allowed = [v for v in (topo.vlan_id(r) for r in port.vlans) if v is not None]
    return PortVlan.trunk_port(allowed, topo.vlan_id(port.native))


def _vlan_aware(topo: Topology, node: Node) -> bool:
    """A switch whose ports are all in one VLAN (or none) needs no tagging: it is one broadcast domain."""
    modes = {p.mode for p in node.ports}
    vids = {topo.vlan_id(p.vlan) for p in node.ports}
    if node.management is not None:
        vids.add(topo.vlan_id(node.management.vlan))
    return PortMode.TRUNK in modes or len(vids) > 1


class _Compiler:
    def __init__(self, site: Site, lab: str, lab_dir: Path) -> None:
        self.site = site
        self.topo = Topology(site)
        self.plan = LabPlan(lab=lab, lab_dir=lab_dir, site=site)

    def compile(self) -> LabPlan:
        from officelab.runtime.services import realise_services

        for node in self.site.nodes:
            self.plan.nodes.append(NodePlan(node.name, node.kind.value, self.plan.netns(node.name), node.kind.routes))
            if node.kind.bridges:
                self.bridge_node(node)
            else:
                self.l3_node(node)
        self.cables()
        realise_services(self.plan, self.topo)
        return self.plan

    def bridge_node(self, node: Node) -> None:
        bridge = BridgePlan(node=node.name, name=BRIDGE)
        aware = _vlan_aware(self.topo, node)
        ports = self.topo.switch_ports[node.name]
        for name, port in ports.items():
            if (node.name, name) not in self.topo.peers or port.shutdown:
                continue
            bridge.ports.append(name)
            pv = _port_vlan(self.topo, port) if aware else None
            if pv is not None:
                bridge.vlans[name] = pv
        if node.management is not None:
            mgmt = node.management
            self.plan.veths.append(
                VethPlan(VethEnd(node.name, "mgmt", mac_for(node.name, "mgmt")), VethEnd(node.name, "mgmt-p"), cable=False)
            )
            bridge.ports.append("mgmt-p")
            vid = self.topo.vlan_id(mgmt.vlan)
            if aware and vid is not None:
                bridge.vlans["mgmt-p"] = PortVlan.access_port(vid)
            self.plan.addresses.append(AddressPlan(node.name, "mgmt", str(mgmt.address)))
            if mgmt.gateway is not None:
                self.plan.routes.append(RoutePlan(node.name, "default", str(mgmt.gateway)))
        self.plan.bridges.append(bridge)

    def l3_node(self, node: Node) -> None:
        for index, iface in enumerate(node.interfaces):
            if iface.vlans:
                # Router-on-a-stick without 8021q: the trunk port joins a small bridge inside the router,
                # and each VLAN sub-interface (lan.10) is patched to it through an access-port filter.
                bridge = BridgePlan(node=node.name, name=f"{iface.name}-br", ports=[iface.name])
                vids = [v for v in (self.topo.vlan_id(r) for r in iface.vlans) if v is not None]
                bridge.vlans[iface.name] = PortVlan.trunk_port(vids, None)
                for vid in vids:
                    sub = f"{iface.name}.{vid}"
                    inner = f"k{index}v{vid}"
                    self.plan.veths.append(
                        VethPlan(VethEnd(node.name, sub, self.topo.mac(node.name, sub)), VethEnd(node.name, inner), cable=False)
                    )
                    bridge.ports.append(inner)
                    bridge.vlans[inner] = PortVlan.access_port(vid)
                    vlan = self.topo.vlan(vid)
                    if vlan is not None and vlan.gateway is not None:
                        self.plan.addresses.append(AddressPlan(node.name, sub, f"{vlan.gateway}/{vlan.subnet.prefixlen}"))
                self.plan.bridges.append(bridge)
                continue
            if iface.address is not None:
                self.plan.addresses.append(AddressPlan(node.name, iface.name, str(iface.address)))
            if iface.gateway is not None:
                self.plan.routes.append(RoutePlan(node.name, "default", str(iface.gateway)))

    def cables(self) -> None:
        for link in self.site.links:
            ends = []
            for endpoint in (link.a, link.b):
                node_name, port = endpoint.split(":", 1)
                node = self.topo.nodes[node_name]
                mac = None if node.kind.bridges else self.topo.mac(node_name, port)
                ends.append(VethEnd(node_name, port, mac or mac_for(node_name, port)))
            self.plan.veths.append(VethPlan(ends[0], ends[1]))


def compile_plan(site: Site, lab: str, lab_dir: Path) -> LabPlan:
    """The full plan of a lab of ``site`` named ``lab``, with its files under ``lab_dir``."""
    return _Compiler(site, lab, lab_dir).compile()


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

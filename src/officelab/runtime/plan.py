"""Compile a site into a lab plan: namespaces, cables, bridges, addresses, routes, files and daemons.

The plan is plain data, computed without root and without touching the system, so it can be
unit tested. `officelab.runtime.build` and the lab's boot carry it out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from officelab.core.probe import ProbeSpecBase
from officelab.domains import parts
from officelab.runtime.state import netns_name
from officelab.runtime.vlan import PortVlan
from officelab.site.model import Node, PortMode, Site, SwitchPort
from officelab.site.topology import Topology, mac_for

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

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


class Stage(IntEnum):
    """The boot stages, in order: the daemons of a stage start once every daemon of the stage before is ready."""

    SERVERS = 0
    """the site's servers: DNS and DHCP, the domain controller, web, print and backup servers, the broker, media relays"""
    CLIENTS = 1
    """what needs a server of stage 0: DHCP clients, printers, the PBX (after its media relay)"""
    MEMBERS = 2
    """what needs an address or a joined domain: domain members, automation devices, cameras, phones"""
    RECORDERS = 3
    """what needs the devices: the video recorder"""

    @property
    def label(self) -> str:
        return {0: "servers", 1: "clients and PBX", 2: "domain members, devices, cameras and phones", 3: "recorders"}[self.value]


@dataclass(frozen=True)
class PortListening:
    """The daemon has a socket of ``proto`` bound to ``port`` (TCP: listening) in its node's namespace."""

    proto: Literal["tcp", "udp"]
    port: int

    def describe(self) -> str:
        return f"{self.proto.upper()} port {self.port} listening"


@dataclass(frozen=True)
class AddressLeased:
    """The interface has an IPv4 address (a DHCP client got its lease)."""

    ifname: str

    def describe(self) -> str:
        return f"a DHCP lease on {self.ifname}"


@dataclass(frozen=True)
class ProbeSucceeds:
    """A probe run on the daemon's node succeeds: the daemon really answers (a domain controller listens well
    before it can authenticate; ``wbinfo --ping-dc`` proves a member reaches its DC)."""

    probe: ProbeSpecBase
    what: str

    def describe(self) -> str:
        return self.what


Readiness = PortListening | AddressLeased | ProbeSucceeds
"""What proves a daemon is ready."""


@dataclass
class DaemonPlan:
    name: str
    node: str
    argv: list[str]
    stage: Stage = Stage.SERVERS
    ready: list[Readiness] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    confined: bool = False
    """It gives people shells (sshd): they get no capability that would undo the node's view."""
    masked: bool = False
    """Its output may name a URL with its password (ffmpeg's errors): the supervisor logs it with passwords hidden."""

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


BootStep = Callable[["Lab", "LabPlan", Callable[[str], None]], None]
"""A step of the boot that is code: ``step(lab, plan, progress)``."""


@dataclass(frozen=True)
class HookPlan:
    """A step of the boot that is code, not a daemon: provisioning a domain, joining members, adding queues.

    It runs once the daemons of stage ``after`` are ready, or before any daemon starts when ``after`` is None.
    """

    after: Stage | None
    run: BootStep
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
    binds: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Node → (directory under the node's, where the node sees it): for programs with compiled-in paths."""

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
        for node in self.site.nodes:
            self.plan.nodes.append(NodePlan(node.name, node.kind.value, self.plan.netns(node.name), node.kind.routes))
            if node.kind.bridges:
                self.bridge_node(node)
            else:
                self.l3_node(node)
        self.cables()
        for node in self.site.nodes:
            for domain in parts("realise"):
                domain.realise(self.plan, self.topo, node)
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

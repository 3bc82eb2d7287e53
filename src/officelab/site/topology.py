"""Facts derived from a site's cabling: ports, links, and the layer-2 segments (broadcast domains).

A segment is what a frame can reach: a VLAN across switches and trunks, or a plain cable between two
hosts. Validation uses it (is this address in the subnet of the VLAN it is plugged into?), the runtime
and the checks use it (which VLAN is this PC in?).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Address

from officelab.core.model import VlanRef
from officelab.site.model import Interface, Node, NodeKind, PortMode, Site, SwitchPort, Vlan, split_endpoint

Attachment = tuple[str, str]
"""``(node, interface)`` of a layer-3 interface; router sub-interfaces are ``(router, "lan.10")``."""


def subinterface_name(interface: str, vlan_id: int) -> str:
    """The name of a router's VLAN sub-interface, as on a real router: ``lan.10``."""
    return f"{interface}.{vlan_id}"


def mac_for(node: str, interface: str) -> str:
    """A stable, locally administered MAC for an interface (so DHCP reservations work across boots)."""
    digest = hashlib.sha256(f"{node}/{interface}".encode()).digest()
    return "02:" + ":".join(f"{b:02x}" for b in digest[:5])


@dataclass(frozen=True)
class Segment:
    """A broadcast domain: the interfaces that share it, and its VLAN if it is one."""

    key: int
    vlan: int | None
    members: frozenset[Attachment]


@dataclass
class _UnionFind:
    parent: dict[object, object] = field(default_factory=dict)

    def find(self, x: object) -> object:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: object, b: object) -> None:
        self.parent[self.find(a)] = self.find(b)


class Topology:
    """Derived view of a (structurally valid) site. Unknown references are skipped, not raised."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.nodes: dict[str, Node] = {n.name: n for n in site.nodes}

    # ------------------------------------------------------------------ lookups
    def vlan(self, ref: VlanRef | None) -> Vlan | None:
        if ref is None:
            return None
        try:
            return self.site.vlan(ref)
        except KeyError:
            return None

    def vlan_id(self, ref: VlanRef | None) -> int | None:
        vlan = self.vlan(ref)
        return vlan.id if vlan else None

    @cached_property
    def switch_ports(self) -> dict[str, dict[str, SwitchPort]]:
        """Switch → port name → port (ranges expanded)."""
        table: dict[str, dict[str, SwitchPort]] = {}
        for node in self.site.nodes:
            if node.kind.bridges:
                table[node.name] = {name: port for port in node.ports for name in port.names()}
        return table

    def interface(self, node: str, name: str) -> Interface | None:
        found = self.nodes.get(node)
        if found is None:
            return None
        return next((i for i in found.interfaces if i.name == name), None)

    def has_port(self, node: str, port: str) -> bool:
        found = self.nodes.get(node)
        if found is None:
            return False
        if found.kind.bridges:
            return port in self.switch_ports.get(node, {})
        return self.interface(node, port) is not None

    @cached_property
    def peers(self) -> dict[tuple[str, str], tuple[str, str]]:
        """``(node, port)`` → the ``(node, port)`` at the other end of its cable."""
        table: dict[tuple[str, str], tuple[str, str]] = {}
        for link in self.site.links:
            a, b = split_endpoint(link.a), split_endpoint(link.b)
            table[a] = b
            table[b] = a
        return table

    # ------------------------------------------------------------------ addressing
    def l3_interfaces(self, node: Node) -> list[tuple[str, Interface, int | None]]:
        """A node's layer-3 interfaces as ``(name, interface, vlan id of a sub-interface)``."""
        result: list[tuple[str, Interface, int | None]] = []
        for iface in node.interfaces:
            if iface.vlans:
                for ref in iface.vlans:
                    vid = self.vlan_id(ref)
                    if vid is not None:
                        result.append((subinterface_name(iface.name, vid), iface, vid))
            else:
                result.append((iface.name, iface, None))
        return result

    def mac(self, node: str, interface: str) -> str:
        """The MAC of a layer-3 interface (sub-interfaces get their own)."""
        iface = self.interface(node, interface)
        if iface is not None and iface.mac:
            return iface.mac
        return mac_for(node, interface)

    # ------------------------------------------------------------------ segments
    @cached_property
    def segments(self) -> list[Segment]:
        """Every broadcast domain with at least one layer-3 interface in it."""
        uf = _UnionFind()
        vlan_of_key: dict[object, int | None] = {}

        def point(switch: str, vid: int | None) -> object:
            key = ("sw", switch, vid)
            vlan_of_key[key] = vid
            return key

        def switch_side(node: str, port: SwitchPort) -> dict[int | None, object]:
            """The broadcast domains a switch port opens onto, by the VLAN carried (None: untagged)."""
            if port.mode is PortMode.ACCESS:
                return {None: point(node, self.vlan_id(port.vlan))}
            carried: dict[int | None, object] = {}
            for ref in port.vlans:
                vid = self.vlan_id(ref)
                if vid is not None:
                    carried[vid] = point(node, vid)
            if port.native is not None:
                carried[None] = point(node, self.vlan_id(port.native))
            return carried

        def l3_side(node: Node, ifname: str) -> dict[int | None, object]:
            iface = self.interface(node.name, ifname)
            if iface is None:
                return {}
            if iface.vlans:
                return {
                    vid: ("l3", node.name, sub)
                    for sub, _, vid in self.l3_interfaces(node)
                    if sub.startswith(f"{ifname}.") and vid is not None
                }
            return {None: ("l3", node.name, ifname)}

        for link in self.site.links:
            ends = []
            for endpoint in (link.a, link.b):
                node_name, port_name = split_endpoint(endpoint)
                node = self.nodes.get(node_name)
                if node is None:
                    break
                if node.kind.bridges:
                    port = self.switch_ports.get(node_name, {}).get(port_name)
                    if port is None or port.shutdown:
                        break
                    ends.append(switch_side(node_name, port))
                else:
                    ends.append(l3_side(node, port_name))
            if len(ends) != 2:
                continue
            a, b = ends
            for tag, key in a.items():
                if tag in b:
                    uf.union(key, b[tag])
        # Management interfaces of switches sit in their VLAN on that switch.
        for node in self.site.nodes:
            if node.management is not None:
                uf.union(("l3", node.name, "mgmt"), point(node.name, self.vlan_id(node.management.vlan)))

        groups: dict[object, set[Attachment]] = {}
        vlans: dict[object, int | None] = {}
        for key in list(uf.parent):
            root = uf.find(key)
            groups.setdefault(root, set())
            if isinstance(key, tuple) and key[0] == "l3":
                groups[root].add((key[1], key[2]))
            if key in vlan_of_key and vlan_of_key[key] is not None:
                vlans[root] = vlan_of_key[key]
        segments = [
            Segment(key=i, vlan=vlans.get(root), members=frozenset(members))
            for i, (root, members) in enumerate(sorted(groups.items(), key=lambda kv: sorted(kv[1])))
            if members
        ]
        return segments

    @cached_property
    def _segment_by_member(self) -> dict[Attachment, Segment]:
        return {member: segment for segment in self.segments for member in segment.members}

    def segment_of(self, node: str, interface: str) -> Segment | None:
        return self._segment_by_member.get((node, interface))

    def vlan_of(self, node: str, interface: str) -> Vlan | None:
        """The VLAN a layer-3 interface is plugged into (through its switch port), if any."""
        segment = self.segment_of(node, interface)
        return self.vlan(segment.vlan) if segment and segment.vlan is not None else None

    @cached_property
    def fixed_addresses(self) -> set[IPv4Address]:
        """Every address that is always the same node's: static addresses and DHCP reservations."""
        fixed = {i.address.ip for n in self.site.nodes for i in n.interfaces if i.address is not None}
        fixed |= {i.reserve for n in self.site.nodes for i in n.interfaces if i.reserve is not None}
        fixed |= {r.address for vlan in self.site.vlans if vlan.dhcp for r in vlan.dhcp.reservations}
        return fixed

    @cached_property
    def hosts(self) -> list[HostPort]:
        """Every cabled layer-3 interface of the site's hosts (servers, PCs, phones, printers, cameras, devices)."""
        return [hp for n in self.site.nodes if n.kind in HOST_KINDS for hp in self.ports_of(n)]

    def ports_of(self, node: Node) -> list[HostPort]:
        """The node's cabled layer-3 interfaces."""
        cabled = [iface for iface in node.interfaces if (node.name, iface.name) in self.peers]
        return [HostPort(node, iface, self.vlan_of(node.name, iface.name)) for iface in cabled]


def fixed_address(node: Node, *, reserved: bool = False) -> IPv4Address | None:
    """Where the site's other devices reach the node: its first static address (or, with ``reserved``, the first
    static address or DHCP reservation), if it has one. Validation requires one wherever a service needs it."""
    for iface in node.interfaces:
        if iface.address is not None:
            return iface.address.ip
        if reserved and iface.reserve is not None:
            return iface.reserve
    return None


def service_address(site: Site, node: str, *, reserved: bool = False) -> str:
    """The fixed address of a node that serves something (a DC, a PBX, a broker, a printer): validated to exist."""
    address = fixed_address(site.node(node), reserved=reserved)
    if address is None:
        raise ValueError(f"{node} has no fixed address (validation should have refused the site)")
    return str(address)


HOST_KINDS = (
    NodeKind.SERVER,
    NodeKind.WORKSTATION,
    NodeKind.LAPTOP,
    NodeKind.TABLET,
    NodeKind.PHONE,
    NodeKind.PRINTER,
    NodeKind.CAMERA,
    NodeKind.IOT,
)
"""The kinds of node that are hosts: they have layer-3 interfaces and are checked bottom-up."""


@dataclass(frozen=True)
class HostPort:
    """A host's cabled layer-3 interface, and the VLAN it is plugged into."""

    node: Node
    iface: Interface
    vlan: Vlan | None

    @property
    def fixed(self) -> IPv4Address | None:
        """Its static address, or its DHCP reservation."""
        if self.iface.address is not None:
            return self.iface.address.ip
        return self.iface.reserve

    @property
    def gateway(self) -> IPv4Address | None:
        if self.iface.gateway is not None:
            return self.iface.gateway
        return self.vlan.gateway if self.vlan is not None and self.iface.dhcp else None

    @property
    def wireless(self) -> bool:
        return self.iface.name.startswith("wl") or self.node.kind is NodeKind.TABLET

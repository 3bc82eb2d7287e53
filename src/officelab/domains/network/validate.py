"""Validation of the addressing plan, the switching and the cabling: VLANs, nodes, cables and their modes, addresses against the VLAN
they are plugged into, gateways; DHCP scopes (`scopes.py`) and public addresses only on the emulated internet
(`public.py`), on the same index of segments (`_Segments`), built once so that validation stays linear."""

from __future__ import annotations

from collections import Counter
from ipaddress import IPv4Address, IPv4Network

from officelab.domains.network.public import _public
from officelab.domains.network.scopes import _dhcp, _usable
from officelab.site.model import Node, PortMode, split_endpoint
from officelab.site.topology import Segment
from officelab.site.validate import Validation


def _vlans(v: Validation) -> None:
    vlans = v.site.vlans
    v.duplicates(((vlan.id, ("vlans", i, "id")) for i, vlan in enumerate(vlans)), "VLAN id")
    v.duplicates(((vlan.name, ("vlans", i, "name")) for i, vlan in enumerate(vlans)), "VLAN name")
    for i, vlan in enumerate(vlans):
        net = vlan.subnet
        if vlan.gateway is not None and not _usable(vlan.gateway, net):
            v.add(
                ("vlans", i, "gateway"),
                f"gateway {vlan.gateway} is not a usable address of {net}",
                f"pick a host address of {net}, usually the first: {next(net.hosts(), net.network_address)}",
            )
    for i, j in _overlaps([vlan.subnet for vlan in vlans]):
        other = vlans[j]
        message = f"subnet {vlans[i].subnet} overlaps VLAN {other.id} ({other.subnet})"
        v.add(("vlans", i, "subnet"), message, "each VLAN needs its own subnet")


def _overlaps(nets: list[IPv4Network]) -> list[tuple[int, int]]:
    """For each network that overlaps an earlier one, ``(its index, the first earlier one's)``.

    Two CIDR blocks overlap only when one contains the other, so each network looks up its 33 possible
    supernets, and the earlier networks it contains: linear in the number of networks, not quadratic."""
    first_of: dict[tuple[int, int], int] = {}  # block → the first network that is exactly this block
    inside: dict[tuple[int, int], int] = {}  # block → the first network that lies inside it (or is it)
    found: list[tuple[int, int]] = []
    for i, net in enumerate(nets):
        address, prefix = int(net.network_address), net.prefixlen
        blocks = [(address & (0xFFFFFFFF << (32 - p)) & 0xFFFFFFFF, p) for p in range(prefix + 1)]
        earlier = [first_of[b] for b in blocks if b in first_of]
        if (address, prefix) in inside:
            earlier.append(inside[(address, prefix)])
        if earlier:
            found.append((i, min(earlier)))
        first_of.setdefault((address, prefix), i)
        for block in blocks:
            inside.setdefault(block, i)
    return found


def _nodes(v: Validation) -> None:
    v.duplicates(((n.name, ("nodes", i, "name")) for i, n in enumerate(v.site.nodes)), "node name")
    for i, node in enumerate(v.site.nodes):
        base: tuple[str | int, ...] = ("nodes", i)
        v.duplicates(((f.name, (*base, "interfaces", j, "name")) for j, f in enumerate(node.interfaces)), f"interface name on {node.name}:")
        ports = [(name, (*base, "ports", j, "name")) for j, p in enumerate(node.ports) for name in p.names()]
        v.duplicates(ports, f"port on {node.name}:")
        for j, port in enumerate(node.ports):
            path = (*base, "ports", j)
            if set(port.names()) & RESERVED_PORT_NAMES:
                v.add(
                    (*path, "name"),
                    f"{port.name} is a name OfficeLab uses inside switches",
                    f"avoid {', '.join(sorted(RESERVED_PORT_NAMES))}",
                )
            v.vlan_ref(port.vlan, (*path, "vlan"))
            v.vlan_ref(port.native, (*path, "native"))
            for k, ref in enumerate(port.vlans):
                v.vlan_ref(ref, (*path, "vlans", k))
        if node.management is not None:
            v.vlan_ref(node.management.vlan, (*base, "management", "vlan"))
        for j, iface in enumerate(node.interfaces):
            path = (*base, "interfaces", j)
            for k, ref in enumerate(iface.vlans):
                v.vlan_ref(ref, (*path, "vlans", k))
                vlan = v.topo.vlan(ref)
                if vlan is not None and vlan.gateway is None:
                    v.add(
                        (*path, "vlans", k),
                        f"VLAN {vlan.id} ({vlan.name}) has no gateway for this sub-interface",
                        f"set `gateway:` on VLAN {vlan.name}",
                    )
            if iface.vlans and len(iface.name) > 10:
                v.add(
                    (*path, "name"),
                    f"{iface.name} is too long for sub-interfaces ({iface.name}.4094 > 15 characters)",
                    "use at most 10 characters for a trunk interface name",
                )
            if iface.gateway is not None and iface.address is not None and iface.gateway not in iface.address.network:
                v.add(
                    (*path, "gateway"),
                    f"gateway {iface.gateway} is not on {iface.address.network}",
                    "the gateway must be in the interface's own subnet",
                )
        if node.kind.bridges and not node.ports:
            v.add((*base, "ports"), f"switch {node.name} declares no ports", "add `ports:`, e.g. `- {name: 'ge[1-24]', vlan: users}`")
        if not node.kind.bridges and not node.interfaces:
            v.add(
                (*base, "interfaces"),
                f"{node.kind} {node.name} has no interface",
                "add `interfaces: [{name: eth0, dhcp: true}]` or a static address",
            )
    gateways = Counter(n.name for n in v.site.nodes for f in n.interfaces if f.gateway)
    for i, node in enumerate(v.site.nodes):
        if gateways[node.name] > 1:
            v.add(
                ("nodes", i, "interfaces"),
                f"{node.name} has {gateways[node.name]} default gateways",
                "keep `gateway:` on one interface only",
            )
            break


def _links(v: Validation) -> None:
    used: dict[str, int] = {}
    for i, link in enumerate(v.site.links):
        ends = []
        for side in ("a", "b"):
            endpoint = getattr(link, side)
            node_name, port = split_endpoint(endpoint)
            path = ("links", i, 0 if side == "a" else 1)
            node = v.topo.nodes.get(node_name)
            if node is None:
                v.add(path, f"link to unknown node {node_name!r}", "check the node's name under `nodes:`")
                continue
            if not v.topo.has_port(node_name, port):
                have = list(v.topo.switch_ports.get(node_name, {})) if node.kind.bridges else [f.name for f in node.interfaces]
                shown = ", ".join(have[:8]) + (" …" if len(have) > 8 else "")
                v.add(path, f"{node_name} has no port {port!r}", f"its ports: {shown or 'none'}")
                continue
            if endpoint in used:
                v.add(path, f"{endpoint} is already cabled (link {used[endpoint]})", "a port takes one cable")
            used[endpoint] = i
            ends.append((node, port))
        if len(ends) == 2 and ends[0][0].name == ends[1][0].name:
            v.add(("links", i), f"link loops back to {ends[0][0].name}", "connect two different nodes")
        elif len(ends) == 2:
            _link_modes(v, i, ends[0], ends[1])


def _link_modes(v: Validation, i: int, a: tuple[Node, str], b: tuple[Node, str]) -> None:
    topo = v.topo
    ports = [topo.switch_ports[n.name][p] if n.kind.bridges else None for n, p in (a, b)]
    ifaces = [topo.interface(n.name, p) if not n.kind.bridges else None for n, p in (a, b)]
    for k in (0, 1):
        other = 1 - k
        iface, port = ifaces[k], ports[other]
        if iface is not None and iface.vlans:
            if port is None or port.mode is not PortMode.TRUNK:
                v.add(
                    ("links", i, k),
                    f"{a[0].name if k == 0 else b[0].name}:{iface.name} has VLAN sub-interfaces but is not cabled to a trunk port",
                    "cable it to a switch port with `mode: trunk`",
                )
                continue
            carried = {topo.vlan_id(r) for r in port.vlans}
            for ref in iface.vlans:
                vid = topo.vlan_id(ref)
                if vid is not None and vid not in carried:
                    v.add(
                        ("links", i, other),
                        f"the trunk does not carry VLAN {vid} of {iface.name}.{vid}",
                        f"add {vid} to the trunk's `vlans`",
                    )
        elif iface is not None and port is not None and port.mode is PortMode.TRUNK and port.native is None:
            v.add(
                ("links", i, other),
                "a host interface is cabled to a trunk port with no native VLAN",
                "make the port `mode: access` with a `vlan`, or give the trunk a `native` VLAN",
            )
    p, q = ports
    if p is not None and q is not None:
        if p.mode != q.mode:
            v.add(
                ("links", i),
                f"switch-to-switch link joins a {p.mode} port and a {q.mode} port",
                "both ends of an inter-switch link must be trunks (or both access)",
            )
        elif p.mode is PortMode.TRUNK:
            pv = {topo.vlan_id(r) for r in p.vlans}
            qv = {topo.vlan_id(r) for r in q.vlans}
            if pv != qv:
                v.add(
                    ("links", i),
                    f"trunk mismatch: VLANs {sorted(v for v in pv ^ qv if v is not None)} are allowed on one end only",
                    "allow the same VLANs on both ends of the trunk",
                )
            if topo.vlan_id(p.native) != topo.vlan_id(q.native):
                v.add(("links", i), "native VLAN mismatch between the two ends of the trunk", "set the same `native` on both ends")
        elif topo.vlan_id(p.vlan) != topo.vlan_id(q.vlan):
            v.add(
                ("links", i),
                "the two access ports are in different VLANs (VLAN hopping by cable)",
                "put both ports in the same VLAN or use a trunk",
            )


class _Segments:
    """Which segment each layer-3 interface is in, and which addresses answer in each segment, computed once
    (validation asks for every interface: a lookup each, not a scan of all the segments)."""

    def __init__(self, v: Validation) -> None:
        self.v = v
        self.of: dict[tuple[str, str], Segment] = {m: seg for seg in v.topo.segments for m in seg.members}
        self._answering: dict[int, set[IPv4Address]] = {}

    def answering(self, segment: Segment) -> set[IPv4Address]:
        """The addresses a host of ``segment`` can use as its gateway: VLAN gateways and static addresses of
        its members, and the management addresses of its members' nodes."""
        if segment.key not in self._answering:
            topo = self.v.topo
            found: set[IPv4Address] = set()
            for other, other_if in segment.members:
                other_node = topo.nodes[other]
                for name, iface, vid in topo.l3_interfaces(other_node):
                    if name != other_if:
                        continue
                    vlan = topo.vlan(vid)
                    if vlan is not None and vlan.gateway is not None:
                        found.add(vlan.gateway)
                    if iface.address is not None:
                        found.add(iface.address.ip)
                if other_node.management is not None:
                    found.add(other_node.management.address.ip)
            self._answering[segment.key] = found
        return self._answering[segment.key]


def _addressing(v: Validation, segments: _Segments) -> None:
    topo = v.topo
    addresses: list[tuple[object, tuple[str | int, ...]]] = []
    macs: list[tuple[object, tuple[str | int, ...]]] = []
    vlan_index = {id(vlan): k for k, vlan in reversed(list(enumerate(v.site.vlans)))}
    for i, node in enumerate(v.site.nodes):
        position = {id(iface): j for j, iface in enumerate(node.interfaces)}
        for name, iface, vid in topo.l3_interfaces(node):
            j = position[id(iface)]
            path: tuple[str | int, ...] = ("nodes", i, "interfaces", j)
            macs.append((topo.mac(node.name, name), (*path, "mac")))
            if vid is not None:
                vlan = topo.vlan(vid)
                if vlan is not None and vlan.gateway is not None:
                    addresses.append((vlan.gateway, ("vlans", vlan_index[id(vlan)], "gateway")))
                continue
            segment = segments.of.get((node.name, name))
            vlan = topo.vlan(segment.vlan) if segment is not None and segment.vlan is not None else None
            if iface.address is not None:
                addresses.append((iface.address.ip, (*path, "address")))
                if vlan is not None and iface.address.network != vlan.subnet:
                    v.add(
                        (*path, "address"),
                        f"{iface.address} is not in VLAN {vlan.id} ({vlan.name}) {vlan.subnet}, where {node.name}:{name} is plugged",
                        f"use an address of {vlan.subnet} with /{vlan.subnet.prefixlen}, or move the port to the right VLAN",
                    )
                if vlan is not None and iface.gateway is not None and vlan.gateway and iface.gateway != vlan.gateway:
                    v.add(
                        (*path, "gateway"),
                        f"gateway {iface.gateway} is not VLAN {vlan.name}'s gateway {vlan.gateway}",
                        f"use {vlan.gateway}",
                    )
            _gateway_reachable(v, segments, node, name, iface.gateway if iface.address else None, iface.dhcp, path)
            if iface.dhcp:
                if segment is None:
                    v.add((*path, "dhcp"), f"{node.name}:{name} asks for DHCP but is not cabled", "add a link to this interface")
                elif vlan is None or vlan.dhcp is None:
                    where = f"VLAN {vlan.id} ({vlan.name})" if vlan else "its segment"
                    v.add(
                        (*path, "dhcp"),
                        f"{node.name}:{name} asks for DHCP but {where} has no DHCP scope",
                        "add `dhcp:` to the VLAN or give the interface a static address",
                    )
                elif iface.reserve is not None:
                    if iface.reserve not in vlan.subnet:
                        v.add(
                            (*path, "reserve"),
                            f"reserved address {iface.reserve} is not in {vlan.subnet}",
                            f"reserve an address of VLAN {vlan.name}",
                        )
                    addresses.append((iface.reserve, (*path, "reserve")))
        if node.management is not None:
            mgmt = node.management
            addresses.append((mgmt.address.ip, ("nodes", i, "management", "address")))
            vlan = topo.vlan(mgmt.vlan)
            if vlan is not None and mgmt.address.network != vlan.subnet:
                v.add(
                    ("nodes", i, "management", "address"),
                    f"{mgmt.address} is not in VLAN {vlan.name} {vlan.subnet}",
                    f"use an address of {vlan.subnet}",
                )
    for k, vlan in enumerate(v.site.vlans):
        if vlan.dhcp:
            for m, res in enumerate(vlan.dhcp.reservations):
                addresses.append((res.address, ("vlans", k, "dhcp", "reservations", m, "address")))
    # A gateway appears once per VLAN however many sub-interfaces name it.
    addresses = list({(v, p): None for v, p in addresses})
    seen_gw: set[object] = set()
    unique: list[tuple[object, tuple[str | int, ...]]] = []
    for value, path in addresses:
        if path[0] == "vlans" and path[-1] == "gateway":
            if value in seen_gw:
                continue
            seen_gw.add(value)
        unique.append((value, path))
    v.duplicates(unique, "address")
    v.duplicates(macs, "MAC address")
    _plain_segments(v)


def _gateway_reachable(
    v: Validation, segments: _Segments, node: Node, ifname: str, gateway: IPv4Address | None, dhcp: bool, path: tuple[str | int, ...]
) -> None:
    """A host must share a segment with its gateway (for a DHCP client, the gateway of its VLAN)."""
    segment = segments.of.get((node.name, ifname))
    if segment is None or (gateway is None and not dhcp):
        return
    if dhcp:
        vlan = v.topo.vlan(segment.vlan)
        gateway = vlan.gateway if vlan is not None else None
        if gateway is None:
            return
    if gateway in segments.answering(segment):
        return
    where = f"VLAN {segment.vlan}" if segment.vlan is not None else "its segment"
    v.add(
        (*path, "dhcp" if dhcp else "gateway"),
        f"{node.name}:{ifname} cannot reach its gateway {gateway}: no interface of {where} has that address",
        "check that every trunk on the way carries the VLAN, and the gateway's port",
    )


def _plain_segments(v: Validation) -> None:
    """Outside VLANs (a cable, an unmanaged switch), static addresses must share one subnet."""
    index: dict[str, int] = {}
    for k, n in enumerate(v.site.nodes):
        index.setdefault(n.name, k)
    for segment in v.topo.segments:
        if segment.vlan is not None:
            continue
        nets: dict[IPv4Network, tuple[str, str]] = {}
        for node_name, ifname in sorted(segment.members):
            iface = v.topo.interface(node_name, ifname)
            if iface is not None and iface.address is not None:
                nets.setdefault(iface.address.network, (node_name, ifname))
        if len(nets) > 1:
            (n1, a), (n2, b) = list(nets.items())[:2]
            i = index[b[0]]
            j = next(k for k, f in enumerate(v.site.nodes[i].interfaces) if f.name == b[1])
            v.add(
                ("nodes", i, "interfaces", j, "address"),
                f"{b[0]}:{b[1]} is in {n2} but shares a cable or switch with {a[0]}:{a[1]} in {n1}",
                "addresses on one segment must be in the same subnet",
            )


RESERVED_PORT_NAMES = {"br0", "mgmt", "mgmt-p", "lo"}


def validate(v: Validation) -> None:
    segments = _Segments(v)
    _vlans(v)
    _nodes(v)
    _links(v)
    _addressing(v, segments)
    _dhcp(v, segments)
    _public(v, segments)

"""The drawing of a site for the workbench: where each node goes, what each cable carries, each port's VLANs.

The layout is a tree from the internet down (the ISP, else a router): every node below the one that cables it to
the rest, the end devices of a switch in rows of a few under it, the switches and routers under those. It stays
readable from the default site's 40 nodes to a generated site's 200 hosts on 50 switches, and is the same at
every call (no randomness), so screenshots and learners' screens match.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from officelab.site.model import Node, NodeKind, PortMode, Site, split_endpoint
from officelab.site.topology import Topology

COLUMN = 95.0
"""Horizontal room of a node, in drawing units (the page scales the drawing to its window)."""
ROW = 85.0
LEAVES_PER_ROW = 6
BAND = 2400.0
"""The widest row of subtrees before the next ones go below."""


@dataclass
class Drawing:
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    links: list[dict[str, Any]] = field(default_factory=list)


def draw(topo: Topology) -> Drawing:
    """Positions of the nodes and the VLANs on each cable of the topology's site."""
    site = topo.site
    drawing = Drawing()
    neighbours: dict[str, list[str]] = {n.name: [] for n in site.nodes}
    for link in site.links:
        (a, a_port), (b, b_port) = split_endpoint(link.a), split_endpoint(link.b)
        if a in neighbours and b in neighbours:
            neighbours[a].append(b)
            neighbours[b].append(a)
        vlans = sorted(set(_carried(topo, a, a_port)) | set(_carried(topo, b, b_port)))
        drawing.links.append({"a": link.a, "b": link.b, "vlans": vlans, "trunk": _is_trunk(topo, a, a_port) or _is_trunk(topo, b, b_port)})
    children = _tree(site, neighbours)
    x = 0.0
    for root in children.pop("", []):
        own: dict[str, tuple[float, float]] = {}
        width, _ = _place(root, children, own)
        drawing.positions.update({name: (px + x, py) for name, (px, py) in own.items()})
        x += width
    return drawing


def node_ports(topo: Topology, node: Node) -> list[dict[str, Any]]:
    """A switch's or access point's ports as the page shows them: mode, VLANs, shut down, what is cabled to it."""
    ports = []
    for name, port in topo.switch_ports.get(node.name, {}).items():
        peer = topo.peers.get((node.name, name))
        ports.append(
            {
                "name": name,
                "mode": port.mode.value,
                "vlan": topo.vlan_id(port.vlan),
                "vlans": [v for v in (topo.vlan_id(r) for r in port.vlans) if v is not None],
                "native": topo.vlan_id(port.native),
                "shutdown": port.shutdown,
                "peer": f"{peer[0]}:{peer[1]}" if peer else None,
                "description": port.description,
            }
        )
    return ports


def node_interfaces(topo: Topology, node: Node) -> list[dict[str, Any]]:
    """A node's interfaces as designed: static address or DHCP, gateway, VLAN."""
    shown = []
    for name, iface, vid in topo.l3_interfaces(node):
        vlan = topo.vlan_of(node.name, name) if vid is None else topo.site.vlan(vid)
        shown.append(
            {
                "name": name,
                "address": str(iface.address) if iface.address else None,
                "dhcp": iface.dhcp,
                "gateway": str(iface.gateway) if iface.gateway else None,
                "vlan": vlan.id if vlan else None,
            }
        )
    return shown


def _carried(topo: Topology, node: str, port: str) -> list[int]:
    found = topo.switch_ports.get(node, {}).get(port)
    if found is not None:
        if found.mode is PortMode.TRUNK:
            refs = [*found.vlans, *([found.native] if found.native is not None else [])]
            return [v for v in (topo.vlan_id(r) for r in refs) if v is not None]
        vid = topo.vlan_id(found.vlan)
        return [vid] if vid is not None else []
    iface = topo.interface(node, port)
    if iface is not None and iface.vlans:
        return [v for v in (topo.vlan_id(r) for r in iface.vlans) if v is not None]
    vlan = topo.vlan_of(node, port)
    return [vlan.id] if vlan else []


def _is_trunk(topo: Topology, node: str, port: str) -> bool:
    found = topo.switch_ports.get(node, {}).get(port)
    iface = topo.interface(node, port)
    return (found is not None and found.mode is PortMode.TRUNK) or (iface is not None and bool(iface.vlans))


def _tree(site: Site, neighbours: dict[str, list[str]]) -> dict[str, list[str]]:
    """Parent → children, breadth first from the internet (key ``""``: the roots, one per unconnected part)."""
    order = sorted(site.nodes, key=lambda n: (n.kind is not NodeKind.ISP, not n.kind.routes, n.kind is not NodeKind.SWITCH))
    children: dict[str, list[str]] = {"": []}
    seen: set[str] = set()
    for start in order:
        if start.name in seen:
            continue
        seen.add(start.name)
        children[""].append(start.name)
        frontier = [start.name]
        while frontier:
            following = []
            for parent in frontier:
                for child in neighbours[parent]:
                    if child not in seen:
                        seen.add(child)
                        children.setdefault(parent, []).append(child)
                        following.append(child)
            frontier = following
    return children


def _place(node: str, children: dict[str, list[str]], positions: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """Place ``node``'s subtree with ``node`` at (width / 2, 0); return the subtree's width and height. Below the
    node: its end devices as a block of short rows, then the nodes that have subtrees of their own, side by side
    in bands no wider than ``BAND`` (a core switch with fifty access switches wraps instead of drawing one very
    long row, and no cable runs through a block of end devices)."""
    below = children.get(node, [])
    leaves = [c for c in below if not children.get(c)]
    items: list[tuple[float, float, dict[str, tuple[float, float]]]] = []
    if leaves:
        rows = math.ceil(len(leaves) / LEAVES_PER_ROW)
        block = {leaf: ((i % LEAVES_PER_ROW) * COLUMN + COLUMN / 2, (i // LEAVES_PER_ROW) * ROW) for i, leaf in enumerate(leaves)}
        items.append((min(len(leaves), LEAVES_PER_ROW) * COLUMN, rows * ROW, block))
    for child in below:
        if children.get(child):
            own: dict[str, tuple[float, float]] = {}
            items.append((*_place(child, children, own), own))
    bands: list[list[tuple[float, float, dict[str, tuple[float, float]]]]] = []
    for item in items:
        if not bands or sum(i[0] for i in bands[-1]) + item[0] > BAND:
            bands.append([])
        bands[-1].append(item)
    width = max([COLUMN, *(sum(i[0] for i in band) for band in bands)])
    positions[node] = (width / 2, 0.0)
    y = ROW
    for band in bands:
        x = (width - sum(i[0] for i in band)) / 2
        for w, _, own in band:
            positions.update({name: (px + x, py + y) for name, (px, py) in own.items()})
            x += w
        y += max(i[1] for i in band)
    return width, y

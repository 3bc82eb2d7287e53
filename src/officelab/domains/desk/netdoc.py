"""The network documentation of a site (the "documentation du réseau" a technician hands over, TAI-CP5-C5),
generated from its design: the addressing plan (VLANs, subnets, gateways, DHCP ranges), every host's interfaces and
addresses, each switch's and access point's port map, the firewall's zone matrix and rules, and a topology diagram
(SVG, drawn as the workbench draws it); and, from an inventory scan of the live lab, the network as found (each
asset's switch port, VLAN and addresses, the differences from the design). Standalone HTML, French."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from officelab.domains.desk.assets import AssetRow
from officelab.domains.desk.report import render_document
from officelab.site.drawing import draw, node_interfaces, node_ports
from officelab.site.model import Site, split_endpoint
from officelab.site.topology import Topology

SCALE = 1.0  # the drawing is in the workbench's pixels


@dataclass(frozen=True)
class Diagram:
    width: float
    height: float
    nodes: list[tuple[str, str, float, float]]  # name, kind, x, y
    cables: list[tuple[float, float, float, float, bool]]  # x1, y1, x2, y2, trunk


def diagram(topo: Topology) -> Diagram:
    drawing = draw(topo)
    points = {name: (x * SCALE + 60, y * SCALE + 40) for name, (x, y) in drawing.positions.items()}
    cables = []
    for link in drawing.links:
        a, b = split_endpoint(link["a"])[0], split_endpoint(link["b"])[0]
        if a in points and b in points:
            cables.append((*points[a], *points[b], bool(link["trunk"])))
    kinds = {n.name: n.kind.value for n in topo.site.nodes}
    nodes = [(name, kinds[name], x, y) for name, (x, y) in points.items()]
    width = max((x for _, _, x, _ in nodes), default=0) + 80
    height = max((y for _, _, _, y in nodes), default=0) + 70
    return Diagram(width, height, nodes, cables)


def _matrix(site: Site) -> tuple[list[str], dict[tuple[str, str], str], list[Any]] | None:
    router = next((n for n in site.nodes if n.services.firewall is not None), None)
    if router is None or router.services.firewall is None:
        return None
    fw = router.services.firewall
    zones = list(fw.zones)
    policy = {(p.from_, p.to): p.action.value for p in fw.policies}
    cells = {(a, b): policy.get((a, b), fw.default.value) for a in zones for b in zones if a != b}
    return zones, cells, list(fw.rules)


def render_network(site: Site, customer: str = "", observed: list[AssetRow] | None = None, lab: str = "") -> str:
    """The documentation of ``site``'s design; with ``observed`` (an inventory scan of the live lab), also the network
    as found: each asset where it is plugged, and where it differs from the design."""
    topo = Topology(site)
    hosts = [(n, node_interfaces(topo, n)) for n in site.nodes if not n.kind.bridges]
    switches = [(n, node_ports(topo, n)) for n in site.nodes if n.kind.bridges]
    vlan_names = {v.id: v.name for v in site.vlans}
    return render_document(
        "network.html.j2",
        site=site,
        customer=customer or site.name,
        hosts=[(n, ifaces) for n, ifaces in hosts if ifaces],
        switches=switches,
        vlan_names=vlan_names,
        matrix=_matrix(site),
        d=diagram(topo),
        printed=dt.date.today().strftime("%d/%m/%Y"),
        observed=observed,
        lab=lab,
        drift=[r for r in observed or [] if r.difference],
    )

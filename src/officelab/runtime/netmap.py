"""The live network map of a lab, for the workbench's topology: the site's drawing (positions, VLANs on each
cable, each switch's ports) with what the lab shows now (each node's state, addresses and daemons, each cable up
or down)."""

from __future__ import annotations

from typing import Any

from officelab.runtime.lab import Lab
from officelab.runtime.status import lab_status
from officelab.site.drawing import draw, node_interfaces, node_ports
from officelab.site.topology import Topology


def lab_map(lab: Lab) -> dict[str, Any]:
    """The lab's map as JSON data: ``nodes``, ``links`` (with ``state``), ``vlans``."""
    site = lab.site()
    topo = Topology(site)
    drawing = draw(topo)
    status = lab_status(lab)
    live = {n.name: n for n in status.nodes}
    cables = {(link.a, link.b): link.state for link in status.links}
    nodes = []
    for node in site.nodes:
        x, y = drawing.positions[node.name]
        now = live.get(node.name)
        nodes.append(
            {
                "name": node.name,
                "kind": node.kind.value,
                "description": node.description,
                "x": x,
                "y": y,
                "state": now.state if now else status.state,
                "interfaces": node_interfaces(topo, node),
                "addresses": now.addresses if now else [],
                "daemons": now.daemons if now else {},
                "ports": node_ports(topo, node),
            }
        )
    links = [{**link, "state": cables.get((link["a"], link["b"]), "down")} for link in drawing.links]
    vlans = [{"id": v.id, "name": v.name, "subnet": str(v.subnet), "purpose": v.purpose} for v in site.vlans]
    return {"lab": lab.name, "site": site.site.name, "state": status.state, "nodes": nodes, "links": links, "vlans": vlans}

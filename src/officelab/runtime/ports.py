"""Cables and switch ports, changed on a live lab: a cable pulled or plugged back, an access port moved to another
VLAN (a technician's change, or a fault to find)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from officelab.core.errors import OfficeLabError
from officelab.runtime.build import Netlink
from officelab.runtime.kernel import require_root
from officelab.runtime.state import netns_name
from officelab.runtime.vlan import PortVlan
from officelab.site.model import split_endpoint

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab


def set_link(lab: Lab, endpoint: str, up: bool) -> str:
    """Pull (or plug back) the cable at ``node:port``. Returns the port that was switched."""
    require_root()
    site = lab.site()
    if ":" not in endpoint:
        raise OfficeLabError(f"expected NODE:PORT, got {endpoint!r}")
    node, port = split_endpoint(endpoint)
    link = next((lk for lk in site.links if endpoint in (lk.a, lk.b)), None)
    if link is None:
        raise OfficeLabError(f"no cable at {endpoint}: see `officelab status --lab {lab.name}` for the links")
    other = split_endpoint(link.b if link.a == endpoint else link.a)
    kinds = {n.name: n.kind for n in site.nodes}
    # A pulled cable is a loss of carrier at both ends. veth has no carrier switch, so the port set
    # administratively down is the switch side when there is one (it holds no addresses or routes);
    # the other end then sees NO-CARRIER and keeps its configuration, as with a real cable.
    target = (node, port) if kinds[node].bridges or not kinds[other[0]].bridges else other
    ns = netns_name(lab.name, target[0])
    with Netlink().session() as nl:
        nl[ns].link("set", index=nl.index(ns, target[1]), state="up" if up else "down")
        if up:
            plan = lab.plan()
            for route in plan.routes:
                if route.node == target[0]:
                    with contextlib.suppress(Exception):
                        nl[ns].route("replace", dst="0.0.0.0/0" if route.dst == "default" else route.dst, gateway=route.via)
    return f"{target[0]}:{target[1]}"


def set_port_vlan(lab: Lab, endpoint: str, vlan: int | str) -> None:
    """Put a switch's access port in another VLAN (a technician's change, or a fault to find)."""
    require_root()
    site = lab.site()
    node, port = split_endpoint(endpoint) if ":" in endpoint else (endpoint, "")
    switch = next((n for n in site.nodes if n.name == node and n.kind.bridges), None)
    if switch is None or not any(port in p.names() for p in switch.ports):
        raise OfficeLabError(f"{endpoint} is not a switch port of lab {lab.name}")
    try:
        vid = site.vlan(vlan).id
    except KeyError:
        raise OfficeLabError(f"unknown VLAN {vlan!r}: the site's VLANs are {', '.join(v.name for v in site.vlans)}") from None
    lab.vlans.replace(netns_name(lab.name, node), port, PortVlan.access_port(vid))

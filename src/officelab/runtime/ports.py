"""Cables and switch ports, changed on a live lab: a cable pulled or plugged back, an access port moved to another
VLAN (a technician's change, or a fault to find)."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from officelab.core.errors import OfficeLabError
from officelab.devices.switchos.dataplane import UNPLUGGED
from officelab.devices.switchos.files import SwitchFiles
from officelab.runtime import management
from officelab.runtime.build import Netlink
from officelab.runtime.kernel import require_root
from officelab.runtime.state import LIVE_CHANGES, netns_name
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
        # The alias tells a managed switch that the cable is out, not the port shut (`show interfaces status`).
        alias = UNPLUGGED if not up and kinds[target[0]].bridges else ""
        nl[ns].link("set", index=nl.index(ns, target[1]), state="up" if up else "down", ifalias=alias)
        if up:
            plan = lab.plan()
            for route in plan.routes:
                if route.node == target[0]:
                    with contextlib.suppress(Exception):
                        nl[ns].route("replace", dst="0.0.0.0/0" if route.dst == "default" else route.dst, gateway=route.via)
    return f"{target[0]}:{target[1]}"


def _switch_port(lab: Lab, endpoint: str) -> tuple[str, str]:
    site = lab.site()
    node, port = split_endpoint(endpoint) if ":" in endpoint else (endpoint, "")
    switch = next((n for n in site.nodes if n.name == node and n.kind.bridges), None)
    if switch is None or not any(port in p.names() for p in switch.ports):
        raise OfficeLabError(f"{endpoint} is not a switch port of lab {lab.name}")
    return node, port


def port_behaviour(lab: Lab, endpoint: str) -> PortVlan | None:
    """What a switch port does with VLANs now, read from the data plane (None: a port of a switch that needs no
    tagging)."""
    node, port = _switch_port(lab, endpoint)
    return lab.vlans.current(netns_name(lab.name, node), port, (SwitchFiles(lab.dir.node_dir(node)).cache,))


def set_port_admin(lab: Lab, endpoint: str, up: bool) -> str:
    """Shut a switch port down (or enable it again): on a managed switch, ``shutdown`` typed into its configuration;
    on another, its link set down. Returns the port."""
    node, port = _switch_port(lab, endpoint)
    if management.is_managed(lab, node):
        management.configure(lab, node, [f"interface {port}", "no shutdown" if up else "shutdown"])
        return f"{node}:{port}"
    return set_link(lab, endpoint, up)


def set_port_behaviour(lab: Lab, endpoint: str, behaviour: PortVlan, forget_vlans: tuple[int, ...] = ()) -> list[int]:
    """Make a switch port an access port of another VLAN, or a trunk with other VLANs or another native VLAN. A
    managed switch is configured (its running configuration says so), and returns the VLANs it had to create
    (``forget_vlans``: VLANs to delete from it again, when undoing); another has its port's program swapped,
    recorded in the lab's state (``ports.json``) for a lab booted again from a snapshot."""
    require_root()
    node, port = _switch_port(lab, endpoint)
    if management.is_managed(lab, node):
        known = management.vlans(lab, node)
        management.configure(lab, node, [*management.port_lines(port, behaviour), *(f"no vlan {v}" for v in forget_vlans)])
        return sorted(set(management.vlans(lab, node)) - set(known))
    lab.vlans.replace(netns_name(lab.name, node), port, behaviour)
    changes = _changes(lab)
    changes[f"{node}:{port}"] = {"allowed": list(behaviour.allowed), "native": behaviour.native, "access": behaviour.access}
    path = lab.dir.path / LIVE_CHANGES[0]
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(changes, indent=1))
    tmp.replace(path)
    return []


def reapply_changes(lab: Lab) -> int:
    """Make the recorded port changes again on a lab booted from a snapshot that holds them. Returns how many."""
    changes = _changes(lab)
    for endpoint, port in changes.items():
        node, name = split_endpoint(endpoint)
        behaviour = PortVlan(allowed=tuple(port["allowed"]), native=port["native"], access=port["access"])
        lab.vlans.replace(netns_name(lab.name, node), name, behaviour)
    return len(changes)


def _changes(lab: Lab) -> dict[str, dict[str, Any]]:
    path = lab.dir.path / LIVE_CHANGES[0]
    try:
        data: dict[str, dict[str, Any]] = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return data


def set_port_vlan(lab: Lab, endpoint: str, vlan: int | str) -> None:
    """Put a switch's access port in another VLAN (a technician's change, or a fault to find)."""
    site = lab.site()
    try:
        vid = site.vlan(vlan).id
    except KeyError:
        raise OfficeLabError(f"unknown VLAN {vlan!r}: the site's VLANs are {', '.join(v.name for v in site.vlans)}") from None
    current = port_behaviour(lab, endpoint)
    if current is not None and not current.access:
        raise OfficeLabError(f"{endpoint} is a trunk: `--vlan` moves an access port")
    set_port_behaviour(lab, endpoint, PortVlan.access_port(vid))


def set_port_trunk(lab: Lab, endpoint: str, vids: list[int], native: int | None = None) -> None:
    """Make a trunk carry ``vids`` (``native`` untagged): a technician's change, or a fault to find."""
    known = {v.id for v in lab.site().vlans}
    unknown = [v for v in [*vids, *([native] if native else [])] if v not in known]
    if unknown:
        raise OfficeLabError(f"VLAN {', '.join(map(str, unknown))} is not one of the site's ({', '.join(map(str, sorted(known)))})")
    current = port_behaviour(lab, endpoint)
    if current is not None and current.access:
        raise OfficeLabError(f"{endpoint} is an access port: a trunk's VLANs change a trunk")
    set_port_behaviour(lab, endpoint, PortVlan.trunk_port(vids, native or None))

"""What `officelab status` reports of a lab: its nodes with their addresses and daemons, its cables."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from officelab.runtime.build import Netlink
from officelab.runtime.state import NETNS_DIR, netns_name
from officelab.site.model import split_endpoint

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab


@dataclass
class NodeStatus:
    name: str
    kind: str
    state: str
    addresses: list[dict[str, str]] = field(default_factory=list)
    daemons: dict[str, str] = field(default_factory=dict)


@dataclass
class LinkStatus:
    a: str
    b: str
    state: str


@dataclass
class LabStatus:
    lab: str
    site: str
    state: str
    nodes: list[NodeStatus] = field(default_factory=list)
    links: list[LinkStatus] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def lab_status(lab: Lab) -> LabStatus:
    """What is up in ``lab``: its nodes (addresses, daemons) and its cables."""
    record = lab.record
    status = LabStatus(lab=lab.name, site=record.site, state=record.state)
    if record.state == "down" or not (lab.dir.path / "site.yaml").exists():
        return status
    site = lab.site()
    daemons = lab.daemons()
    with Netlink().session() as nl:
        states: dict[tuple[str, str], str] = {}
        for node in site.nodes:
            ns = netns_name(lab.name, node.name)
            if not (NETNS_DIR / ns).exists():
                status.nodes.append(NodeStatus(node.name, node.kind.value, "missing"))
                continue
            names = {}
            for entry in nl.links(ns):
                names[entry["index"]] = str(entry["ifname"])
                states[(node.name, str(entry["ifname"]))] = str(entry["operstate"])
            addresses = [
                {"ifname": names.get(a["index"], "?"), "address": f"{a.get('IFA_ADDRESS')}/{a['prefixlen']}"}
                for a in nl[ns].get_addr(family=2)
                if names.get(a["index"]) != "lo"
            ]
            own = {k.split("/", 1)[1]: v["state"] for k, v in daemons.items() if v["node"] == node.name}
            state = "up" if all(s == "running" for s in own.values()) else "degraded"
            status.nodes.append(NodeStatus(node.name, node.kind.value, state, addresses, own))
    for link in site.links:
        a, b = split_endpoint(link.a), split_endpoint(link.b)
        up = states.get(a) == "UP" and states.get(b) == "UP"
        status.links.append(LinkStatus(link.a, link.b, "up" if up else "down"))
    return status

"""The live network written back as a site file: what the switches really run, in the site's terms.

Each managed switch's running configuration is read through its own operating system (``show
running-config``) and read back with the switch's parser; ports of an unmanaged switch are read from the
data plane. The site file the lab was booted from is kept as it is (comments, anchors) but for the switches'
``ports`` and ``management``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from officelab.devices.switchos.config import InterfaceConfig, SwitchConfig
from officelab.domains.switchcli.facts import parse_running
from officelab.runtime import management
from officelab.runtime.ports import port_behaviour
from officelab.site.model import Node, Site
from officelab.site.topology import Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab


def running_config(lab: Lab, node: str) -> str:
    """A managed switch's running configuration, as ``show running-config`` gives it (without its header)."""
    output = management.run(lab, node, "show running-config")
    lines = output.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("!")), 0)
    return "\n".join(lines[start:]) + "\n"


def _vlan_ref(site: Site, vid: int) -> int | str:
    return next((v.name for v in site.vlans if v.id == vid), vid)


def _entry(site: Site, port: InterfaceConfig) -> dict[str, Any]:
    known = {v.id for v in site.vlans}
    entry: dict[str, Any] = {"name": port.name}
    if port.mode == "trunk":
        allowed = sorted(known) if port.trunk_allowed is None else [v for v in port.trunk_allowed if v in known or v != 1]
        entry["mode"] = "trunk"
        entry["vlans"] = [_vlan_ref(site, v) for v in allowed]
        if port.native_vlan != 1 or 1 in known:
            entry["native"] = _vlan_ref(site, port.native_vlan)
    elif port.access_vlan != 1 or 1 in known:
        entry["vlan"] = _vlan_ref(site, port.access_vlan)
    if port.shutdown:
        entry["shutdown"] = True
    if port.description:
        entry["description"] = port.description
    return entry


def _ranges(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive ports of the same settings (``ge1``…``ge12``, no description) written as one range ``ge[1-12]``."""
    out: list[dict[str, Any]] = []
    run: list[dict[str, Any]] = []

    def split(name: str) -> tuple[str, int | None]:
        head = name.rstrip("0123456789")
        return head, int(name[len(head) :]) if name[len(head) :] else None

    def flush() -> None:
        if len(run) > 1:
            head, first = split(run[0]["name"])
            _, last = split(run[-1]["name"])
            out.append({**run[0], "name": f"{head}[{first}-{last}]"})
        else:
            out.extend(run)
        run.clear()

    for entry in entries:
        head, number = split(entry["name"])
        if run and "description" not in entry and "description" not in run[-1]:
            prev_head, prev = split(run[-1]["name"])
            same = {k: v for k, v in entry.items() if k != "name"} == {k: v for k, v in run[-1].items() if k != "name"}
            if same and head == prev_head and number is not None and prev is not None and number == prev + 1:
                run.append(entry)
                continue
        flush()
        run.append(entry)
    flush()
    return out


def live_ports(lab: Lab, site: Site, node: Node) -> tuple[list[dict[str, Any]], SwitchConfig | None]:
    """A switch's ports as they run, as site-file entries (and a managed switch's configuration)."""
    topo = Topology(site)
    names = list(topo.switch_ports[node.name])
    if node.cli is not None and management.is_managed(lab, node.name):
        config, _refused = parse_running(running_config(lab, node.name), node.name, names)
        return _ranges([_entry(site, config.interfaces[n]) for n in names if n in config.interfaces]), config
    entries = []
    for name, planned in topo.switch_ports[node.name].items():
        entry = {"name": name, **planned.model_dump(mode="json", exclude_defaults=True, exclude={"name"})}
        if (node.name, name) in topo.peers and not planned.shutdown:
            live = port_behaviour(lab, f"{node.name}:{name}")
            if live is not None:
                conf = InterfaceConfig(name, description=planned.description)
                if live.access:
                    conf.access_vlan = live.native or 1
                else:
                    conf.mode, conf.trunk_allowed, conf.native_vlan = "trunk", list(live.allowed), live.native or 1
                entry = _entry(site, conf)
        entries.append(entry)
    return _ranges(entries), None


def export_site(lab: Lab) -> str:
    """The lab's site file with its switches' ports (and managed switches' management address) as they run now."""
    site = lab.site()
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 140
    yaml.indent(mapping=2, sequence=4, offset=2)
    data = yaml.load((lab.dir.path / "site.yaml").read_text())
    for item in data["nodes"]:
        node = next((n for n in site.nodes if n.name == item["name"]), None)
        if node is None or not node.kind.bridges:
            continue
        ports, config = live_ports(lab, site, node)
        seq = CommentedSeq()
        for entry in ports:
            flow = CommentedMap(entry)
            flow.fa.set_flow_style()
            seq.append(flow)
        item["ports"] = seq
        svi = config.management if config is not None else None
        if svi is not None and svi.address and "management" in item:
            item["management"]["vlan"] = _vlan_ref(site, svi.vid)
            item["management"]["address"] = svi.address
            if config is not None and config.default_gateway:
                item["management"]["gateway"] = config.default_gateway
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()

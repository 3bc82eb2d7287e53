"""Validation of building automation: a broker and a controller of the site, devices on connected objects, rules on known devices."""

from __future__ import annotations

from officelab.site.model import NodeKind
from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    a = v.site.automation
    if a is None:
        return
    base: tuple[str | int, ...] = ("automation",)
    for key in ("broker", "controller"):
        name = getattr(a, key)
        node = v.topo.nodes.get(name)
        if node is None:
            v.add((*base, key), f"unknown node {name!r}", "name a node of the site")
        elif key == "broker" and not any(i.address for i in node.interfaces):
            v.add((*base, key), f"the broker {name} needs a static address", "devices connect to it by address")
    v.duplicates(((d.name, (*base, "devices", k, "name")) for k, d in enumerate(a.devices)), "device")
    names = {d.name: d for d in a.devices}
    for k, device in enumerate(a.devices):
        node = v.topo.nodes.get(device.node)
        if node is None:
            v.add((*base, "devices", k, "node"), f"unknown node {device.node!r}", "the device runs on a node of kind iot")
        elif node.kind not in (NodeKind.IOT, NodeKind.CAMERA):
            v.add((*base, "devices", k, "node"), f"{device.node} is a {node.kind}, not a connected object", "use a node of kind iot")
    for k, rule in enumerate(a.rules):
        for part in ("when", "then"):
            device = getattr(rule, part).device
            if device not in names:
                v.add((*base, "rules", k, part, "device"), f"unknown device {device!r}", f"devices: {', '.join(sorted(names)) or 'none'}")

"""Validation of an internet box: a WAN side and a LAN side, the firewall its port forwards join, the DHCP it
manages, and forwards towards devices of its LAN (what the admin daemon would refuse at start is refused here)."""

from __future__ import annotations

from officelab.domains.box.facts import sides
from officelab.site.model import NodeKind
from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    for k, node in enumerate(v.site.nodes):
        box = node.services.box
        if box is None:
            continue
        path: tuple[str | int, ...] = ("nodes", k, "services", "box")
        if node.kind is not NodeKind.BOX:
            v.add(
                path, f"`box` is the service of a node of kind box (an internet box), and {node.name} is a {node.kind}", "use `kind: box`"
            )
            continue
        s = sides(v.topo, node)
        if s is None:
            v.add(
                ("nodes", k, "interfaces"),
                f"the box {node.name} needs a WAN interface (address and ISP gateway) and a LAN interface (address, cabled to the LAN)",
                "e.g. `- {name: wan, address: 198.51.100.10/29, gateway: 198.51.100.9}` and `- {name: lan, address: 192.168.1.1/24}`",
            )
            continue
        fw = node.services.firewall
        if fw is None and (box.forwards or box.remote_admin):
            why = f"the box {node.name} has no firewall: its port forwards and remote administration are rules of it"
            v.add(path, why, "add `firewall:` with a wan zone")
        wan_zones = [name for name, z in fw.zones.items() if s.wan.name in z.interfaces] if fw else []
        if node.services.dhcp is None or s.vlan.dhcp is None:
            v.add(
                path,
                f"the box {node.name} manages the DHCP of VLAN {s.vlan.id} on its page",
                "add `dhcp: {}` to its services and a `dhcp:` scope to the VLAN",
            )
        taken = {f.name for f in fw.nat.forwards} if fw else set()
        for m, fwd in enumerate(box.forwards):
            where = (*path, "forwards", m)
            if fwd.zone not in wan_zones:
                v.add(
                    (*where, "zone"),
                    f"port forward {fwd.name}: zone {fwd.zone!r} is not the zone of the WAN interface {s.wan.name}",
                    f"use {' or '.join(wan_zones) or 'a zone holding the WAN interface'}",
                )
            if fwd.to not in s.vlan.subnet or str(fwd.to) == s.address:
                v.add(
                    (*where, "to"),
                    f"port forward {fwd.name} goes to {fwd.to}, not a device of the LAN {s.vlan.subnet}",
                    "forward to a LAN host's address",
                )
            if fwd.port_end is not None:
                v.add((*where, "port_end"), "the box's page forwards one port at a time", "declare one forward per port")
            if fwd.name in taken:
                v.add((*where, "name"), f"port forward {fwd.name} is also a forward of the firewall", "give it another name")
            if fwd.proto == "tcp" and fwd.port == 80 and box.remote_admin:
                v.add(
                    (*where, "port"),
                    "tcp/80 on the WAN is the box's own admin page (remote administration on)",
                    "forward another public port",
                )

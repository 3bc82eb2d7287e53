"""What follows from the site file alone about an internet box: its WAN and LAN sides, its admin page's address,
and the configuration its admin daemon starts from (factory or configured state)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from officelab.domains.box.model import BoxService
from officelab.site.model import Interface, Node, Vlan
from officelab.site.topology import Topology

ADMIN_PORT = 80
CONFIG = "box/config.json"
SETTINGS = "box/settings.json"
"""The settings file the page changes, in the box node's own directory (no other node sees it)."""


@dataclass(frozen=True)
class Sides:
    wan: Interface
    lan: Interface
    vlan: Vlan

    @property
    def public(self) -> str:
        assert self.wan.address is not None
        return str(self.wan.address.ip)

    @property
    def address(self) -> str:
        assert self.lan.address is not None
        return str(self.lan.address.ip)

    @property
    def url(self) -> str:
        return f"http://{self.address}/"


def sides(topo: Topology, node: Node) -> Sides | None:
    """The box's WAN interface (with the ISP as gateway), its LAN interface and the LAN's VLAN; None when the
    site does not give them (validation says why)."""
    wan = next((i for i in node.interfaces if i.gateway is not None and i.address is not None), None)
    lan = next((i for i in node.interfaces if i.gateway is None and i.address is not None and not i.vlans), None)
    vlan = topo.vlan_of(node.name, lan.name) if lan is not None else None
    if wan is None or lan is None or vlan is None:
        return None
    return Sides(wan, lan, vlan)


def boxes(topo: Topology) -> list[tuple[Node, BoxService, Sides]]:
    found = []
    for node in topo.site.nodes:
        box, s = node.services.box, sides(topo, node)
        if box is not None and s is not None:
            found.append((node, box, s))
    return found


def initial_settings(box: BoxService, s: Sides) -> dict[str, Any]:
    """The settings the box starts from on first boot: as delivered (factory password, no forwards of its own) or
    as the site plans it (its password and forwards)."""
    configured = box.state == "configured"
    scope = s.vlan.dhcp
    return {
        "password_plain": box.admin_password if configured else box.factory_password,
        "dhcp_start": str(scope.start) if scope else "",
        "dhcp_end": str(scope.end) if scope else "",
        "dhcp_lease": scope.lease if scope else "",
        "forwards": [
            {"name": f.name, "proto": f.proto, "port": f.port, "to": str(f.to), "to_port": f.to_port or f.port}
            for f in (box.forwards if configured else [])
        ],
        "ssid": box.wifi.ssid if box.wifi and configured else "",
        "wifi_key": box.wifi.key if box.wifi and configured else "",
        "remote_admin": box.remote_admin,
    }


def daemon_config(node: Node, box: BoxService, s: Sides, node_dir: Path) -> dict[str, Any]:
    """The admin daemon's configuration file: where it listens, what it shows, the files it changes."""
    return {
        "model": box.firmware.model,
        "firmware": box.firmware.model_dump(),
        "address": s.address,
        "port": ADMIN_PORT,
        "wan_address": s.public,
        "wan_iface": s.wan.name,
        "firewall": node.services.firewall is not None,
        "lan_iface": s.lan.name,
        "lan_subnet": str(s.vlan.subnet),
        "netmask": str(s.vlan.subnet.netmask),
        "dhcp_tag": f"vlan{s.vlan.id}",
        "dnsmasq_conf": str(node_dir / "dnsmasq.conf"),
        "leases": str(node_dir / "dnsmasq.leases"),
        "settings": str(node_dir / SETTINGS),
        "factory_password": box.factory_password,
        "initial": initial_settings(box, s),
    }

"""Validation of the command lines: SSID ports, accounts IOS would refuse, and TFTP servers with an address."""

from __future__ import annotations

from officelab.site.model import PortMode
from officelab.site.validate import Validation

RESERVED = {"enable", "exit", "end", "no", "default", "privilege", "secret", "password", "all"}
"""Words IOS's ``username`` cannot take as a name: the line would not read back."""


def validate(v: Validation) -> None:
    for i, node in enumerate(v.site.nodes):
        if node.cli is None:
            continue
        path: tuple[str | int, ...] = ("nodes", i, "cli")
        seen: set[str] = set()
        for k, user in enumerate(node.cli.users):
            if user.name.lower() in RESERVED:
                v.add((*path, "users", k, "name"), f"{user.name!r} is a word of the `username` command", "choose another account name")
            if user.name in seen:
                v.add((*path, "users", k, "name"), f"account {user.name!r} is declared twice", "keep one entry per account")
            seen.add(user.name)
        if not any(u.privilege == 15 for u in node.cli.users):
            v.add(
                (*path, "users"),
                "no account has privilege 15",
                "give the technician's account `privilege: 15` (OfficeLab logs in with the first one)",
            )
        elif node.cli.users[0].privilege != 15:
            v.add(
                (*path, "users", 0, "privilege"),
                "OfficeLab's checks log in with the first account: it needs privilege 15",
                "put a privilege-15 account first",
            )
        ports = v.topo.switch_ports.get(node.name, {})
        names: set[str] = set()
        for k, ssid in enumerate(node.cli.ssids):
            port = ports.get(ssid.port)
            if port is None or port.mode is not PortMode.ACCESS or port.vlan is None:
                v.add(
                    (*path, "ssids", k, "port"),
                    f"{node.name} has no access port {ssid.port!r} with a VLAN",
                    f"its ports: {', '.join(ports)}",
                )
            if ssid.name in names:
                v.add((*path, "ssids", k, "name"), f"SSID {ssid.name!r} is declared twice", "one entry per SSID")
            names.add(ssid.name)
    for i, node in enumerate(v.site.nodes):
        if node.services.tftp is not None and not any(iface.address for iface in node.interfaces):
            v.add(
                ("nodes", i, "services", "tftp"),
                "a TFTP server needs a static address (switches are given it to copy to)",
                "give the node an `address`",
            )

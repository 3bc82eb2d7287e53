"""What the interface commands do: a switch port's (or a range's) switchport, port security, shutdown and description,
a VLAN interface's address, an access point radio's SSIDs."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from officelab.devices.switchos.config import InterfaceConfig
from officelab.devices.switchos.configure import COMMON, Action, Args, Table, accept, changed

if TYPE_CHECKING:
    from officelab.devices.switchos.session import CliSession


def _set_port(**values: Any) -> Action:
    def run(s: CliSession, a: Args) -> None:
        for port in _ports(s):
            for key, value in values.items():
                setattr(port, key, value)
        changed(s)

    return run


def _ports(s: CliSession) -> list[InterfaceConfig]:
    return [s.config.interfaces[p] for p in s.context.ports]


def _each(change: Callable[[InterfaceConfig, Args], str | None]) -> Action:
    def run(s: CliSession, a: Args) -> str | None:
        notes = [n for n in (change(p, a) for p in _ports(s)) if n]
        changed(s)
        return notes[0] if notes else None

    return run


def _access_vlan(s: CliSession, a: Args) -> str | None:
    note = None
    if a["vid"] not in s.config.vlans:
        s.config.vlans[a["vid"]] = f"VLAN{a['vid']:04d}"
        note = f"% Access VLAN does not exist. Creating vlan {a['vid']}"
    for port in _ports(s):
        port.access_vlan = a["vid"]
    changed(s)
    return note


def _allowed(how: str) -> Action:
    def change(port: InterfaceConfig, a: Args) -> None:
        given = set(a.get("vlans") or [])
        current = set(port.trunk_allowed) if port.trunk_allowed is not None else set(range(1, 4095))
        result = {"set": given, "add": current | given, "remove": current - given, "except": set(range(1, 4095)) - given}.get(how)
        if how == "all":
            port.trunk_allowed = None
        elif how == "none":
            port.trunk_allowed = []
        else:
            assert result is not None
            port.trunk_allowed = None if len(result) == 4094 else sorted(result)

    return _each(change)


def _native(s: CliSession, a: Args) -> None:
    for port in _ports(s):
        port.native_vlan = a["vid"]
    changed(s)


def _shutdown(down: bool) -> Action:
    def run(s: CliSession, a: Args) -> None:
        if s.context.svi is not None:
            s.config.svis[s.context.svi].shutdown = down
        for port in _ports(s):
            if down and s.live and (port.name in s.switch.err_disabled or port.security.enabled):
                s.switch.recover(port.name)  # a port shut down forgets its learned secure addresses and blocks
            port.shutdown = down
        changed(s)

    return run


def _security(s: CliSession, a: Args, **values: Any) -> None:
    for port in _ports(s):
        for key, value in values.items():
            setattr(port.security, key, value)
        if values.get("enabled") and s.live:
            s.switch.secure_port(port.name)
    changed(s)


def _secure_mac(s: CliSession, a: Args) -> None:
    for port in _ports(s):
        if a["mac"] not in port.security.macs:
            port.security.macs.append(a["mac"])
        if s.live and port.name in s.switch.secure and a["mac"] not in s.switch.secure[port.name].addresses:
            s.switch.secure[port.name].addresses.append(a["mac"])
    changed(s)


def _ip_address(s: CliSession, a: Args) -> str | None:
    if s.context.svi is None:
        return "% IP addresses may not be configured on L2 links."
    try:
        network = ipaddress.IPv4Network(f"0.0.0.0/{a['mask']}")
    except ValueError:
        return f"% Bad mask {a['mask']} for address {a['ip']}"
    for svi in s.config.svis.values():  # one management address: this switch has one interface of its own
        if svi.vid != s.context.svi:
            svi.address = None
    s.config.svis[s.context.svi].address = f"{a['ip']}/{network.prefixlen}"
    changed(s)
    return None


def _no_ip_address(s: CliSession, a: Args) -> None:
    if s.context.svi is not None:
        s.config.svis[s.context.svi].address = None
        changed(s)


def _description(s: CliSession, a: Args) -> None:
    for port in _ports(s):
        port.description = a.get("text", "")
    changed(s)


def _radio_ssid(add: bool) -> Action:
    def run(s: CliSession, a: Args) -> str | None:
        offered = s.config.radio_ssids[s.context.radio]
        if add and a["ssid"] not in s.config.ssids:
            return f"% SSID {a['ssid']} is not configured: configure it first (dot11 ssid {a['ssid']})"
        if add and a["ssid"] not in offered:
            offered.append(a["ssid"])
        if not add and a["ssid"] in offered:
            offered.remove(a["ssid"])
        return None

    return run


PORT: Table = [
    *COMMON,
    ("description TEXT", _description),
    ("no description", _description),
    ("switchport mode access", _set_port(mode="access")),
    ("switchport mode trunk", _set_port(mode="trunk")),
    ("switchport access vlan VID", _access_vlan),
    ("no switchport access vlan", _set_port(access_vlan=1)),
    ("switchport trunk allowed vlan VLANS", _allowed("set")),
    ("switchport trunk allowed vlan add VLANS", _allowed("add")),
    ("switchport trunk allowed vlan remove VLANS", _allowed("remove")),
    ("switchport trunk allowed vlan except VLANS", _allowed("except")),
    ("switchport trunk allowed vlan all", _allowed("all")),
    ("switchport trunk allowed vlan none", _allowed("none")),
    ("no switchport trunk allowed vlan", _allowed("all")),
    ("switchport trunk native vlan VID", _native),
    ("no switchport trunk native vlan", _set_port(native_vlan=1)),
    ("switchport trunk encapsulation dot1q", accept),
    ("switchport nonegotiate", accept),
    ("shutdown", _shutdown(True)),
    ("no shutdown", _shutdown(False)),
    ("switchport port-security", lambda s, a: _security(s, a, enabled=True)),
    ("no switchport port-security", lambda s, a: _security(s, a, enabled=False)),
    ("switchport port-security maximum MAXIMUM", lambda s, a: _security(s, a, maximum=a["maximum"])),
    ("switchport port-security violation shutdown", lambda s, a: _security(s, a, violation="shutdown")),
    ("switchport port-security violation restrict", lambda s, a: _security(s, a, violation="restrict")),
    ("switchport port-security violation protect", lambda s, a: _security(s, a, violation="protect")),
    ("switchport port-security mac-address sticky", lambda s, a: _security(s, a, sticky=True)),
    ("no switchport port-security mac-address sticky", lambda s, a: _security(s, a, sticky=False, macs=[])),
    ("switchport port-security mac-address MAC", _secure_mac),
    ("switchport port-security mac-address sticky MAC", _secure_mac),
    ("spanning-tree portfast", _set_port(portfast=True)),
    ("no spanning-tree portfast", _set_port(portfast=False)),
    ("ip address IP MASK", _ip_address),
    ("no ip address", _no_ip_address),
]
SVI: Table = [
    *COMMON,
    ("ip address IP MASK", _ip_address),
    ("no ip address", _no_ip_address),
    ("shutdown", _shutdown(True)),
    ("no shutdown", _shutdown(False)),
]
RADIO: Table = [
    *COMMON,
    ("ssid SSID", _radio_ssid(True)),
    ("no ssid SSID", _radio_ssid(False)),
    ("shutdown", accept),
    ("no shutdown", accept),
]

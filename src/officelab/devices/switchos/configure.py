"""What the configuration commands do: global configuration, interfaces, VLANs, lines and SSIDs.

Each action changes the session's configuration and, on a live session, ends in `Switch.apply`: the data
plane follows at once. The module is longer than 400 lines because it holds every configuration mode's table
beside its actions, which read together.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from officelab.devices.switchos.config import InterfaceConfig, SsidConfig, SviConfig, UserConfig, type9
from officelab.devices.switchos.session import Context
from officelab.devices.switchos.terminal import Reply

if TYPE_CHECKING:
    from officelab.devices.switchos.session import CliSession

Action = Callable[["CliSession", dict[str, Any]], "str | Reply | None"]
Args = dict[str, Any]

# ---------------------------------------------------------------------------------------------- global configuration


def _changed(s: CliSession) -> None:
    if s.live:
        s.switch.apply()


def _hostname(s: CliSession, a: Args) -> None:
    s.config.hostname = a["hostname"]
    _changed(s)


def _vlan(s: CliSession, a: Args) -> None:
    vids = a.get("vlans") or [a["vid"]]
    for vid in vids:
        s.config.vlans.setdefault(vid, f"VLAN{vid:04d}")
    s.enter("config-vlan", Context(vlans=vids))
    _changed(s)


def _no_vlan(s: CliSession, a: Args) -> str | None:
    vids = a.get("vlans") or [a["vid"]]
    if 1 in vids:
        return "%Default VLAN 1 may not be deleted."
    for vid in vids:
        s.config.vlans.pop(vid, None)
    _changed(s)
    return None


def _vlan_name(s: CliSession, a: Args) -> None:
    for vid in s.context.vlans:
        s.config.vlans[vid] = a["name"]
    _changed(s)


def _vlan_no_name(s: CliSession, a: Args) -> None:
    for vid in s.context.vlans:
        s.config.vlans[vid] = f"VLAN{vid:04d}"
    _changed(s)


def _interface(s: CliSession, a: Args) -> str | None:
    word = a["iface"]
    if word.lower().startswith("vlan") and word[4:].isdigit():
        _svi(s, {"vid": int(word[4:])})
        return None
    if word.lower().startswith("dot11radio") and s.config.access_point:
        s.config.radio_ssids.setdefault(f"Dot11Radio{word[10:]}", [])
        s.enter("config-if", Context(radio=f"Dot11Radio{word[10:]}"))
        return None
    try:
        port = s.port(word)
    except KeyError:
        return f"% Invalid interface {word}: this switch's ports are {', '.join(s.switch.hw.ports[:6])}…"
    s.enter("config-if", Context(ports=[port]))
    return None


def _svi(s: CliSession, a: Args) -> None:
    vid = a["vid"]
    s.config.svis.setdefault(vid, SviConfig(vid))
    s.enter("config-if", Context(svi=vid))


def _range(s: CliSession, a: Args) -> str | None:
    try:
        ports = s.port_range(a["ifrange"])
    except KeyError as unknown:
        return f"% Invalid interface range: no port {unknown.args[0]}"
    s.enter("config-if-range", Context(ports=ports))
    return None


def _gateway(s: CliSession, a: Args) -> None:
    s.config.default_gateway = a.get("ip")
    _changed(s)


def _domain(s: CliSession, a: Args) -> None:
    s.config.domain_name = a.get("domain", "")


def _username(s: CliSession, a: Args) -> str | None:
    name = a["user"]
    secret = a["secret"].split()
    if len(secret) == 2 and secret[0] in ("0", "9"):
        kind, value = secret
    elif len(secret) == 1:
        kind, value = "0", secret[0]
    else:
        return "% Invalid secret: write `secret PASSWORD`, `secret 0 PASSWORD` or `secret 9 HASH`"
    if kind == "9" and not value.startswith("$9$"):
        return "% Invalid encrypted secret."
    s.config.users[name] = UserConfig(name, a.get("priv", 1), value if kind == "9" else type9(value))
    return None


def _no_username(s: CliSession, a: Args) -> None:
    s.config.users.pop(a["user"], None)


def _enable_secret(s: CliSession, a: Args) -> str | None:
    words = a["secret"].split()
    kind, value = (words[0], words[1]) if len(words) == 2 and words[0] in ("0", "9") else ("0", " ".join(words))
    if kind == "9" and not value.startswith("$9$"):
        return "% Invalid encrypted secret."
    s.config.enable_secret = value if kind == "9" else type9(value)
    return None


def _banner(s: CliSession, a: Args) -> str | None:
    text = a["banner"]
    delim = "^C" if text.startswith("^C") else text[:1]
    body = text[len(delim) :]
    if delim not in body:
        return f"% Write the banner on one line between two delimiters: banner motd {delim}text{delim} (\\n for a new line)"
    s.config.banner_motd = body[: body.index(delim)].replace("\\n", "\n")
    return None


def _line(kind: str) -> Action:
    def run(s: CliSession, a: Args) -> None:
        s.enter("config-line", Context(line=kind))

    return run


def _ssid(s: CliSession, a: Args) -> None:
    name = a["ssid"]
    s.config.ssids.setdefault(name, SsidConfig(name))
    s.enter("config-ssid", Context(ssid=name))


def _no_ssid(s: CliSession, a: Args) -> None:
    s.config.ssids.pop(a["ssid"], None)


def _http(on: bool) -> Action:
    def run(s: CliSession, a: Args) -> None:
        s.config.http_server = on

    return run


def _do(s: CliSession, a: Args) -> Reply:
    mode, s.mode = s.mode, "enable"
    try:
        return s.run(a["command"])
    finally:
        if s.mode == "enable":
            s.mode = mode


def _end(s: CliSession, a: Args) -> None:
    s.end()


def leave(s: CliSession, a: Args) -> Reply:
    """``exit``: up one mode, or the session ends."""
    return s.exit()


def _accept(s: CliSession, a: Args) -> None:
    """A command IOS has that changes nothing here (``spanning-tree mode``, ``service …``)."""


# ---------------------------------------------------------------------------------------------- interfaces


def _ports(s: CliSession) -> list[InterfaceConfig]:
    return [s.config.interfaces[p] for p in s.context.ports]


def _each(change: Callable[[InterfaceConfig, Args], str | None]) -> Action:
    def run(s: CliSession, a: Args) -> str | None:
        notes = [n for n in (change(p, a) for p in _ports(s)) if n]
        _changed(s)
        return notes[0] if notes else None

    return run


def _access_vlan(s: CliSession, a: Args) -> str | None:
    note = None
    if a["vid"] not in s.config.vlans:
        s.config.vlans[a["vid"]] = f"VLAN{a['vid']:04d}"
        note = f"% Access VLAN does not exist. Creating vlan {a['vid']}"
    for port in _ports(s):
        port.access_vlan = a["vid"]
    _changed(s)
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
    _changed(s)


def _shutdown(down: bool) -> Action:
    def run(s: CliSession, a: Args) -> None:
        if s.context.svi is not None:
            s.config.svis[s.context.svi].shutdown = down
        for port in _ports(s):
            if down and s.live and (port.name in s.switch.err_disabled or port.security.enabled):
                s.switch.recover(port.name)  # a port shut down forgets its learned secure addresses and blocks
            port.shutdown = down
        _changed(s)

    return run


def _security(s: CliSession, a: Args, **values: Any) -> None:
    for port in _ports(s):
        for key, value in values.items():
            setattr(port.security, key, value)
        if values.get("enabled") and s.live:
            s.switch.secure_port(port.name)
    _changed(s)


def _secure_mac(s: CliSession, a: Args) -> None:
    for port in _ports(s):
        if a["mac"] not in port.security.macs:
            port.security.macs.append(a["mac"])
        if s.live and port.name in s.switch.secure and a["mac"] not in s.switch.secure[port.name].addresses:
            s.switch.secure[port.name].addresses.append(a["mac"])
    _changed(s)


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
    _changed(s)
    return None


def _no_ip_address(s: CliSession, a: Args) -> None:
    if s.context.svi is not None:
        s.config.svis[s.context.svi].address = None
        _changed(s)


def _description(s: CliSession, a: Args) -> None:
    for port in _ports(s):
        port.description = a.get("text", "")
    _changed(s)


def _exec_timeout(s: CliSession, a: Args) -> None:
    if s.context.line == "vty":
        s.config.vty.exec_timeout = (a["minutes"], a.get("seconds") or 0)


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


def _ssid_set(values: Callable[[Args], dict[str, Any]]) -> Action:
    """An SSID setting (``values`` from the typed arguments); its VLAN is its clients' port's, in this lab."""

    def run(s: CliSession, a: Args) -> None:
        ssid = s.config.ssids[s.context.ssid]
        for key, value in values(a).items():
            setattr(ssid, key, value)
        port = s.switch.hw.ssid_ports.get(ssid.name)
        if port is not None and ssid.vlan is not None and port in s.config.interfaces:
            s.config.interfaces[port].access_vlan = ssid.vlan
            s.config.vlans.setdefault(ssid.vlan, f"VLAN{ssid.vlan:04d}")
        _changed(s)

    return run


def _set(target: str, **values: Any) -> Action:
    def run(s: CliSession, a: Args) -> None:
        if target == "vty":
            for key, value in values.items() if s.context.line == "vty" else ():
                setattr(s.config.vty, key, value)
        else:
            for port in _ports(s):
                for key, value in values.items():
                    setattr(port, key, value)
        _changed(s)

    return run


# ---------------------------------------------------------------------------------------------- tables

Table = list[tuple[str, Action]]
_COMMON: Table = [("end", _end), ("exit", leave), ("do COMMAND", _do)]
CONFIG: Table = [
    *_COMMON,
    ("hostname HOSTNAME", _hostname),
    ("vlan VID", _vlan),
    ("vlan VLANS", _vlan),
    ("no vlan VID", _no_vlan),
    ("no vlan VLANS", _no_vlan),
    ("interface IFACE", _interface),
    ("interface vlan VID", _svi),
    ("interface range IFRANGE", _range),
    ("ip default-gateway IP", _gateway),
    ("no ip default-gateway", _gateway),
    ("ip domain-name DOMAIN", _domain),
    ("no ip domain-name", _domain),
    ("ip http server", _http(True)),
    ("no ip http server", _http(False)),
    ("ip http secure-server", _accept),
    ("no ip http secure-server", _accept),
    ("username USER privilege PRIV secret SECRET", _username),
    ("username USER secret SECRET", _username),
    ("no username USER", _no_username),
    ("enable secret SECRET", _enable_secret),
    ("no enable secret", lambda s, a: setattr(s.config, "enable_secret", "")),
    ("banner motd BANNER", _banner),
    ("no banner motd", lambda s, a: setattr(s.config, "banner_motd", "")),
    ("line vty FIRST LAST", _line("vty")),
    ("line con FIRST", _line("con")),
    ("dot11 ssid SSID", _ssid),
    ("no dot11 ssid SSID", _no_ssid),
    ("spanning-tree mode TEXT", _accept),
    ("spanning-tree extend system-id", _accept),
    ("service TEXT", _accept),
    ("no service TEXT", _accept),
    ("no aaa new-model", _accept),
    ("boot-start-marker", _accept),
    ("boot-end-marker", _accept),
    ("version TEXT", _accept),
]
PORT: Table = [
    *_COMMON,
    ("description TEXT", _description),
    ("no description", _description),
    ("switchport mode access", _set("port", mode="access")),
    ("switchport mode trunk", _set("port", mode="trunk")),
    ("switchport access vlan VID", _access_vlan),
    ("no switchport access vlan", _set("port", access_vlan=1)),
    ("switchport trunk allowed vlan VLANS", _allowed("set")),
    ("switchport trunk allowed vlan add VLANS", _allowed("add")),
    ("switchport trunk allowed vlan remove VLANS", _allowed("remove")),
    ("switchport trunk allowed vlan except VLANS", _allowed("except")),
    ("switchport trunk allowed vlan all", _allowed("all")),
    ("switchport trunk allowed vlan none", _allowed("none")),
    ("no switchport trunk allowed vlan", _allowed("all")),
    ("switchport trunk native vlan VID", _native),
    ("no switchport trunk native vlan", _set("port", native_vlan=1)),
    ("switchport trunk encapsulation dot1q", _accept),
    ("switchport nonegotiate", _accept),
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
    ("spanning-tree portfast", _set("port", portfast=True)),
    ("no spanning-tree portfast", _set("port", portfast=False)),
    ("ip address IP MASK", _ip_address),
    ("no ip address", _no_ip_address),
]
SVI: Table = [
    *_COMMON,
    ("ip address IP MASK", _ip_address),
    ("no ip address", _no_ip_address),
    ("shutdown", _shutdown(True)),
    ("no shutdown", _shutdown(False)),
]
RADIO: Table = [
    *_COMMON,
    ("ssid SSID", _radio_ssid(True)),
    ("no ssid SSID", _radio_ssid(False)),
    ("shutdown", _accept),
    ("no shutdown", _accept),
]
VLAN: Table = [*_COMMON, ("name NAME", _vlan_name), ("no name", _vlan_no_name)]
LINE: Table = [
    *_COMMON,
    ("exec-timeout MINUTES", _exec_timeout),
    ("exec-timeout MINUTES SECONDS", _exec_timeout),
    ("login local", _set("vty", login_local=True)),
    ("login", _set("vty", login_local=False)),
    ("transport input ssh", _set("vty", transport="ssh")),
    ("transport input telnet", _set("vty", transport="telnet")),
    ("transport input all", _set("vty", transport="all")),
    ("transport input none", _set("vty", transport="none")),
]
SSID: Table = [
    *_COMMON,
    ("vlan VID", _ssid_set(lambda a: {"vlan": a["vid"]})),
    ("authentication open", _accept),
    ("authentication key-management wpa version 2", _ssid_set(lambda a: {"authentication": "wpa2-psk"})),
    ("authentication network-eap TEXT", _ssid_set(lambda a: {"authentication": "wpa2-enterprise"})),
    ("wpa-psk ascii PASSPHRASE", _ssid_set(lambda a: {"passphrase": a["passphrase"].split()[-1]})),
    ("guest-mode", _ssid_set(lambda a: {"guest_mode": True})),
    ("no guest-mode", _ssid_set(lambda a: {"guest_mode": False})),
]

"""What the configuration commands do: global configuration, VLANs, lines and SSIDs (interfaces: `portconfig`).

Each action changes the session's configuration and, on a live session, ends in `Switch.apply` (`changed`): the
data plane follows at once. Each mode's table is beside its actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from officelab.devices.switchos.config import SsidConfig, SviConfig, UserConfig, type9
from officelab.devices.switchos.session import Context
from officelab.devices.switchos.terminal import Reply

if TYPE_CHECKING:
    from officelab.devices.switchos.session import CliSession

Action = Callable[["CliSession", dict[str, Any]], "str | Reply | None"]
Args = dict[str, Any]

# ---------------------------------------------------------------------------------------------- global configuration


def changed(s: CliSession) -> None:
    if s.live:
        s.switch.apply()


def _hostname(s: CliSession, a: Args) -> None:
    s.config.hostname = a["hostname"]
    changed(s)


def _vlan(s: CliSession, a: Args) -> None:
    vids = a.get("vlans") or [a["vid"]]
    for vid in vids:
        s.config.vlans.setdefault(vid, f"VLAN{vid:04d}")
    s.enter("config-vlan", Context(vlans=vids))
    changed(s)


def _no_vlan(s: CliSession, a: Args) -> str | None:
    vids = a.get("vlans") or [a["vid"]]
    if 1 in vids:
        return "%Default VLAN 1 may not be deleted."
    for vid in vids:
        s.config.vlans.pop(vid, None)
    changed(s)
    return None


def _vlan_name(s: CliSession, a: Args) -> None:
    for vid in s.context.vlans:
        s.config.vlans[vid] = a["name"]
    changed(s)


def _vlan_no_name(s: CliSession, a: Args) -> None:
    for vid in s.context.vlans:
        s.config.vlans[vid] = f"VLAN{vid:04d}"
    changed(s)


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
    changed(s)


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


def accept(s: CliSession, a: Args) -> None:
    """A command IOS has that changes nothing here (``spanning-tree mode``, ``service …``)."""


def _exec_timeout(s: CliSession, a: Args) -> None:
    if s.context.line == "vty":
        s.config.vty.exec_timeout = (a["minutes"], a.get("seconds") or 0)


def _wpa2_keys(s: CliSession, a: Args) -> None:
    """WPA2 keys: a pre-shared key's, unless the SSID authenticates by EAP (WPA2-Enterprise keeps WPA2 keys too)."""
    enterprise = s.config.ssids[s.context.ssid].authentication == "wpa2-enterprise"
    _ssid_set(lambda a: {} if enterprise else {"authentication": "wpa2-psk"})(s, a)


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
        changed(s)

    return run


def _set_vty(**values: Any) -> Action:
    def run(s: CliSession, a: Args) -> None:
        if s.context.line == "vty":  # `line con 0` takes the same commands and keeps nothing here
            for key, value in values.items():
                setattr(s.config.vty, key, value)
        changed(s)

    return run


# ---------------------------------------------------------------------------------------------- tables

Table = list[tuple[str, Action]]
COMMON: Table = [("end", _end), ("exit", leave), ("do COMMAND", _do)]
CONFIG: Table = [
    *COMMON,
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
    ("ip http secure-server", accept),
    ("no ip http secure-server", accept),
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
    ("spanning-tree mode TEXT", accept),
    ("spanning-tree extend system-id", accept),
    ("service TEXT", accept),
    ("no service TEXT", accept),
    ("no aaa new-model", accept),
    ("boot-start-marker", accept),
    ("boot-end-marker", accept),
    ("version TEXT", accept),
]
VLAN: Table = [*COMMON, ("name NAME", _vlan_name), ("no name", _vlan_no_name)]
LINE: Table = [
    *COMMON,
    ("exec-timeout MINUTES", _exec_timeout),
    ("exec-timeout MINUTES SECONDS", _exec_timeout),
    ("login local", _set_vty(login_local=True)),
    ("login", _set_vty(login_local=False)),
    ("transport input ssh", _set_vty(transport="ssh")),
    ("transport input telnet", _set_vty(transport="telnet")),
    ("transport input all", _set_vty(transport="all")),
    ("transport input none", _set_vty(transport="none")),
]
SSID: Table = [
    *COMMON,
    ("vlan VID", _ssid_set(lambda a: {"vlan": a["vid"]})),
    ("authentication open", accept),
    ("authentication key-management wpa version 2", _wpa2_keys),
    ("authentication key-management sae", _ssid_set(lambda a: {"authentication": "wpa3-sae"})),
    ("authentication network-eap TEXT", _ssid_set(lambda a: {"authentication": "wpa2-enterprise"})),
    ("wpa-psk ascii PASSPHRASE", _ssid_set(lambda a: {"passphrase": a["passphrase"].split()[-1]})),
    ("guest-mode", _ssid_set(lambda a: {"guest_mode": True})),
    ("no guest-mode", _ssid_set(lambda a: {"guest_mode": False})),
]

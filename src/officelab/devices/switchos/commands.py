"""The commands of each mode, as IOS has them: the exec commands here, the configuration ones in
`officelab.devices.switchos.configure`, each table mapping a syntax (`officelab.devices.switchos.grammar`) to its
action."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from officelab.devices.switchos import keywords as keywords
from officelab.devices.switchos import show, transfer
from officelab.devices.switchos.config import interface_block, render, secret_matches
from officelab.devices.switchos.configure import CONFIG, LINE, SSID, VLAN, leave
from officelab.devices.switchos.grammar import Command
from officelab.devices.switchos.portconfig import PORT, RADIO, SVI
from officelab.devices.switchos.terminal import Reply

if TYPE_CHECKING:
    from officelab.devices.switchos.session import CliSession

Action = Callable[["CliSession", dict[str, Any]], "str | Reply | None"]
Args = dict[str, Any]
Table = list[tuple[str, Action]]

# ---------------------------------------------------------------------------------------------- exec


def _enable(s: CliSession, a: Args) -> Reply | None:
    if s.level >= 15:
        s.mode = "enable"
        return None
    secret = s.config.enable_secret
    if not secret:
        return Reply(output="% No password set")
    tries = [0]

    def check(typed: str) -> Reply:
        if secret_matches(secret, typed):
            s.level, s.mode = 15, "enable"
            return Reply()
        tries[0] += 1
        if tries[0] >= 3:
            return Reply(output="% Bad secrets\n")
        s.pending = check
        return Reply(ask_secret="Password: ")

    s.pending = check
    return Reply(ask_secret="Password: ")


def _disable(s: CliSession, a: Args) -> None:
    s.level, s.mode = 1, "exec"


def _terminal(attr: str) -> Action:
    def run(s: CliSession, a: Args) -> None:
        setattr(s, attr, a["lines"] if attr == "length" else a["columns"])

    return run


def _ping(s: CliSession, a: Args) -> str:
    target = a["ip"]
    result = subprocess.run(["ping", "-n", "-c", "5", "-W", "2", "-i", "0.2", target], capture_output=True, text=True, check=False)
    marks = "".join("!" if f"icmp_seq={i}" in result.stdout else "." for i in range(1, 6))
    ok = marks.count("!")
    times = [float(t) for t in re.findall(r"time=([\d.]+)", result.stdout)]
    rtt = f", round-trip min/avg/max = {min(times):.0f}/{sum(times) / len(times):.0f}/{max(times):.0f} ms" if times else ""
    return (
        "Type escape sequence to abort.\n"
        f"Sending 5, 100-byte ICMP Echos to {target}, timeout is 2 seconds:\n{marks}\n"
        f"Success rate is {ok * 20} percent ({ok}/5){rtt}"
    )


def _show(render: Callable[..., str], *keys: str, **fixed: Any) -> Action:
    """A ``show`` from the switch's live view; ``keys`` are the renderer's arguments taken from the line (``interface``:
    the port typed as IFACE)."""

    def run(s: CliSession, a: Args) -> str:
        values = {k: a.get("iface" if k == "interface" else k) for k in keys}
        typed = values.get("interface")
        if typed is not None:
            try:
                values["interface"] = s.port(str(typed))
            except KeyError:
                return f"% Invalid interface {typed}"
        return render(s.switch.view(s.number), **values, **fixed)

    return run


def _show_interface(s: CliSession, a: Args) -> str:
    name = a["iface"]
    if name.lower().startswith("vlan"):
        return show.interfaces(s.switch.view(s.number), f"Vlan{name[4:]}")
    return show.interfaces(s.switch.view(s.number), s.port(name))


def _show_switchport(s: CliSession, a: Args) -> str:
    return show.interfaces_switchport(s.switch.view(s.number), s.port(a["iface"]))


def _show_run_interface(s: CliSession, a: Args) -> str:
    port = s.config.interfaces[s.port(a["iface"])]
    block = "\n".join(interface_block(port)[:-1])
    return f"Building configuration...\n\nCurrent configuration : {len(block) + 1} bytes\n!\n{block}\nend\n"


def _show_startup(s: CliSession, a: Args) -> str:
    text = s.switch.startup_text()
    return show.startup_config(text) if text is not None else "startup-config is not present"


def _configure(s: CliSession, a: Args) -> str:
    s.enter("config")
    return "Enter configuration commands, one per line.  End with CNTL/Z."


def _write(s: CliSession, a: Args) -> str:
    s.switch.write_memory()
    return "Building configuration...\n[OK]"


def _copy_run_start(s: CliSession, a: Args) -> Reply:
    def confirm(typed: str) -> Reply:
        return Reply(output=_write(s, a))

    s.pending = confirm
    return Reply(confirm="Destination filename [startup-config]? ")


def _reload(s: CliSession, a: Args) -> Reply:
    saved = s.switch.startup_text()

    def proceed(typed: str) -> Reply:
        if typed.strip().lower() not in ("", "y", "yes", "confirm"):
            return Reply()
        s.switch.reload()
        return Reply(close=True)

    s.pending = proceed
    changed = saved is None or saved != render(s.config)
    note = "\nSystem configuration has been modified. Save? [yes/no]: no\n" if changed else ""
    return Reply(output=note.strip("\n"), confirm="Proceed with reload? [confirm]")


def _clear_macs(s: CliSession, a: Args) -> None:
    for port in s.config.interfaces:
        s.switch.plane.forget(port)


# ---------------------------------------------------------------------------------------------- tables

SHOW: Table = [
    ("show version", _show(show.version)),
    ("show running-config", _show(show.running_config)),
    ("show running-config interface IFACE", _show_run_interface),
    ("show startup-config", _show_startup),
    ("show vlan", _show(show.vlan, brief=False)),
    ("show vlan brief", _show(show.vlan, brief=True)),
    ("show interfaces", _show(show.interfaces, name=None)),
    ("show interfaces IFACE", _show_interface),
    ("show interfaces vlan VID", lambda s, a: show.interfaces(s.switch.view(s.number), f"Vlan{a['vid']}")),
    ("show interfaces status", _show(show.interfaces_status)),
    ("show interfaces status err-disabled", _show(show.interfaces_status, only_err_disabled=True)),
    ("show interfaces trunk", _show(show.interfaces_trunk)),
    ("show interfaces switchport", _show(show.interfaces_switchport, name=None)),
    ("show interfaces IFACE switchport", _show_switchport),
    ("show ip interface brief", _show(show.ip_interface_brief)),
    ("show mac address-table", _show(show.mac_address_table)),
    ("show mac address-table dynamic", _show(show.mac_address_table, dynamic_only=True)),
    ("show mac address-table interface IFACE", _show(show.mac_address_table, "interface")),
    ("show mac address-table vlan VID", lambda s, a: show.mac_address_table(s.switch.view(s.number), vlan=a["vid"])),
    ("show lldp neighbors", _show(show.lldp_neighbors)),
    ("show cdp neighbors", _show(show.cdp_neighbors)),
    ("show port-security", _show(show.port_security, interface=None)),
    ("show port-security interface IFACE", _show(show.port_security, "interface")),
    ("show logging", _show(show.logging)),
    ("show clock", _show(show.clock)),
    ("show users", _show(show.users)),
]
EXEC: Table = [
    ("enable", _enable),
    ("exit", leave),
    ("logout", leave),
    ("quit", leave),
    ("terminal length LINES", _terminal("length")),
    ("terminal width COLUMNS", _terminal("width")),
    ("ping IP", _ping),
    *[(syntax, action) for syntax, action in SHOW if "config" not in syntax and "logging" not in syntax],
]
ENABLE: Table = [
    *[c for c in EXEC if c[0] != "enable"],
    ("enable", _enable),
    ("disable", _disable),
    *[(syntax, action) for syntax, action in SHOW if "config" in syntax or "logging" in syntax],
    ("configure terminal", _configure),
    ("configure replace URL", transfer.configure_replace),
    ("configure replace URL force", transfer.configure_replace),
    ("write", _write),
    ("write memory", _write),
    ("copy running-config startup-config", _copy_run_start),
    ("copy running-config tftp:", transfer.upload_prompted),
    ("copy running-config URL", transfer.upload("running-config")),
    ("copy startup-config URL", transfer.upload("startup-config")),
    ("copy tftp: running-config", transfer.download_prompted),
    ("copy URL running-config", transfer.download("running-config")),
    ("copy URL startup-config", transfer.download("startup-config")),
    ("reload", _reload),
    ("clear mac address-table dynamic", _clear_macs),
]


@cache
def _table(mode: str, kind: str) -> list[Command]:
    tables: dict[str, list[tuple[str, Action]]] = {
        "exec": EXEC,
        "enable": ENABLE,
        "config": CONFIG,
        "config-if": {"svi": SVI, "radio": RADIO}.get(kind, PORT),
        "config-if-range": PORT,
        "config-vlan": VLAN,
        "config-line": LINE,
        "config-ssid": SSID,
    }
    return [Command.of(syntax, action) for syntax, action in tables[mode]]


def commands_of(mode: str, session: CliSession) -> list[Command]:
    kind = "svi" if session.context.svi is not None else "radio" if session.context.radio else "port"
    return _table(mode, kind)

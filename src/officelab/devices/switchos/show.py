"""The ``show`` commands of the switch: text laid out as Cisco IOS prints it, from a `SwitchView`.

Every renderer is pure (it reads the view only) and returns the lines joined by ``\\n``. The layouts are the ones
the ntc-templates ``cisco_ios`` TextFSM templates parse, so that Netmiko/NAPALM/Ansible scripts written against real
Catalysts work here unchanged (tests/devices/switchos/test_show.py parses every one of them). This module has the
system's outputs (version, configurations, VLANs, log, clock, users); the ports' are in `show_ports`, re-exported here.
"""

from __future__ import annotations

import re

from officelab.devices.switchos.config import VERSION, header, render
from officelab.devices.switchos.show_ports import (
    cdp_neighbors as cdp_neighbors,
)
from officelab.devices.switchos.show_ports import (
    interfaces as interfaces,
)
from officelab.devices.switchos.show_ports import (
    interfaces_status as interfaces_status,
)
from officelab.devices.switchos.show_ports import (
    interfaces_switchport as interfaces_switchport,
)
from officelab.devices.switchos.show_ports import (
    interfaces_trunk as interfaces_trunk,
)
from officelab.devices.switchos.show_ports import (
    ip_interface_brief as ip_interface_brief,
)
from officelab.devices.switchos.show_ports import (
    lldp_neighbors as lldp_neighbors,
)
from officelab.devices.switchos.show_ports import (
    mac_address_table as mac_address_table,
)
from officelab.devices.switchos.show_ports import (
    port_security as port_security,
)
from officelab.devices.switchos.showtext import (
    NVRAM_BYTES,
    RESERVED,
    colon_mac,
    columns,
    config_of,
    hms,
    plural,
    port_names,
    stamp,
    uptime_words,
    wrap_list,
)
from officelab.devices.switchos.state import SwitchView


def version(view: SwitchView) -> str:
    """``show version``."""
    # The product family is the model's numbered part: WS-C2960X-24TS-L → C2960X, OL-2960-24TT → C2960.
    numbered = next((p for p in view.model.split("-") if re.fullmatch(r"[A-Z]*\d{3,4}[A-Z]*", p)), "C2960")
    family = f"C{numbered}" if numbered[0].isdigit() else numbered
    feature = "K9W7" if view.config.access_point else "UNIVERSALK9"
    image, file = f"{family}-{feature}-M", f"{family}-{feature}-mz.{VERSION.replace('.', '')}.bin".lower()
    return "\n".join(
        [
            f"Cisco IOS Software, {family} Software ({image}), Version {VERSION}, RELEASE SOFTWARE (fc1)",
            "Technical Support: http://www.cisco.com/techsupport",
            f"Copyright (c) 1986-{view.now.year} by Cisco Systems, Inc.",
            "Compiled Wed 03-Jan-24 09:40 by prod_rel_team",
            "",
            f"ROM: Bootstrap program is {family} boot loader",
            f"BOOTLDR: {family} Boot Loader ({family}-HBOOT-M) Version {VERSION}, RELEASE SOFTWARE (fc1)",
            "",
            f"{view.config.hostname} uptime is {uptime_words(view.uptime)}",
            f"System returned to ROM by {view.reload_reason}",
            f"System restarted at {stamp(view, view.uptime)}",
            f'System image file is "flash:/{file}"',
            "",
            f"cisco {view.model} (APM86XXX) processor (revision B0) with 524288K bytes of memory.",
            f"Processor board ID {view.serial}",
            f"Last reset from {view.reload_reason}",
            plural(max(1, len(view.config.svis)), "Virtual Ethernet interface"),
            plural(len(view.ports), "Gigabit Ethernet interface"),
            "The password-recovery mechanism is enabled.",
            "",
            f"{NVRAM_BYTES // 1024}K bytes of flash-simulated non-volatile configuration memory.",
            f"Base ethernet MAC Address       : {colon_mac(view.base_mac)}",
            "Motherboard assembly number     : 73-15800-08",
            "Model revision number           : B0",
            f"Model number                    : {view.model}",
            f"System serial number            : {view.serial}",
            "",
            "Switch Ports Model                     SW Version            SW Image",
            "------ ----- -----                     ----------            ----------",
            columns((7, 6, 26, 22), "*    1", len(view.ports), view.model, VERSION, image),
            "",
            "",
            "Configuration register is 0xF",
        ]
    )


def running_config(view: SwitchView) -> str:
    """``show running-config``: the three header lines backup tools cut, then the configuration."""
    text = render(view.config)
    return header(text) + text


def startup_config(text: str) -> str:
    """``show startup-config`` of the saved text. IOS's first line ``Using N out of 524288 bytes`` is kept: tools
    know it and drop it (Ansible's config diff ignores it, scripts wait for it as the start of the file)."""
    if not text:
        return "startup-config is not present"
    return f"Using {len(text.encode())} out of {NVRAM_BYTES} bytes\n{text}"


# --- VLANs and trunks -------------------------------------------------------------------------------------------


def vlan(view: SwitchView, brief: bool) -> str:
    """``show vlan`` / ``show vlan brief``: each VLAN with its access ports (trunks are not listed, as in IOS)."""
    widths = (5, 33, 10)
    lines = ["", columns(widths, "VLAN", "Name", "Status", "Ports"), columns(widths, "----", "-" * 32, "-" * 9, "-" * 31)]
    for vid in sorted(view.config.vlans):
        members = [p for p in port_names(view) if config_of(view, p).mode == "access" and config_of(view, p).access_vlan == vid]
        first, *more = wrap_list(members)
        lines.append(columns(widths, vid, view.config.vlans[vid][:32], "active", first))
        lines += [" " * sum(widths) + rest for rest in more]
    lines += [columns(widths, vid, name, "act/unsup") for vid, name, _ in RESERVED]
    if brief:
        return "\n".join(lines)
    cols = (5, 6, 11, 6, 7, 7, 9, 5, 9, 7)
    lines += [
        "",
        columns(cols, "VLAN", "Type", "SAID", "MTU", "Parent", "RingNo", "BridgeNo", "Stp", "BrdgMode", "Trans1", "Trans2"),
        columns(cols, *("-" * n for n in (4, 5, 10, 5, 6, 6, 8, 4, 8, 6, 6))),
    ]
    kinds = [(vid, "enet", "-") for vid in sorted(view.config.vlans)]
    kinds += [(vid, kind, {1004: "ieee", 1005: "ibm"}.get(vid, "-")) for vid, _, kind in RESERVED]
    lines += [columns(cols, vid, kind, 100000 + vid, 1500, "-", "-", "-", stp, "-", 0, 0) for vid, kind, stp in kinds]
    lines += [
        "",
        "Remote SPAN VLANs",
        "-" * 78,
        "",
        "",
        "Primary Secondary Type              Ports",
        "------- --------- ----------------- ------------------------------------------",
        "",
    ]
    return "\n".join(lines)


def logging(view: SwitchView) -> str:
    """``show logging``: the settings, then the buffer, oldest first."""
    n = len(view.logs)
    return "\n".join(
        [
            "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, "
            "xml disabled, filtering disabled)",
            "",
            "No Active Message Discriminator.",
            "",
            "",
            "No Inactive Message Discriminator.",
            "",
            "",
            f"    Console logging: level debugging, {n} messages logged, xml disabled,",
            "                     filtering disabled",
            "    Monitor logging: level debugging, 0 messages logged, xml disabled,",
            "                     filtering disabled",
            f"    Buffer logging:  level debugging, {n} messages logged, xml disabled,",
            "                    filtering disabled",
            "    Exception Logging: size (4096 bytes)",
            "    Count and timestamp logging messages: disabled",
            "    Persistent logging: disabled",
            "",
            "No active filter modules.",
            "",
            f"    Trap logging: level informational, {sum(e.severity <= 6 for e in view.logs)} message lines logged",
            "        Logging Source-Interface:       VRF Name:",
            "",
            "Log Buffer (8192 bytes):",
            "",
            *(entry.line() for entry in view.logs),
        ]
    )


def clock(view: SwitchView) -> str:
    """``show clock``: the star says the time is not set by NTP."""
    hms, _, rest = stamp(view).partition(" ")
    return f"*{hms}.{view.now.microsecond // 1000:03d} {rest}"


def users(view: SwitchView) -> str:
    """``show users``: one line per session, ``*`` before the one that asks."""
    widths = (15, 11, 21)
    lines = [columns(widths, "    Line", "User", "Host(s)", "Idle       Location")]
    for s in view.sessions:
        kind, _, number = s.line.partition(" ")
        absolute = int(number or 0) + (1 if kind == "vty" else 0)  # the console is line 0, vty N is line N+1
        line = f"{'*' if s.current else ' '}{absolute:>3} {s.line}"
        lines.append(columns(widths, line, s.user, "idle", f"{hms(s.idle)} {s.host}"))
    return "\n".join([*lines, "", "  Interface    User               Mode         Idle     Peer Address", ""])

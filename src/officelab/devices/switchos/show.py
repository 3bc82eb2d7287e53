"""The ``show`` commands of the switch: text laid out as Cisco IOS prints it, from a `SwitchView`.

Every renderer is pure (it reads the view only) and returns the lines joined by ``\\n``. The layouts are the ones
the ntc-templates ``cisco_ios`` TextFSM templates parse, so that Netmiko/NAPALM/Ansible scripts written against real
Catalysts work here unchanged (tests/devices/switchos/test_show.py parses every one of them).

The module is longer than 400 lines because IOS's outputs carry much fixed text (``show version``, ``show
logging``, ``show interfaces``), kept here beside the values it frames.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, timedelta

from officelab.devices.switchos.config import VERSION, InterfaceConfig, header, render, sorted_ports, vlan_list
from officelab.devices.switchos.state import Counters, MacEntry, SecureState, SwitchView

NVRAM_BYTES = 524288
MEDIA = "10/100/1000BaseTX"
_RESERVED = (
    (1002, "fddi-default", "fddi"),
    (1003, "token-ring-default", "tr"),
    (1004, "fddinet-default", "fdnet"),
    (1005, "trnet-default", "trnet"),
)
_PORTS_WIDTH = 31
"""Width of ``show vlan``'s Ports column (its dashes): IOS wraps the list to fit it."""


# --- shared helpers ---------------------------------------------------------------------------------------------


def _row(widths: Sequence[int], *values: object) -> str:
    """A table line: each value left-aligned in its width, always followed by one space (a long value pushes the
    next columns rather than touching them, as IOS does); values past ``widths`` are appended as they are."""
    cells = [str(v).ljust(w - 1) + " " for w, v in zip(widths, values, strict=False)]
    return ("".join(cells) + " ".join(str(v) for v in values[len(widths) :])).rstrip()


def _cfg(view: SwitchView, name: str) -> InterfaceConfig:
    return view.config.interfaces.get(name) or InterfaceConfig(name)


def _ports(view: SwitchView) -> list[str]:
    return sorted_ports(view.ports)


def _svi_vid(name: str) -> int | None:
    """``Vlan99`` / ``vlan 99`` → 99."""
    m = re.fullmatch(r"(?i)vlan\s*(\d+)", name.strip())
    return int(m.group(1)) if m else None


def _port(view: SwitchView, name: str) -> str:
    """The port a typed name designates (case-insensitive); KeyError when there is none."""
    for port in view.ports:
        if port.lower() == name.strip().lower():
            return port
    raise KeyError(name)


def _colon_mac(mac: str) -> str:
    """``0011.2233.4455`` → ``00:11:22:33:44:55`` (``show version`` writes the base address this way)."""
    digits = re.sub(r"[^0-9a-fA-F]", "", mac).lower()
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _uptime(seconds: float) -> str:
    """``1 year, 2 weeks, 1 day, 2 hours, 3 minutes``: zero parts left out, minutes always there."""
    minutes = int(seconds) // 60
    parts: list[str] = []
    for word, size in (("year", 525600), ("week", 10080), ("day", 1440), ("hour", 60)):
        if minutes >= size:
            parts.append(_plural(minutes // size, word))
            minutes %= size
    return ", ".join([*parts, _plural(minutes, "minute")])


def _hms(seconds: float) -> str:
    """A time elapsed as IOS writes it: ``00:05:12``, past a day ``1d02h``, past a week ``2w3d``."""
    s = int(seconds)
    if s < 86400:
        return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 86400}d{s // 3600 % 24:02d}h" if s < 604800 else f"{s // 604800}w{s // 86400 % 7}d"


def _stamp(view: SwitchView, seconds_ago: float = 0.0) -> str:
    """``10:21:04 UTC Tue Dec 1 2026`` (``show clock``'s layout, without milliseconds)."""
    when = view.now - timedelta(seconds=seconds_ago)
    if when.tzinfo is not None and not (when.tzname() or "").isalpha():
        when = when.astimezone(UTC)  # an offset without a name ("UTC+01:00"): IOS shows a zone name
    zone = when.tzname() or "UTC"
    return f"{when:%H:%M:%S} {zone} {when:%a %b} {when.day} {when.year}"


def _status_words(link: str) -> tuple[str, str]:
    """IOS's ``<line> is X, line protocol is Y`` for a port's state."""
    if link == "connected":
        return "up", "up"
    return ("administratively down" if link == "disabled" else "down"), "down"


# --- version and configuration ----------------------------------------------------------------------------------


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
            f"{view.config.hostname} uptime is {_uptime(view.uptime)}",
            f"System returned to ROM by {view.reload_reason}",
            f"System restarted at {_stamp(view, view.uptime)}",
            f'System image file is "flash:/{file}"',
            "",
            f"cisco {view.model} (APM86XXX) processor (revision B0) with 524288K bytes of memory.",
            f"Processor board ID {view.serial}",
            f"Last reset from {view.reload_reason}",
            _plural(max(1, len(view.config.svis)), "Virtual Ethernet interface"),
            _plural(len(view.ports), "Gigabit Ethernet interface"),
            "The password-recovery mechanism is enabled.",
            "",
            f"{NVRAM_BYTES // 1024}K bytes of flash-simulated non-volatile configuration memory.",
            f"Base ethernet MAC Address       : {_colon_mac(view.base_mac)}",
            "Motherboard assembly number     : 73-15800-08",
            "Model revision number           : B0",
            f"Model number                    : {view.model}",
            f"System serial number            : {view.serial}",
            "",
            "Switch Ports Model                     SW Version            SW Image",
            "------ ----- -----                     ----------            ----------",
            _row((7, 6, 26, 22), "*    1", len(view.ports), view.model, VERSION, image),
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


def _wrap(items: list[str], width: int = _PORTS_WIDTH) -> list[str]:
    """Items joined by ``, ``, each line holding as many as fit in ``width`` columns."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 2 + len(item) <= width:
            lines[-1] += ", " + item
        else:
            lines.append(item)
    return lines or [""]


def vlan(view: SwitchView, brief: bool) -> str:
    """``show vlan`` / ``show vlan brief``: each VLAN with its access ports (trunks are not listed, as in IOS)."""
    widths = (5, 33, 10)
    lines = ["", _row(widths, "VLAN", "Name", "Status", "Ports"), _row(widths, "----", "-" * 32, "-" * 9, "-" * 31)]
    for vid in sorted(view.config.vlans):
        members = [p for p in _ports(view) if _cfg(view, p).mode == "access" and _cfg(view, p).access_vlan == vid]
        first, *more = _wrap(members)
        lines.append(_row(widths, vid, view.config.vlans[vid][:32], "active", first))
        lines += [" " * sum(widths) + rest for rest in more]
    lines += [_row(widths, vid, name, "act/unsup") for vid, name, _ in _RESERVED]
    if brief:
        return "\n".join(lines)
    cols = (5, 6, 11, 6, 7, 7, 9, 5, 9, 7)
    lines += [
        "",
        _row(cols, "VLAN", "Type", "SAID", "MTU", "Parent", "RingNo", "BridgeNo", "Stp", "BrdgMode", "Trans1", "Trans2"),
        _row(cols, *("-" * n for n in (4, 5, 10, 5, 6, 6, 8, 4, 8, 6, 6))),
    ]
    kinds = [(vid, "enet", "-") for vid in sorted(view.config.vlans)]
    kinds += [(vid, kind, {1004: "ieee", 1005: "ibm"}.get(vid, "-")) for vid, _, kind in _RESERVED]
    lines += [_row(cols, vid, kind, 100000 + vid, 1500, "-", "-", "-", stp, "-", 0, 0) for vid, kind, stp in kinds]
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


def _allowed(port: InterfaceConfig) -> list[int]:
    return list(range(1, 4095)) if port.trunk_allowed is None else sorted(port.trunk_allowed)


def interfaces_trunk(view: SwitchView) -> str:
    """``show interfaces trunk``: the operational trunks only (a trunk port whose link is down is not listed)."""
    trunks = [p for p in _ports(view) if _cfg(view, p).mode == "trunk" and view.ports[p].link == "connected"]
    if not trunks:
        return ""
    widths = (12, 17, 15, 14)
    lines = ["", _row(widths, "Port", "Mode", "Encapsulation", "Status", "Native vlan")]
    lines += [_row(widths, p, "on", "802.1q", "trunking", _cfg(view, p).native_vlan) for p in trunks]
    active = {p: [v for v in _allowed(_cfg(view, p)) if v in view.config.vlans] for p in trunks}
    sections = (
        ("Vlans allowed on trunk", {p: _allowed(_cfg(view, p)) for p in trunks}),
        ("Vlans allowed and active in management domain", active),
        ("Vlans in spanning tree forwarding state and not pruned", active),  # no STP blocking, no VTP pruning here
    )
    for title, vids in sections:
        lines += ["", _row((12,), "Port", title), *(_row((12,), p, vlan_list(vids[p]) or "none") for p in trunks)]
    return "\n".join([*lines, ""])


def _vlan_words(view: SwitchView, vid: int) -> str:
    """``10 (users)``, or ``60 (Inactive)`` for a VLAN that does not exist."""
    return f"{vid} ({view.config.vlans[vid]})" if vid in view.config.vlans else f"{vid} (Inactive)"


def _wrapped_list(head: str, text: str, width: int = 80) -> list[str]:
    """``head`` and a comma-separated list, cut after a comma when a line would pass ``width`` (the comma
    included), the rest on lines indented by five spaces: how IOS writes a long ``Trunking VLANs Enabled``."""
    first, *items = text.split(",")
    lines = [head + first]
    for item in items:
        if len(lines[-1]) + len(item) + 2 <= width:
            lines[-1] += "," + item
        else:
            lines[-1] += ","
            lines.append("     " + item)
    return lines


_PRIVATE_VLAN = [
    "Administrative private-vlan host-association: none",
    "Administrative private-vlan mapping: none",
    "Administrative private-vlan trunk native VLAN: none",
    "Administrative private-vlan trunk Native VLAN tagging: enabled",
    "Administrative private-vlan trunk encapsulation: dot1q",
    "Administrative private-vlan trunk normal VLANs: none",
    "Administrative private-vlan trunk associations: none",
    "Administrative private-vlan trunk mappings: none",
    "Operational private-vlan: none",
]


def _switchport_block(view: SwitchView, name: str) -> list[str]:
    cfg, up = _cfg(view, name), view.ports[name].link == "connected"
    trunk = cfg.mode == "trunk"
    admin = "trunk" if trunk else "static access"
    allowed = "ALL" if cfg.trunk_allowed is None else vlan_list(cfg.trunk_allowed) or "NONE"
    return [
        f"Name: {name}",
        "Switchport: Enabled",
        f"Administrative Mode: {admin}",
        f"Operational Mode: {admin if up else 'down'}",  # a port that is not up has no operational mode
        "Administrative Trunking Encapsulation: dot1q",
        *([f"Operational Trunking Encapsulation: {'dot1q' if trunk else 'native'}"] if up else []),
        "Negotiation of Trunking: Off",
        f"Access Mode VLAN: {_vlan_words(view, cfg.access_vlan)}",
        f"Trunking Native Mode VLAN: {_vlan_words(view, cfg.native_vlan)}",
        "Administrative Native VLAN tagging: enabled",
        "Voice VLAN: none",
        *_PRIVATE_VLAN,
        *_wrapped_list("Trunking VLANs Enabled: ", allowed),
        "Pruning VLANs Enabled: 2-1001",
        "Capture Mode Disabled",
        "Capture VLANs Allowed: ALL",
        "",
        "Protected: false",
        "Unknown unicast blocked: disabled",
        "Unknown multicast blocked: disabled",
        "Appliance trust: none",
    ]


def interfaces_switchport(view: SwitchView, name: str | None = None) -> str:
    """``show interfaces [X] switchport``: each port's administrative and operational VLAN settings, a blank line
    after each port. KeyError for an unknown port."""
    names = _ports(view) if name is None else [_port(view, name)]
    return "\n".join(line for port in names for line in [*_switchport_block(view, port), ""])


# --- interfaces -------------------------------------------------------------------------------------------------


def interfaces_status(view: SwitchView, only_err_disabled: bool = False) -> str:
    """``show interfaces status`` (or ``… err-disabled``, with the reason instead of the VLAN and speed)."""
    widths = (10, 19, 13)
    if only_err_disabled:
        lines = ["", _row((*widths, 21), "Port", "Name", "Status", "Reason", "Err-disabled Vlans")]
        for p in _ports(view):
            if view.ports[p].link == "err-disabled":
                lines.append(_row(widths, p, _cfg(view, p).description[:18], "err-disabled", view.ports[p].err_reason or "unknown"))
        return "\n".join(lines)
    lines = ["", _row((*widths, 11), "Port", "Name", "Status", "Vlan", "Duplex  Speed Type")]
    for p in _ports(view):
        cfg, link = _cfg(view, p), view.ports[p].link
        duplex, speed = ("a-full", "a-1000") if link == "connected" else ("auto", "auto")
        vid = "trunk" if cfg.mode == "trunk" else cfg.access_vlan
        lines.append(_row((*widths, 11), p, cfg.description[:18], link, vid, f"{duplex:>6} {speed:>6} {MEDIA}"))
    return "\n".join(lines)


def _interface_lines(head: str, hardware: str, mac: str, details: list[str], c: Counters, physical: bool) -> list[str]:
    """``show interfaces`` for one interface: ``details`` go between the address and the counters."""
    ports_only = [
        f"     0 watchdog, {c.multicast} multicast, 0 pause input",
        "     0 input packets with dribble condition detected",
    ]
    return [
        head,
        f"  Hardware is {hardware}, address is {mac} (bia {mac})",
        *details,
        '  Last clearing of "show interface" counters never',
        f"  Input queue: 0/75/{c.rx_dropped}/0 (size/max/drops/flushes); Total output drops: {c.tx_dropped}",
        "  Queueing strategy: fifo",
        "  Output queue: 0/40 (size/max)",
        "  5 minute input rate 0 bits/sec, 0 packets/sec",
        "  5 minute output rate 0 bits/sec, 0 packets/sec",
        f"     {c.rx_packets} packets input, {c.rx_bytes} bytes, 0 no buffer",
        f"     Received 0 broadcasts ({c.multicast} {'' if physical else 'IP '}multicasts)",
        "     0 runts, 0 giants, 0 throttles",
        f"     {c.rx_errors} input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
        *(ports_only if physical else []),
        f"     {c.tx_packets} packets output, {c.tx_bytes} bytes, 0 underruns",
        f"     {c.tx_errors} output errors, {f'{c.collisions} collisions, ' if physical else ''}0 interface resets",
        "     0 unknown protocol drops",
        *(["     0 babbles, 0 late collision, 0 deferred", "     0 lost carrier, 0 no carrier, 0 pause output"] if physical else []),
        "     0 output buffer failures, 0 output buffers swapped out",
    ]


def _mtu_lines(mtu: int, bw: str, dly: str) -> list[str]:
    return [
        f"  MTU {mtu} bytes, BW {bw} Kbit/sec, DLY {dly} usec, ",
        "     reliability 255/255, txload 1/255, rxload 1/255",
        "  Encapsulation ARPA, loopback not set",
    ]


def _port_block(view: SwitchView, name: str) -> list[str]:
    status, cfg = view.ports[name], _cfg(view, name)
    line, proto = _status_words(status.link)
    up, c = status.link == "connected", status.counters
    # Traffic flows on a connected port; a port that is down last saw some when its link went down.
    seen = [("00:00:00" if up else _hms(status.last_change)) if n else "never" for n in (c.rx_packets, c.tx_packets)]
    details = [
        *([f"  Description: {cfg.description}"] if cfg.description else []),
        *_mtu_lines(status.mtu, *(("1000000", "10") if up else ("10000", "1000"))),  # a port down reports its lowest speed
        "  Keepalive set (10 sec)",
        f"  {'Full-duplex, 1000Mb/s' if up else 'Auto-duplex, Auto-speed'}, media type is {MEDIA}",
        "  input flow-control is off, output flow-control is unsupported",
        "  ARP type: ARPA, ARP Timeout 04:00:00",
        f"  Last input {seen[0]}, output {seen[1]}, output hang never",
    ]
    head = f"{name} is {line}, line protocol is {proto} ({status.link})"
    return _interface_lines(head, "Gigabit Ethernet", status.mac, details, c, physical=True)


def _svi_words(view: SwitchView, vid: int) -> tuple[str, str]:
    if view.config.svis[vid].shutdown:
        return "administratively down", "down"
    return "up", "up" if view.svi_up else "down"


def _svi_block(view: SwitchView, vid: int) -> list[str]:
    svi = view.config.svis[vid]
    details = [
        *([f"  Internet address is {svi.address}"] if svi.address else []),
        *_mtu_lines(1500, "1000000", "10"),
        "  Keepalive not supported",
        "  ARP type: ARPA, ARP Timeout 04:00:00",
        "  Last input never, output never, output hang never",
    ]
    line, proto = _svi_words(view, vid)
    head = f"Vlan{vid} is {line}, line protocol is {proto}"
    return _interface_lines(head, "EtherSVI", view.svi_mac or view.base_mac, details, Counters(), physical=False)


def interfaces(view: SwitchView, name: str | None = None) -> str:
    """``show interfaces [X]``: the SVIs, then the ports (IOS's order). KeyError for an unknown interface."""
    vid = _svi_vid(name) if name else None
    if name is None:
        blocks = [_svi_block(view, v) for v in sorted(view.config.svis)] + [_port_block(view, p) for p in _ports(view)]
    elif vid is not None:
        if vid not in view.config.svis:
            raise KeyError(name)
        blocks = [_svi_block(view, vid)]
    else:
        blocks = [_port_block(view, _port(view, name))]
    return "\n".join(line for block in blocks for line in block)


def ip_interface_brief(view: SwitchView) -> str:
    """``show ip interface brief``: the SVIs (with the switch's address), then every port."""
    widths = (23, 16, 4, 7, 22)
    lines = [_row(widths, "Interface", "IP-Address", "OK?", "Method", "Status", "Protocol")]
    method = "NVRAM" if view.startup_bytes else "manual"  # an address read from the saved file, else typed
    for vid in sorted(view.config.svis):
        svi = view.config.svis[vid]
        ip = svi.address.partition("/")[0] if svi.address else "unassigned"
        lines.append(_row(widths, f"Vlan{vid}", ip, "YES", method if svi.address else "unset", *_svi_words(view, vid)))
    lines += [_row(widths, p, "unassigned", "YES", "unset", *_status_words(view.ports[p].link)) for p in _ports(view)]
    return "\n".join(lines)


# --- addresses and neighbours -----------------------------------------------------------------------------------


def mac_address_table(view: SwitchView, dynamic_only: bool = False, interface: str | None = None, vlan: int | None = None) -> str:
    """``show mac address-table [dynamic] [interface X] [vlan N]``."""

    def wanted(e: MacEntry) -> bool:
        kind_ok = not dynamic_only or e.kind == "DYNAMIC"
        return kind_ok and (interface is None or e.port.lower() == interface.lower()) and (vlan is None or e.vlan == vlan)

    entries = sorted(filter(wanted, view.macs), key=lambda e: (e.vlan, e.mac))
    widths = (8, 18, 12)
    return "\n".join(
        [
            "          Mac Address Table",
            "-" * 43,
            "",
            _row(widths, "Vlan", "Mac Address", "Type", "Ports"),
            _row(widths, "----", "-----------", "--------", "-----"),
            *(_row(widths, f"{e.vlan:>4}", e.mac, e.kind, e.port) for e in entries),
            f"Total Mac Addresses for this criterion: {len(entries)}",
        ]
    )


# The view holds CDP's letters ("S I", "H P"); LLDP has its own codes: a switch or a trans-bridge (an access point)
# is a Bridge, a host a Station, a phone a Telephone; IGMP has no LLDP code.
_LLDP_CODES = {"R": "R", "S": "B", "T": "B", "B": "B", "H": "S", "P": "T", "r": "P"}


def lldp_neighbors(view: SwitchView) -> str:
    """``show lldp neighbors``: a Device ID longer than its 20 columns is cut there, as IOS does."""
    widths = (20, 15, 11, 16)
    lines = [
        "Capability codes:",
        "    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
        "    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other",
        "",
        _row(widths, "Device ID", "Local Intf", "Hold-time", "Capability", "Port ID"),
    ]
    for n in view.neighbors:
        codes = ",".join(dict.fromkeys(_LLDP_CODES[c] for c in n.capability if c in _LLDP_CODES))
        # The name fills its column exactly, with no space before the local port: that is how IOS prints it.
        lines.append(n.device[:20].ljust(20) + _row(widths[1:], n.local_port, 120, codes, n.remote_port))
    return "\n".join([*lines, "", f"Total entries displayed: {len(view.neighbors)}", ""])


def cdp_neighbors(view: SwitchView) -> str:
    """``show cdp neighbors``: a Device ID longer than 16 characters gets a line of its own, the rest below it."""
    widths = (17, 18, 11)
    lines = [
        "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge",
        "                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone,",
        "                  D - Remote, C - CVTA, M - Two-port Mac Relay",
        "",
        _row(widths, "Device ID", "Local Intrfce", "Holdtme", "Capability  Platform  Port ID"),
    ]
    for n in view.neighbors:
        codes = " ".join(dict.fromkeys(c for c in n.capability if c.isalpha()))
        # IOS shows the platform without its "cisco " prefix, cut to 9 characters.
        platform = re.sub(r"(?i)^cisco\s+", "", n.platform)[:9].rstrip()
        device = n.device
        if len(device) > 16:
            lines.append(device)
            device = ""
        lines.append(_row(widths, device, n.local_port, 150, f"{codes:>9}   {platform:<9} {n.remote_port}"))
    return "\n".join([*lines, "", f"Total cdp entries displayed : {len(view.neighbors)}"])


# --- port security ----------------------------------------------------------------------------------------------


def _secure_counts(view: SwitchView, name: str) -> tuple[int, int, int]:
    """Total, configured and sticky secure addresses of a port."""
    sec = _cfg(view, name).security
    if not sec.enabled:
        return 0, 0, 0
    addresses = view.secure.get(name, SecureState()).addresses
    total = len(set(addresses) | set(sec.macs))
    return total, (0 if sec.sticky else len(sec.macs)), (len(sec.macs) if sec.sticky else 0)


def port_security(view: SwitchView, interface: str | None = None) -> str:
    """``show port-security`` (the ports that have it), or ``show port-security interface X`` (KeyError if unknown)."""
    if interface is None:
        rule = "-" * 75
        lines = [
            "Secure Port  MaxSecureAddr  CurrentAddr  SecurityViolation  Security Action",
            "                (Count)       (Count)          (Count)",
            rule,
        ]
        extra = 0
        for p in _ports(view):
            sec = _cfg(view, p).security
            if sec.enabled:
                total = _secure_counts(view, p)[0]
                extra += max(0, total - 1)
                violations = view.secure.get(p, SecureState()).violations
                lines.append(f"{p:>11}{sec.maximum:>15}{total:>13}{violations:>19}{sec.violation.capitalize():>17}")
        return "\n".join(
            [
                *lines,
                rule,
                f"Total Addresses in System (excluding one mac per port)     : {extra}",
                "Max Addresses limit in System (excluding one mac per port) : 4096",
            ]
        )
    name = _port(view, interface)
    sec, status, state = _cfg(view, name).security, view.ports[name], view.secure.get(name, SecureState())
    if sec.enabled and status.link == "err-disabled" and status.err_reason in ("", "psecure-violation"):
        port_status = "Secure-shutdown"
    else:
        port_status = "Secure-up" if sec.enabled and status.link == "connected" else "Secure-down"
    total, configured, sticky = _secure_counts(view, name)
    fields = [
        ("Port Security", "Enabled" if sec.enabled else "Disabled"),
        ("Port Status", port_status),
        ("Violation Mode", sec.violation.capitalize()),
        ("Aging Time", "0 mins"),
        ("Aging Type", "Absolute"),
        ("SecureStatic Address Aging", "Disabled"),
        ("Maximum MAC Addresses", sec.maximum),
        ("Total MAC Addresses", total),
        ("Configured MAC Addresses", configured),
        ("Sticky MAC Addresses", sticky),
        ("Last Source Address:Vlan", state.last_source or "0000.0000.0000:0"),
        ("Security Violation Count", state.violations),
    ]
    return "\n".join(f"{label:<27}: {value}" for label, value in fields)


# --- system -----------------------------------------------------------------------------------------------------


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
    hms, _, rest = _stamp(view).partition(" ")
    return f"*{hms}.{view.now.microsecond // 1000:03d} {rest}"


def users(view: SwitchView) -> str:
    """``show users``: one line per session, ``*`` before the one that asks."""
    widths = (15, 11, 21)
    lines = [_row(widths, "    Line", "User", "Host(s)", "Idle       Location")]
    for s in view.sessions:
        kind, _, number = s.line.partition(" ")
        absolute = int(number or 0) + (1 if kind == "vty" else 0)  # the console is line 0, vty N is line N+1
        line = f"{'*' if s.current else ' '}{absolute:>3} {s.line}"
        lines.append(_row(widths, line, s.user, "idle", f"{_hms(s.idle)} {s.host}"))
    return "\n".join([*lines, "", "  Interface    User               Mode         Idle     Peer Address", ""])

"""What the ``show`` renderers share: IOS's column rows, port order, MAC and time formats, wrapped lists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, timedelta

from officelab.devices.switchos.config import InterfaceConfig, sorted_ports
from officelab.devices.switchos.state import SwitchView

NVRAM_BYTES = 524288
MEDIA = "10/100/1000BaseTX"
RESERVED = (
    (1002, "fddi-default", "fddi"),
    (1003, "token-ring-default", "tr"),
    (1004, "fddinet-default", "fdnet"),
    (1005, "trnet-default", "trnet"),
)
PORTS_WIDTH = 31
"""Width of ``show vlan``'s Ports column (its dashes): IOS wraps the list to fit it."""


# --- shared helpers ---------------------------------------------------------------------------------------------


def columns(widths: Sequence[int], *values: object) -> str:
    """A table line: each value left-aligned in its width, always followed by one space (a long value pushes the
    next columns rather than touching them, as IOS does); values past ``widths`` are appended as they are."""
    cells = [str(v).ljust(w - 1) + " " for w, v in zip(widths, values, strict=False)]
    return ("".join(cells) + " ".join(str(v) for v in values[len(widths) :])).rstrip()


def config_of(view: SwitchView, name: str) -> InterfaceConfig:
    return view.config.interfaces.get(name) or InterfaceConfig(name)


def port_names(view: SwitchView) -> list[str]:
    return sorted_ports(view.ports)


def svi_vid(name: str) -> int | None:
    """``Vlan99`` / ``vlan 99`` → 99."""
    m = re.fullmatch(r"(?i)vlan\s*(\d+)", name.strip())
    return int(m.group(1)) if m else None


def port_name(view: SwitchView, name: str) -> str:
    """The port a typed name designates (case-insensitive); KeyError when there is none."""
    for port in view.ports:
        if port.lower() == name.strip().lower():
            return port
    raise KeyError(name)


def colon_mac(mac: str) -> str:
    """``0011.2233.4455`` → ``00:11:22:33:44:55`` (``show version`` writes the base address this way)."""
    digits = re.sub(r"[^0-9a-fA-F]", "", mac).lower()
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def uptime_words(seconds: float) -> str:
    """``1 year, 2 weeks, 1 day, 2 hours, 3 minutes``: zero parts left out, minutes always there."""
    minutes = int(seconds) // 60
    parts: list[str] = []
    for word, size in (("year", 525600), ("week", 10080), ("day", 1440), ("hour", 60)):
        if minutes >= size:
            parts.append(plural(minutes // size, word))
            minutes %= size
    return ", ".join([*parts, plural(minutes, "minute")])


def hms(seconds: float) -> str:
    """A time elapsed as IOS writes it: ``00:05:12``, past a day ``1d02h``, past a week ``2w3d``."""
    s = int(seconds)
    if s < 86400:
        return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 86400}d{s // 3600 % 24:02d}h" if s < 604800 else f"{s // 604800}w{s // 86400 % 7}d"


def stamp(view: SwitchView, seconds_ago: float = 0.0) -> str:
    """``10:21:04 UTC Tue Dec 1 2026`` (``show clock``'s layout, without milliseconds)."""
    when = view.now - timedelta(seconds=seconds_ago)
    if when.tzinfo is not None and not (when.tzname() or "").isalpha():
        when = when.astimezone(UTC)  # an offset without a name ("UTC+01:00"): IOS shows a zone name
    zone = when.tzname() or "UTC"
    return f"{when:%H:%M:%S} {zone} {when:%a %b} {when.day} {when.year}"


def status_words(link: str) -> tuple[str, str]:
    """IOS's ``<line> is X, line protocol is Y`` for a port's state."""
    if link == "connected":
        return "up", "up"
    return ("administratively down" if link == "disabled" else "down"), "down"


# --- version and configuration ----------------------------------------------------------------------------------


def wrap_list(items: list[str], width: int = PORTS_WIDTH) -> list[str]:
    """Items joined by ``, ``, each line holding as many as fit in ``width`` columns."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 2 + len(item) <= width:
            lines[-1] += ", " + item
        else:
            lines.append(item)
    return lines or [""]

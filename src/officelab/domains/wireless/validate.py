"""Validation of the ``wireless:`` section: each station named is cabled to a secured SSID's port."""

from __future__ import annotations

from officelab.domains.wireless.facts import stations
from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    if v.site.wireless is None:
        return
    on_ssid = {s.node for s in stations(v.site, v.topo)}
    seen: set[str] = set()
    for k, entry in enumerate(v.site.wireless.stations):
        path: tuple[str | int, ...] = ("wireless", "stations", k)
        if entry.node not in on_ssid:
            v.add(
                (*path, "node"),
                f"{entry.node!r} is not cabled to a WPA2-PSK or WPA3-SAE SSID's port of an access point",
                f"stations on a secured SSID: {', '.join(sorted(on_ssid)) or 'none'}",
            )
        if entry.node in seen:
            v.add((*path, "node"), f"station {entry.node!r} is listed twice", "one entry per station")
        seen.add(entry.node)
        if entry.passphrase and len(entry.passphrase) < 8:
            v.add((*path, "passphrase"), "a WPA2 passphrase has 8 to 63 characters", "give 8 characters or more, or none")

"""Validation of Wi-Fi admission: each station named is cabled to a secured SSID's port with the credentials its
SSID's security takes, and a WPA2-Enterprise SSID has its RADIUS server on the domain controller and its users."""

from __future__ import annotations

from officelab.domains.wireless.facts import enterprise, radius_server, secured_ssids, stations
from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    _stations(v)
    _enterprise(v)


def _stations(v: Validation) -> None:
    if v.site.wireless is None:
        return
    found = {s.node: s for s in stations(v.site, v.topo)}
    logins = {u.login for u in v.site.directory.users} if v.site.directory else set()
    seen: set[str] = set()
    for k, entry in enumerate(v.site.wireless.stations):
        path: tuple[str | int, ...] = ("wireless", "stations", k)
        st = found.get(entry.node)
        if st is None:
            v.add(
                (*path, "node"),
                f"{entry.node!r} is not cabled to a secured SSID's port of an access point",
                f"stations on a secured SSID: {', '.join(sorted(found)) or 'none'}",
            )
        if entry.node in seen:
            v.add((*path, "node"), f"station {entry.node!r} is listed twice", "one entry per station")
        seen.add(entry.node)
        if entry.passphrase and len(entry.passphrase) < 8:
            v.add((*path, "passphrase"), "a WPA2 passphrase has 8 to 63 characters", "give 8 characters or more, or none")
        if st is None:
            continue
        if enterprise(st.ssid):
            if entry.passphrase:
                v.add(
                    (*path, "passphrase"),
                    f"SSID {st.ssid.name} is WPA2-Enterprise: a station logs in as a user",
                    "give `user` (and `password`)",
                )
            if entry.user is not None and entry.user not in logins:
                v.add((*path, "user"), f"unknown user {entry.user!r}", f"users of the directory: {', '.join(sorted(logins)) or 'none'}")
        else:
            for name in ("user", "password"):
                if getattr(entry, name):
                    v.add(
                        (*path, name),
                        f"SSID {st.ssid.name} is {st.ssid.security}: `{name}` is for WPA2-Enterprise",
                        "give `passphrase`, or none",
                    )


def _enterprise(v: Validation) -> None:
    site = v.site
    radius = site.wireless.radius if site.wireless else None
    places = [
        (st, (("nodes", i, "cli", "ssids", j)))
        for i, node in enumerate(site.nodes)
        for j, st in enumerate(node.cli.ssids if node.cli else [])
        if enterprise(st) and st in secured_ssids(node)
    ]
    if not places:
        if radius is not None:
            v.add(
                ("wireless", "radius"),
                "`wireless.radius` serves WPA2-Enterprise SSIDs: the site has none",
                "remove it, or give an SSID `security: wpa2-enterprise`",
            )
        return
    ssid, where = places[0]
    if site.directory is None:
        v.add(
            (*where, "security"),
            f"WPA2-Enterprise SSID {ssid.name} needs the site's `directory`",
            "FreeRADIUS checks the directory's users: add `directory:`",
        )
    if radius is None:
        v.add(
            (*where, "security"),
            f"WPA2-Enterprise SSID {ssid.name} needs a RADIUS server",
            "add `wireless: {radius: {secret: <8+ characters>}}`",
        )
    elif site.directory is not None and radius_server(site) != site.directory.controller:
        v.add(
            ("wireless", "radius", "server"),
            f"FreeRADIUS must run on the domain controller ({site.directory.controller}), not {radius.server}",
            "its ntlm_auth asks the controller's winbind: remove `server`, or name the controller",
        )
    users = {st.node: st for st in stations(site, v.topo) if enterprise(st.ssid)}
    given = {e.node for e in (site.wireless.stations if site.wireless else []) if e.user}
    for node in sorted(set(users) - given):
        v.add(
            ("wireless", "stations") if site.wireless else (*where, "security"),
            f"station {node} of WPA2-Enterprise SSID {users[node].ssid.name} has no user to log in as",
            f"add `- {{node: {node}, user: <a login of the directory>}}` under `wireless.stations`",
        )

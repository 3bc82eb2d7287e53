"""What follows from the site file alone: the secured SSIDs, their ports and stations, and the key each one uses.

WPA2-Personal is emulated by EAP-PSK (RFC 4764) keyed as WPA2 keys itself: the PSK is
PBKDF2-HMAC-SHA1(passphrase, SSID, 4096 iterations), of which EAP-PSK takes the first 16 bytes. WPA3-Personal (SAE,
a dragonfly key exchange on the passphrase) is emulated by EAP-pwd (RFC 5931), the same dragonfly exchange in EAP.
WPA2-Enterprise is itself 802.1X: PEAP-MSCHAPv2 relayed by the authenticator to FreeRADIUS, which asks the domain
controller (``ntlm_auth``) whether the user's answer is right.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from officelab.domains.switchcli.model import Ssid
from officelab.site.model import Node, NodeKind, Site
from officelab.site.topology import Topology, fixed_address

TABLE = "wifi"
"""The nftables netdev table of an access point that holds each secured port's authorised MACs."""
ADMITTED = "suppPortStatus=Authorized"
"""What ``wpa_cli status`` says of an admitted station."""
AUTHORISED = "flags=[AUTHORIZED]"
"""What ``hostapd_cli sta MAC`` says of a station it admitted."""
RADIUS_PORT = 1812
RADIUS_DIR = "radius"
"""FreeRADIUS's configuration directory, under the server node's directory."""
CA = "/run/officelab/site-ca.pem"
"""The lab's CA as a node sees it: a PEAP supplicant checks the RADIUS server's certificate by it."""


@dataclass(frozen=True)
class Station:
    """A node on an SSID: its interface cabled to the SSID's port of the access point."""

    node: str
    ifname: str
    ap: str
    ssid: Ssid
    passphrase: str
    """What it types: the SSID's passphrase (Personal), or its user's password (Enterprise)."""
    mac: str
    user: str = ""
    """WPA2-Enterprise: the directory's login it uses."""
    expected: str = ""
    """What the authenticator admits: the SSID's passphrase, or the user's password in the directory (none for a
    disabled or unknown user)."""

    @property
    def identity(self) -> str:
        """EAP's identity: the SSID's name for the Personal stand-ins, the user's login for PEAP."""
        return self.user if enterprise(self.ssid) else self.ssid.name

    @property
    def admitted_by_ssid(self) -> bool:
        """Does it hold what the authenticator admits?"""
        return bool(self.expected) and self.passphrase == self.expected


def secured(ssid: Ssid) -> bool:
    """Is this SSID admitted by an authenticator (every SSID but an open one)?"""
    return ssid.security != "open"


def enterprise(ssid: Ssid) -> bool:
    return ssid.security == "wpa2-enterprise"


def method(ssid: Ssid) -> Literal["PSK", "PWD", "PEAP"]:
    """The EAP method of the SSID's security (or standing in for it)."""
    return {"wpa3-sae": "PWD", "wpa2-enterprise": "PEAP"}.get(ssid.security, "PSK")  # type: ignore[return-value]


def eap_password(passphrase: str, ssid: Ssid) -> str:
    """What the supplicant's ``password=`` holds: EAP-PSK's key in hex, or the passphrase (password), quoted."""
    return psk_key(passphrase, ssid.name) if method(ssid) == "PSK" else f'"{passphrase}"'


def psk_key(passphrase: str, ssid: str) -> str:
    """The EAP-PSK key of a passphrase on an SSID, in hex: WPA2's PMK (PBKDF2-HMAC-SHA1, 4096) cut to 16 bytes."""
    return hashlib.pbkdf2_hmac("sha1", passphrase.encode(), ssid.encode(), 4096, 32)[:16].hex()


def wrong_key(st: Station) -> str:
    """A ``password=`` the authenticator must refuse: that of another passphrase (password)."""
    return eap_password((st.expected or st.passphrase) + "-wrong", st.ssid)


def nft_name(port: str) -> str:
    """A port's name as an nftables identifier (no dash)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", port)


def access_points(site: Site) -> list[Node]:
    return [n for n in site.nodes if n.kind is NodeKind.ACCESS_POINT and n.cli is not None and n.cli.ssids]


def secured_ssids(node: Node) -> list[Ssid]:
    return [s for s in node.cli.ssids if secured(s)] if node.cli is not None else []


def stations(site: Site, topo: Topology | None = None) -> list[Station]:
    """Every node cabled to a secured SSID's port, with the passphrase it is given."""
    topo = topo or Topology(site)
    given = {s.node: s for s in (site.wireless.stations if site.wireless else [])}
    users = {u.login: u for u in (site.directory.users if site.directory else [])}
    found = []
    for ap in access_points(site):
        for ssid in secured_ssids(ap):
            peer = topo.peers.get((ap.name, ssid.port))
            if peer is None:
                continue
            node, ifname = peer
            entry, mac = given.get(node), topo.mac(node, ifname)
            if not enterprise(ssid):
                typed = entry.passphrase if entry and entry.passphrase else ssid.passphrase
                found.append(Station(node, ifname, ap.name, ssid, typed, mac, expected=ssid.passphrase))
                continue
            login = entry.user if entry and entry.user else ""
            user = users.get(login)
            right = user.password if user is not None and user.enabled else ""
            typed = entry.password if entry and entry.password else (user.password if user else "")
            found.append(Station(node, ifname, ap.name, ssid, typed, mac, user=login, expected=right))
    return found


def station(site: Site, node: str) -> Station | None:
    return next((s for s in stations(site) if s.node == node), None)


def radius_server(site: Site) -> str | None:
    """The node FreeRADIUS runs on (the directory's controller unless the site names another), if the site has a
    WPA2-Enterprise SSID."""
    if not any(enterprise(s) for ap in access_points(site) for s in secured_ssids(ap)):
        return None
    named = site.wireless.radius.server if site.wireless and site.wireless.radius else None
    return named or (site.directory.controller if site.directory else None)


def radius_secret(site: Site) -> str:
    return site.wireless.radius.secret if site.wireless and site.wireless.radius else ""


def radius_name(site: Site) -> str:
    """The name on the RADIUS server's certificate (a PEAP supplicant insists on it)."""
    return f"radius.{site.site.domain}"


def radius_address(site: Site) -> str:
    server = radius_server(site)
    node = next((n for n in site.nodes if n.name == server), None)
    address = fixed_address(node) if node is not None else None
    return str(address) if address is not None else ""


def management_address(ap: Node) -> str:
    """The access point's own address: the source of its RADIUS requests (the server knows its clients by it)."""
    return str(ap.management.address.ip) if ap.management is not None else ""


def enterprise_aps(site: Site) -> list[Node]:
    return [ap for ap in access_points(site) if any(enterprise(s) for s in secured_ssids(ap))]


def disabled_users(site: Site) -> list[str]:
    return [u.login for u in site.directory.users if not u.enabled] if site.directory else []

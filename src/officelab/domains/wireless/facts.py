"""What follows from the site file alone: the secured SSIDs, their ports and stations, and the key each one uses.

WPA2-Personal is emulated by EAP-PSK (RFC 4764) keyed as WPA2 keys itself: the PSK is
PBKDF2-HMAC-SHA1(passphrase, SSID, 4096 iterations), of which EAP-PSK takes the first 16 bytes. WPA3-Personal (SAE,
a dragonfly key exchange on the passphrase) is emulated by EAP-pwd (RFC 5931), the same dragonfly exchange in EAP.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from officelab.domains.switchcli.model import Ssid
from officelab.site.model import Node, NodeKind, Site
from officelab.site.topology import Topology

TABLE = "wifi"
"""The nftables netdev table of an access point that holds each secured port's authorised MACs."""
ADMITTED = "suppPortStatus=Authorized"
"""What ``wpa_cli status`` says of an admitted station."""
AUTHORISED = "flags=[AUTHORIZED]"
"""What ``hostapd_cli sta MAC`` says of a station it admitted."""


@dataclass(frozen=True)
class Station:
    """A node on an SSID: its interface cabled to the SSID's port of the access point."""

    node: str
    ifname: str
    ap: str
    ssid: Ssid
    passphrase: str
    mac: str

    @property
    def admitted_by_ssid(self) -> bool:
        """Does it hold the SSID's passphrase (so the authenticator must admit it)?"""
        return self.passphrase == self.ssid.passphrase


def secured(ssid: Ssid) -> bool:
    """Is this SSID admitted by an authenticator (this emulation builds WPA2- and WPA3-Personal)?"""
    return ssid.security in ("wpa2-psk", "wpa3-sae")


def method(ssid: Ssid) -> Literal["PSK", "PWD"]:
    """The EAP method standing in for the SSID's security."""
    return "PWD" if ssid.security == "wpa3-sae" else "PSK"


def eap_password(passphrase: str, ssid: Ssid) -> str:
    """What the supplicant's ``password=`` holds: EAP-PSK's key in hex, or EAP-pwd's passphrase, quoted."""
    return psk_key(passphrase, ssid.name) if method(ssid) == "PSK" else f'"{passphrase}"'


def psk_key(passphrase: str, ssid: str) -> str:
    """The EAP-PSK key of a passphrase on an SSID, in hex: WPA2's PMK (PBKDF2-HMAC-SHA1, 4096) cut to 16 bytes."""
    return hashlib.pbkdf2_hmac("sha1", passphrase.encode(), ssid.encode(), 4096, 32)[:16].hex()


def wrong_key(ssid: Ssid) -> str:
    """A ``password=`` the authenticator must refuse: that of another passphrase."""
    return eap_password(ssid.passphrase + "-wrong", ssid)


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
    given = {s.node: s.passphrase for s in (site.wireless.stations if site.wireless else [])}
    found = []
    for ap in access_points(site):
        for ssid in secured_ssids(ap):
            peer = topo.peers.get((ap.name, ssid.port))
            if peer is None:
                continue
            node, ifname = peer
            found.append(Station(node, ifname, ap.name, ssid, given.get(node) or ssid.passphrase, topo.mac(node, ifname)))
    return found


def station(site: Site, node: str) -> Station | None:
    return next((s for s in stations(site) if s.node == node), None)

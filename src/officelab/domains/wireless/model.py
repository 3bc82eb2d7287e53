"""The ``wireless:`` section of the site file (the stations' own credentials) and the probe of an admission."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from officelab.core.model import Model, NodeName
from officelab.core.probe import ProbeSpecBase


class WifiStation(Model):
    """A station whose credentials are not the SSID's: a technician typed another passphrase."""

    node: NodeName = Field(description="a node cabled (as its Wi-Fi interface) to an access point's SSID port")
    passphrase: str = Field(default="", max_length=63, pattern=r"^\S*$", description="none: the SSID's own passphrase")


class Wireless(Model):
    """What the stations of the site's SSIDs are given (by default, each SSID's passphrase)."""

    stations: list[WifiStation] = Field(default_factory=list)


class WifiAuthProbe(ProbeSpecBase):
    """A throw-away supplicant (wpa_supplicant, wired 802.1X) from a fresh MAC beside the station's own interface:
    admitted or refused by the SSID's authenticator (the station's own session is not touched)."""

    kind: Literal["wifi-auth"] = "wifi-auth"
    ifname: str = Field(description="the station's Wi-Fi interface (the probe's frames leave and arrive through it)")
    method: Literal["PSK", "PWD"] = "PSK"
    identity: str
    password: str = Field(description="as in wpa_supplicant.conf: EAP-PSK's 16-byte key in hex, EAP-pwd's passphrase quoted")
    outcome: Literal["admitted", "refused"] = Field(description="what the authenticator must answer")
    timeout: float = 12.0

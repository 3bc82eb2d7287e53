"""The ``wireless:`` section of the site file (the stations' own credentials, the RADIUS server of WPA2-Enterprise
SSIDs) and the probe of an admission."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from officelab.core.model import Model, NodeName
from officelab.core.probe import ProbeSpecBase
from officelab.domains.directory.model import Login


class WifiStation(Model):
    """A station whose credentials are not the SSID's defaults: a technician typed another passphrase, or the AD
    account a WPA2-Enterprise station logs in with."""

    node: NodeName = Field(description="a node cabled (as its Wi-Fi interface) to an access point's SSID port")
    passphrase: str = Field(default="", max_length=63, pattern=r"^\S*$", description="WPA2/WPA3-Personal; none: the SSID's own")
    user: Login | None = Field(default=None, description="WPA2-Enterprise: the directory's user the station logs in as")
    password: str = Field(default="", max_length=127, pattern=r"^[^\n\"]*$", description="WPA2-Enterprise; none: the user's own")


class RadiusServer(Model):
    """FreeRADIUS for the site's WPA2-Enterprise SSIDs: PEAP-MSCHAPv2, the users checked by the domain controller
    (Samba's ``ntlm_auth``), the access points as its clients."""

    server: NodeName | None = Field(default=None, description="the node it runs on; none: the directory's controller")
    secret: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9._+-]+$", description="the shared secret of the access points")


class Wireless(Model):
    """What the stations of the site's SSIDs are given (by default, each SSID's passphrase), and the RADIUS server."""

    stations: list[WifiStation] = Field(default_factory=list)
    radius: RadiusServer | None = None


class WifiAuthProbe(ProbeSpecBase):
    """A throw-away supplicant (wpa_supplicant, wired 802.1X) from a fresh MAC beside the station's own interface:
    admitted or refused by the SSID's authenticator (the station's own session is not touched)."""

    kind: Literal["wifi-auth"] = "wifi-auth"
    ifname: str = Field(description="the station's Wi-Fi interface (the probe's frames leave and arrive through it)")
    method: Literal["PSK", "PWD", "PEAP"] = "PSK"
    identity: str
    password: str = Field(description="as in wpa_supplicant.conf: EAP-PSK's 16-byte key in hex, a passphrase or password quoted")
    server: str = Field(default="", description="PEAP: the RADIUS server's certificate name the supplicant insists on")
    outcome: Literal["admitted", "refused"] = Field(description="what the authenticator must answer")
    timeout: float = 12.0

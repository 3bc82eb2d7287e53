"""An internet box's own service: the admin page's passwords, the port forwards the site plans, the Wi-Fi settings
and the firmware's identity (the routing, NAT, DHCP and DNS are the box's `firewall`, `dhcp` and `dns` services)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from officelab.core.addressing import Address, Subnet
from officelab.core.model import Model
from officelab.core.probe import ProbeSpecBase
from officelab.domains.firewall.model import PortForward


class BoxWifi(Model):
    """The box's SSID as its page sets it (the radio itself is the `wireless` domain's)."""

    ssid: str = Field(min_length=1, max_length=32)
    key: str = Field(min_length=8, max_length=63, description="WPA2 passphrase, 8 to 63 characters")


class BoxFirmware(Model):
    model: str = "OfficeLab Box 4"
    version: str = "4.2.1"
    serial: str = "OLB4-000001"


class BoxService(Model):
    """The box's admin page on its LAN address (HTTP, port 80), and what the site plans for it.

    ``state: factory``: the box boots as delivered (factory password, none of the planned forwards): the learner
    configures it on the page. ``state: configured`` (default): it boots with the site's password and forwards."""

    factory_password: str = Field(
        min_length=4, description="the password on the box's sticker (as printed: reports mask it like any password)"
    )
    admin_password: str = Field(min_length=8, description="the admin password the site plans (not the factory one)")
    state: Literal["factory", "configured"] = "configured"
    forwards: list[PortForward] = Field(default_factory=list, description="the port forwards the site plans on the box")
    wifi: BoxWifi | None = None
    firmware: BoxFirmware = BoxFirmware()
    remote_admin: bool = Field(default=False, description="the admin page also answers on the WAN address (never wanted)")

    @model_validator(mode="after")
    def _not_factory(self) -> BoxService:
        if self.admin_password == self.factory_password:
            raise ValueError("the planned `admin_password` is the factory password: choose another one")
        names = [f.name for f in self.forwards]
        if len(set(names)) != len(names):
            raise ValueError(f"port forward names must be unique: {', '.join(sorted(n for n in set(names) if names.count(n) > 1))}")
        return self


class BoxLoginProbe(ProbeSpecBase):
    """A login on the box's admin page (``url``) with ``password``: the login page answers, then the password is
    accepted and the session opens the status page (``refused``: the page answers but refuses the password)."""

    kind: Literal["box-login"] = "box-login"
    url: str = Field(pattern=r"^http://")
    password: str
    refused: bool = False
    timeout: float = Field(default=4.0, gt=0, le=60)


class BoxLeaseProbe(ProbeSpecBase):
    """A real DHCP exchange on ``interface``: the box's offer is inside the planned range ``start``–``end``."""

    kind: Literal["box-lease"] = "box-lease"
    interface: str
    subnet: Subnet
    start: Address
    end: Address
    timeout: float = Field(default=4.0, gt=0, le=60)

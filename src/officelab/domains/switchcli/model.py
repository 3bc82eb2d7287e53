"""A switch's or access point's command line (``cli:`` on the node), its SSIDs, and the TFTP service."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from officelab.core.model import Model
from officelab.core.probe import ProbeSpecBase

IOS_NAME = r"^[A-Za-z][A-Za-z0-9_.-]{0,31}$"
"""A local user name IOS accepts (no blank: the configuration line would not read back)."""


class CliUser(Model):
    """A local account (``username NAME privilege N secret …``)."""

    name: Annotated[str, StringConstraints(pattern=IOS_NAME)]
    secret: str = Field(min_length=1, max_length=64, pattern=r"^\S+$", description="the password, in clear in the site file")
    privilege: int = Field(default=15, ge=0, le=15, description="15: lands in privileged mode; 1: needs `enable`")


class Ssid(Model):
    """An SSID the access point offers, and the port its clients come in by (the VLAN is that port's)."""

    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")]
    port: str = Field(description="the access point's port for this SSID's clients (its VLAN is the SSID's)")
    security: Literal["open", "wpa2-psk", "wpa3-sae", "wpa2-enterprise"] = "wpa2-psk"
    passphrase: str = Field(default="", max_length=63, pattern=r"^\S*$")

    @model_validator(mode="after")
    def _psk(self) -> Ssid:
        personal = self.security in ("wpa2-psk", "wpa3-sae")
        if personal and len(self.passphrase) < 8:
            raise ValueError(f"a {self.security.upper()} SSID needs a `passphrase` of 8 to 63 characters")
        if not personal and self.passphrase:
            raise ValueError(f"`passphrase` is for `security: wpa2-psk` or `wpa3-sae`, not {self.security}")
        return self


class SwitchCli(Model):
    """How technicians log in to the switch's command line (SSH on its management address)."""

    users: list[CliUser] = Field(min_length=1, description="local accounts (`login local`)")
    enable_secret: str = Field(min_length=1, max_length=64, pattern=r"^\S+$")
    banner: str = Field(default="", max_length=1000, description="message of the day, shown at login")
    exec_timeout: int = Field(default=10, ge=0, le=35791, description="minutes of idle before a session closes (0: never)")
    ssids: list[Ssid] = Field(default_factory=list, description="access points only")


class TftpService(Model):
    """A TFTP server (tftpd-hpa): where switches back their configuration up, and restore it from."""

    uploads: bool = Field(default=True, description="accept new files (``copy running-config tftp:``)")


class SshCliProbe(ProbeSpecBase):
    """Log in to a switch's command line over SSH and read what it says it is (``show version``)."""

    kind: Literal["ssh-cli"] = "ssh-cli"
    target: str = Field(description="the switch's management address")
    hostname: str = Field(description="the hostname its prompt must show")
    username: str
    password: str
    timeout: float = 8.0


class SwitchConfigProbe(ProbeSpecBase):
    """Read a switch's running configuration over SSH (``show running-config``) and compare it with a design: each
    port's mode, VLANs and state, and the VLANs it knows; with ``saved``, that the saved configuration is the
    running one (``write memory`` was done)."""

    kind: Literal["switch-config"] = "switch-config"
    target: str
    hostname: str
    username: str
    password: str
    ports: dict[str, str] = Field(default_factory=dict, description="port → `access 10`, `trunk 10,20 native 99`, with ` shutdown`")
    vlans: list[int] = Field(default_factory=list)
    saved: bool = False
    timeout: float = 10.0


class SwitchShowProbe(ProbeSpecBase):
    """Log in to a switch over SSH and read the output of exec ``commands`` (``show interfaces status``…): what the
    live switch says, for an audit to read."""

    kind: Literal["switch-show"] = "switch-show"
    target: str
    hostname: str
    username: str
    password: str
    commands: list[str] = Field(min_length=1)
    timeout: float = 10.0

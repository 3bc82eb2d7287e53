"""The "data" part of a site: Active Directory, file shares, printers and print queues, backups.

`Directory` is a site-wide section (``directory:``); shares, printers and queues are node services
(``services: {files: …, printer: …, print: …}``); backups are a site-wide list (``backups:``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from officelab.site.section import Model, NodeName

NAME = r"^[a-z][a-z0-9-]{0,30}$"
LOGIN = r"^[a-z][a-z0-9._-]{0,19}$"
GROUP = r"^[A-Za-z][A-Za-z0-9 _-]{0,63}$"
NETBIOS = r"^[A-Z][A-Z0-9-]{0,14}$"
SHARE = r"^[a-z][a-z0-9_-]{0,31}$"
QUEUE = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
DOMAIN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"

Login = Annotated[str, StringConstraints(pattern=LOGIN)]
GroupName = Annotated[str, StringConstraints(pattern=GROUP)]


class PasswordPolicy(Model):
    min_length: int = Field(default=8, ge=0, le=255)
    complexity: bool = False
    max_age_days: int = Field(default=0, ge=0, le=999, description="0: passwords never expire")
    history: int = Field(default=0, ge=0, le=24)


class DirectoryGroup(Model):
    name: GroupName
    description: str = ""


class DirectoryUser(Model):
    login: Login
    name: str = Field(min_length=1, description="display name, e.g. Anne Martin")
    ou: str | None = Field(default=None, description="an OU of `ous`; default: the Users container")
    groups: list[GroupName] = Field(default_factory=list)
    password: str = Field(min_length=1)
    must_change: bool = False
    enabled: bool = True


class Directory(Model):
    """An Active Directory domain (Samba AD DC)."""

    domain: Annotated[str, StringConstraints(pattern=DOMAIN, to_lower=True)] = Field(
        description="the AD DNS domain (realm in upper case), e.g. ad.cabinet-martin.lan"
    )
    netbios: Annotated[str, StringConstraints(pattern=NETBIOS)] = Field(description="NetBIOS domain name, e.g. CABINET")
    controller: NodeName = Field(description="the domain controller node")
    admin_password: str = Field(min_length=8)
    ous: list[Annotated[str, StringConstraints(pattern=GROUP)]] = Field(default_factory=list)
    groups: list[DirectoryGroup] = Field(default_factory=list)
    users: list[DirectoryUser] = Field(default_factory=list)
    computers: list[NodeName] = Field(default_factory=list, description="nodes joined to the domain at boot")
    password_policy: PasswordPolicy = PasswordPolicy()

    @property
    def realm(self) -> str:
        return self.domain.upper()

    @property
    def base_dn(self) -> str:
        return ",".join(f"DC={part}" for part in self.domain.split("."))

    def members_of(self, group: str) -> list[DirectoryUser]:
        return [u for u in self.users if group in u.groups]


class ShareRight(StrEnum):
    READ = "read"
    CHANGE = "change"
    FULL = "full"


class Share(Model):
    name: Annotated[str, StringConstraints(pattern=SHARE)]
    description: str = ""
    rights: dict[GroupName, ShareRight] = Field(description="AD group → read, change or full")
    guest: bool = False


class FilesService(Model):
    """A domain-member file server (Samba + winbind) serving shares with rights by AD group."""

    shares: list[Share]


class PrinterDevice(Model):
    """A network printer (an IPP Everywhere printer: ippeveprinter), keeping what it receives."""

    model: str = "OfficeLab IPP Everywhere"
    location: str = ""


class PrintQueue(Model):
    name: Annotated[str, StringConstraints(pattern=QUEUE)]
    printer: NodeName = Field(description="the printer node this queue prints to")
    groups: list[GroupName] = Field(default_factory=list, description="AD groups allowed to print (empty: everyone)")
    description: str = ""


class PrintService(Model):
    """A print server (CUPS) publishing one queue per printer."""

    queues: list[PrintQueue]


class BackupJob(Model):
    """A backup of shares to a backup node, with restic over SFTP."""

    name: Annotated[str, StringConstraints(pattern=SHARE)]
    source: NodeName = Field(description="the file server whose shares are saved")
    shares: list[str]
    target: NodeName = Field(description="the node holding the backup repository (a NAS)")
    schedule: str = Field(default="0 20 * * *", pattern=r"^\S+ \S+ \S+ \S+ \S+$", description="a cron line: when it runs")
    keep_last: int = Field(default=7, ge=1, le=1000)
    password: str = Field(default="officelab-backup", min_length=8, description="the repository's encryption password")

    @model_validator(mode="after")
    def _different_nodes(self) -> BackupJob:
        if self.source == self.target:
            raise ValueError("a backup kept on the machine it saves is no backup: use another `target`")
        return self

"""Active Directory (site-wide section ``directory:``) and its probe kinds (LDAP, Kerberos)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from officelab.core.model import Model, NodeName
from officelab.core.probe import ProbeSpecBase

NAME = r"^[a-z][a-z0-9-]{0,30}$"


LOGIN = r"^[a-z][a-z0-9._-]{0,19}$"


GROUP = r"^[A-Za-z][A-Za-z0-9 _-]{0,63}$"


NETBIOS = r"^[A-Z][A-Z0-9-]{0,14}$"


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
    workstation: NodeName | None = Field(
        default=None, description="the computer the user works on (a joined one): where `diagnose USER …` starts"
    )


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


class LdapProbe(ProbeSpecBase):
    """An LDAP simple bind as ``user`` (UPN or DOMAIN\\user), then optionally a search whose ``attribute``
    must contain ``expect`` (e.g. a group's members)."""

    kind: Literal["ldap"] = "ldap"
    # A DC answering a search takes longer than two seconds when the machine is busy (the full test suite measured it).
    timeout: float = Field(default=4.0, gt=0, le=60, description="seconds one attempt may take")
    server: str
    user: str
    password: str
    port: int = Field(default=389, ge=1, le=65535)
    tls: bool = Field(
        default=False, description="LDAPS (TLS from the first byte, usually port 636); the certificate is shown, not verified"
    )
    base: str = ""
    filter: str = ""
    attribute: str = ""
    expect: list[str] = Field(default_factory=list, description="values the attribute must hold (case-insensitive substrings)")
    exact: bool = Field(default=False, description="the attribute must hold exactly these values, no more")


class KerberosProbe(ProbeSpecBase):
    """A Kerberos login (kinit) as ``principal`` with ``password``: a TGT from the KDC."""

    kind: Literal["kerberos"] = "kerberos"
    principal: str
    password: str

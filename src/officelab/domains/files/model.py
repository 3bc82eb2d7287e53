"""A file server's shares (node service ``files:``), with rights by AD group, and the SMB probe kind."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from officelab.core.model import Model
from officelab.core.probe import ProbeSpecBase
from officelab.domains.directory.model import GroupName

SHARE = r"^[a-z][a-z0-9_-]{0,31}$"


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


class SmbProbe(ProbeSpecBase):
    """An SMB2/3 session to ``//server/share`` as ``user`` (NTLM), then ``action``: list the share, write (and remove)
    a file, or read the file ``path``."""

    kind: Literal["smb"] = "smb"
    server: str
    share: str
    user: str = Field(description="DOMAIN\\login, or empty for a guest attempt")
    password: str = ""
    action: Literal["list", "write", "read"] = "list"
    path: str = ""
    timeout: float = Field(default=4.0, gt=0, le=60)

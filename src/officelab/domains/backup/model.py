"""Backups of shares to a NAS (site-wide list ``backups:``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from officelab.core.model import Model, NodeName
from officelab.domains.files.model import SHARE


class BackupJob(Model):
    """A backup of shares to a backup node, with restic over SFTP."""

    name: Annotated[str, StringConstraints(pattern=SHARE)]
    source: NodeName = Field(description="the file server whose shares are saved")
    shares: list[str]
    target: NodeName = Field(description="the node holding the backup repository (a NAS)")
    schedule: str = Field(default="0 20 * * *", pattern=r"^\S+ \S+ \S+ \S+ \S+$", description="a cron line: when it runs")
    keep_last: int = Field(default=7, ge=1, le=1000)
    password: str | None = Field(
        default=None, min_length=8, description="the repository's encryption password; none: a random one, made per lab"
    )

    @model_validator(mode="after")
    def _different_nodes(self) -> BackupJob:
        if self.source == self.target:
            raise ValueError("a backup kept on the machine it saves is no backup: use another `target`")
        return self

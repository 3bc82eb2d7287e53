"""Backups' part of the recette: each job's latest snapshot restores byte for byte (restic, on the file server)."""

from __future__ import annotations

from officelab.domains.backup.facts import script_path
from officelab.domains.network.checks import ip_checks
from officelab.domains.network.model import CommandProbe
from officelab.recette.context import Derivation


def derive(ctx: Derivation) -> None:

    for job in ctx.site.backups:
        ctx.check(
            f"backup:{job.name}",
            f"La sauvegarde {job.name} se restaure à l'identique (octet par octet)",
            f"Backup {job.name} restores identically (byte for byte)",
            on=job.source,
            probe=CommandProbe(argv=["sh", script_path(job.name), "verify"], expect="identical", timeout=60),
            criteria=("TAI-CP4-C2",),
            depends=tuple(ip_checks(ctx, job.source)),
            deadline=60,
            group="backup",
        )

"""Faults of the backups: the backup target (the NAS) unreachable, its SFTP service stopped and kept stopped."""

from __future__ import annotations

from typing import ClassVar

from officelab.faults import truth as t
from officelab.faults.mechanisms import DaemonStopped
from officelab.faults.model import Fault, GroundTruth
from officelab.probes import Layer
from officelab.site.model import Site


class BackupTargetUnreachable(DaemonStopped):
    kind: ClassVar[str] = "backup-target-unreachable"
    title_fr: ClassVar[str] = "Cible de sauvegarde injoignable"
    title_en: ClassVar[str] = "Backup target unreachable"
    layer: ClassVar[Layer] = Layer.TRANSPORT
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = ("TRI-CT", "TAI-CP11", "TAI-CP4")
    daemon_name: ClassVar[str] = "backup target (SFTP on the NAS)"

    @classmethod
    def target(cls, site: Site) -> str | None:
        job = next(iter(site.backups), None)
        return f"{job.target}/sshd" if job is not None else None

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        job = site.backups[0]
        return job.source, f"backup:{job.name}", job.target

    def truth(self, site: Site) -> GroundTruth:
        target = self.daemon(site).split("/")[0]
        jobs = [j for j in site.backups if j.target == target]
        return GroundTruth(
            f"la cible de sauvegarde {target} ne répond plus en SFTP (service SSH arrêté) : les sauvegardes échouent",
            f"backup target {target} no longer answers SFTP (its SSH service is stopped): backups fail",
            f"{target}/sshd",
            f"redémarrer le service SSH/SFTP de {target} puis relancer la sauvegarde",
            f"start {target}'s SSH/SFTP service again, then run the backup",
            t.ids(site, *(f"backup:{j.name}" for j in jobs)),
        )


def catalogue() -> tuple[type[Fault], ...]:
    return (BackupTargetUnreachable,)

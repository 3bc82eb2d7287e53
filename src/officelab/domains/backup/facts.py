"""Backup facts that follow from the site file alone: where each job's script is on its node."""

from __future__ import annotations


def script_path(job: str) -> str:
    """Where a job's script is, as seen on its source node (its private /run)."""
    return f"/run/officelab/backup-{job}.sh"

"""Backup facts that follow from the site file alone: where each job's script and password are on its node."""

from __future__ import annotations

from pathlib import Path


def script_path(job: str) -> str:
    """Where a job's script is, as seen on its source node (its private /run)."""
    return f"/run/officelab/backup-{job}.sh"


def password_path(node_dir: Path, job: str) -> Path:
    """Where a job's repository password is on its source node (readable by root only; the node sees its own
    directory at the same path)."""
    return node_dir / "secrets" / f"backup-{job}"

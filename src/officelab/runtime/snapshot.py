"""Snapshots: a whole lab's state (every node's directory, shares, leases, queues, backups) frozen under a name and
restored by a fresh boot of the saved site with the saved state (a trainer's starting point)."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

from officelab.core.errors import OfficeLabError
from officelab.runtime import ports
from officelab.runtime.archive import tar
from officelab.runtime.kernel import require_root
from officelab.runtime.lab import Lab, Progress
from officelab.runtime.plan import Stage
from officelab.runtime.state import LIVE_CHANGES, home
from officelab.site.loader import load_text


def snapshot_path(lab: Lab, name: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name):
        raise OfficeLabError(f"invalid snapshot name {name!r}: letters, digits, '.', '_' or '-'")
    return home() / "snapshots" / lab.name / f"{name}.tgz"


def snapshots(lab: Lab) -> list[tuple[str, float, int]]:
    directory = home() / "snapshots" / lab.name
    found = sorted(directory.glob("*.tgz")) if directory.is_dir() else []
    return [(p.stem, p.stat().st_mtime, p.stat().st_size) for p in found]


def save(lab: Lab, name: str, progress: Progress) -> Path:
    """Freeze the whole lab (every node's state: directory, shares, leases, queues, backups) under ``name``.

    Daemons are stopped for a consistent copy, then started again."""
    require_root()
    target = snapshot_path(lab, name)
    plan = lab.plan()
    with lab.dir.lock():
        if not lab.is_up():
            raise OfficeLabError(f"lab {lab.name} is not up: nothing to save")
        running = [k for k, v in lab.daemons().items() if v["state"] == "running"]
        lab.control("stop", running)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            changes = [name for name in LIVE_CHANGES if (lab.dir.path / name).exists()]
            tar(["--exclude=nodes/*/run/*", "-czpf", str(tmp), "-C", str(lab.dir.path), "nodes", "site.yaml", *changes])
            tmp.replace(target)
        finally:
            lab.control("resume", running)
            for stage in Stage:
                lab.wait_daemons_ready(plan, [d for d in plan.daemons if d.stage is stage and d.key in running])
    progress(f"snapshot {name} saved ({target.stat().st_size // 1024} KiB)")
    return target


def restore(lab: Lab, name: str, progress: Progress) -> None:
    """Bring the lab back to a saved state: a fresh boot of the snapshot's site with the saved node state."""
    path = snapshot_path(lab, name)
    if not path.exists():
        known = ", ".join(n for n, _, _ in snapshots(lab)) or "none"
        raise OfficeLabError(f"lab {lab.name} has no snapshot {name!r} (snapshots: {known})")
    with tarfile.open(path) as archive:
        member = archive.extractfile("site.yaml")
        if member is None:
            raise OfficeLabError(f"snapshot {name} has no site.yaml: it is not an OfficeLab snapshot")
        site_text = member.read().decode()
    site = load_text(site_text, f"{path}:site.yaml")
    lab.up(site, site_text, progress, snapshot=path)
    moved = ports.reapply_changes(lab)
    if moved:
        progress(f"{moved} switch port(s) changed live set again")

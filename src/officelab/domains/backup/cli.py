"""`officelab backup run|list|restore`: the site's backups, by hand."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, fail, ok, out
from officelab.domains.backup.facts import script_path
from officelab.runtime.kernel import require_root
from officelab.runtime.lab import Lab


def register(app: typer.Typer) -> None:
    app.add_typer(backup_app, name="backup")


backup_app = typer.Typer(help="Backups of the site's shares (restic over SFTP to the NAS).", no_args_is_help=True)


def _backup_job(lab: Lab, job: str | None) -> tuple[str, str]:

    jobs = lab.site().backups
    if not jobs:
        fail(f"the site of lab {lab.name} declares no backup (`backups:` section)")
    chosen = jobs[0] if job is None else next((j for j in jobs if j.name == job), None)
    if chosen is None:
        fail(f"no backup job {job!r} (jobs: {', '.join(j.name for j in jobs)})", 2)
    return chosen.source, script_path(chosen.name)


def _node_command(lab: Lab, node: str, argv: list[str], what: str, timeout: float = 300) -> str:
    require_root()
    with out.status(f"{what}…"):
        result = lab.run(node, argv, timeout=timeout)
    if result.returncode != 0:
        fail(f"{what} failed: {(result.stderr or result.stdout).strip().splitlines()[-1:]}")
    return result.stdout


@backup_app.command("run")
def backup_run(
    job: Annotated[str | None, typer.Argument(help="The job (default: the first).")] = None, lab: LabOption = DEFAULT_LAB
) -> None:
    """Run a backup job now (it also runs on its schedule, from cron on the file server)."""
    target = Lab(lab)
    node, script = _backup_job(target, job)
    text = _node_command(target, node, ["sh", script, "run"], "backup")
    summary = [line for line in text.splitlines() if line.startswith(("snapshot", "Added to the repository", "processed"))]
    out.print(Text("\n".join(summary) or text.strip().splitlines()[-1]))


@backup_app.command("list")
def backup_list(
    job: Annotated[str | None, typer.Argument(help="The job (default: the first).")] = None, lab: LabOption = DEFAULT_LAB
) -> None:
    """The snapshots of a backup job."""
    target = Lab(lab)
    node, script = _backup_job(target, job)
    sys.stdout.write(_node_command(target, node, ["sh", script, "list"], "listing snapshots"))


@backup_app.command("restore")
def backup_restore(
    job: Annotated[str | None, typer.Argument(help="The job (default: the first).")] = None,
    snapshot: Annotated[str, typer.Option("--snapshot", help="A snapshot id (default: the latest).")] = "latest",
    in_place: Annotated[bool, typer.Option("--in-place", help="Put the files back where they were (overwrites).")] = False,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Restore a backup to a scratch place on the file server (default) or in place."""
    target = Lab(lab)
    node, script = _backup_job(target, job)
    where = "/" if in_place else f"/run/officelab/restore-{time.strftime('%Y%m%d-%H%M%S')}"
    _node_command(target, node, ["sh", script, "restore", where, snapshot], "restore")
    if in_place:
        ok(f"snapshot {snapshot} restored in place on {node}")
    else:
        host = target.dir.node_dir(node) / "run" / where.removeprefix("/run/")
        ok(f"snapshot {snapshot} restored on {node} at {where} (on this machine: {host})")

"""`officelab class …`: a class of learners, each on a sealed lab with their own variant of one scenario, reached
through an SSH entry point per learner; its live status, everyone graded at once, the whole class stopped."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.live import Live
from rich.table import Table
from rich.text import Text

from officelab.cli.exercise import DbOption
from officelab.cli.output import add_row, escape, fail, ok, out, step
from officelab.exercises import classroom, gateway
from officelab.exercises.scenario import load_scenario
from officelab.runtime.kernel import require_root

class_app = typer.Typer(help="A class: one sealed lab per learner, each with its own variant of a scenario.", no_args_is_help=True)
NameOption = Annotated[str, typer.Option("--name", help="The class's name.")]


def register(app: typer.Typer) -> None:
    app.add_typer(class_app, name="class")


@class_app.command("start")
def start(
    scenario: Annotated[str, typer.Argument(help="A scenario file, or a built-in scenario id.")],
    learners: Annotated[str, typer.Option("--learners", help="The learners, separated by commas (alice,bob,…).")],
    name: NameOption = "classe",
    seed: Annotated[str | None, typer.Option(help="The class's seed (default: a new one, so new variants).")] = None,
    ssh: Annotated[
        str | None, typer.Option("--ssh", help="Open an SSH entry point per learner on ADDRESS:PORT (e.g. 0.0.0.0:2222).")
    ] = None,
) -> None:
    """Boot one lab per learner with their variant (and, with --ssh, their SSH entry point)."""
    names = classroom.parse_learners(learners)
    loaded = load_scenario(scenario)
    require_root()
    began = time.monotonic()
    with out.status(f"starting class {escape(name)}…") as spinner:

        def progress(message: str) -> None:
            step(message)
            spinner.update(escape(message))

        try:
            record = classroom.start(loaded, names, name, seed, progress)
            if ssh:
                record.gateway = gateway.start(name, names, ssh)
                record.save()
        except KeyboardInterrupt:
            fail(f"interrupted: `officelab class stop --name {name}` takes down what was started", 130)
    ok(f"class {name}: {len(names)} learner(s) on {loaded.id} in {time.monotonic() - began:.0f} s (seed {record.seed})")
    if ssh:
        folder = gateway.folder(name) / "keys"
        out.print(Text(f"SSH entry point on {record.gateway['address']}: give each learner their key {folder}/<learner>;"))
        out.print(Text(f"they connect with: ssh -i <learner> -p {str(record.gateway['address']).rsplit(':', 1)[1]} root@<this server>"))


def _table(name: str) -> Table:
    rows = classroom.status(name)
    table = Table(
        "learner", "lab", "goals", "last activity", "commands", "hints", "submitted", "grade", title=f"class {name}", title_justify="left"
    )
    for r in rows:
        last = time.strftime("%H:%M:%S", time.localtime(r.last_activity)) if r.last_activity else "-"
        add_row(
            table,
            r.learner,
            "up" if r.up else "down",
            f"{r.reached}/{r.goals}",
            last,
            str(r.commands),
            str(r.hints),
            "yes" if r.submitted else "",
            r.score,
        )
    return table


@class_app.command("status")
def status(
    name: NameOption = "classe",
    watch: Annotated[float, typer.Option("--watch", help="Refresh every N seconds until Ctrl-C (0: once).")] = 0,
) -> None:
    """Each learner: goals reached (learner-mode check), last activity, commands, hints, submission, grade."""
    require_root()
    if not watch:
        out.print(_table(name))
        return
    with Live(_table(name), console=out, refresh_per_second=1) as live:
        try:
            while True:
                time.sleep(watch)  # a refresh period, not a synchronisation
                live.update(_table(name))
        except KeyboardInterrupt:
            return


@class_app.command("grade")
def grade(
    name: NameOption = "classe",
    folder: Annotated[
        Path, typer.Option("--dir", help="Where to write each learner's grade sheet (HTML, JSON) and the class's grid (CSV).")
    ] = Path("grades"),
    db: DbOption = None,
) -> None:
    """Grade every learner: their sheets, the gradebook updated, the class's grading grid as CSV."""
    from officelab.exercises import gradebook

    require_root()
    with out.status(f"grading class {escape(name)}…") as spinner:
        sheets = classroom.grade(name, folder, db, lambda m: spinner.update(escape(m)))
    table = Table("learner", "grade", "goals", "regressions", "method", "hints", "time")
    for s in sheets:
        reached = sum(1 for g in s.goals if g.reached)
        add_row(
            table,
            s.learner,
            f"{s.total:g}/{s.maximum}",
            f"{reached}/{len(s.goals)}",
            str(len(s.regressions)),
            f"{s.method_earned:g}",
            str(s.hints_used),
            f"{s.elapsed / 60:.0f} min",
        )
    out.print(table)
    grid = folder / "grille.csv"
    grid.write_text(gradebook.to_csv({s.learner: gradebook.grid(s.learner, url=db) for s in sheets}), encoding="utf-8")
    ok(f"{len(sheets)} grade sheet(s) and the grid in {folder}")


@class_app.command("stop")
def stop(name: NameOption = "classe") -> None:
    """Stop the SSH entry point and every learner's lab (their records, journals and grades stay)."""
    require_root()
    classroom.stop(name, ok)
    ok(f"class {name} stopped")

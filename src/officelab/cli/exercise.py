"""`officelab exercise …`: a scenario started for a learner, its briefing, hints, learner-mode check, submission and
grade; the library of built-in scenarios; and, for the trainer, the reference solution and the journal."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from officelab.cli.output import add_row, escape, fail, ok, out, step, writable_file
from officelab.exercises import journal, session
from officelab.exercises.report import write_html
from officelab.exercises.scenario import library_listing, load_scenario
from officelab.exercises.variables import DEFAULT_SEED
from officelab.runtime.kernel import require_root

exercise_app = typer.Typer(help="Exercises: a scenario per learner, graded against the official criteria.", no_args_is_help=True)
LearnerOption = Annotated[str, typer.Option("--learner", "-L", help="The learner (their lab has their name).")]
LangOption = Annotated[str, typer.Option("--lang", help="fr or en.")]
DbOption = Annotated[
    str | None, typer.Option("--db", help="The gradebook's SQLAlchemy URL (default: OFFICELAB_GRADES_URL, else SQLite in the home).")
]
grade_app = typer.Typer(
    help="The grading grid: every criterion of the titles, filled from the grades and by the trainer.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(exercise_app, name="exercise")
    app.add_typer(grade_app, name="grade")


def _lang(lang: str) -> str:
    if lang not in ("fr", "en"):
        fail(f"unknown language {lang!r}: use --lang fr or --lang en", 2)
    return lang


@exercise_app.command("list")
def list_(lang: LangOption = "fr") -> None:
    """The built-in scenarios: id, title, competencies, level, duration."""
    table = Table("scenario", "title", "competencies", "level", "duration")
    for s in library_listing(_lang(lang)):
        add_row(table, s.id, s.title, ", ".join(s.competencies), str(s.level), s.duration)
    out.print(table)


@exercise_app.command("validate")
def validate(scenario: Annotated[str, typer.Argument(help="A scenario file, or a built-in scenario id.")]) -> None:
    """Check a scenario and every variant a learner could get: every problem at once (file:line, field, hint). Exit 2 if invalid."""
    loaded = load_scenario(scenario)
    s = loaded.scenario
    ok(f"{loaded.file}: scenario {s.id} is valid — {len(s.goal.goals)} goals, {len(s.start.faults)} faults, {len(s.variables)} variables")


@exercise_app.command("start")
def start(
    scenario: Annotated[str, typer.Argument(help="A scenario file, or a built-in scenario id.")],
    learner: LearnerOption,
    seed: Annotated[str, typer.Option(help="The class's seed: the same seed and learner, the same variant.")] = DEFAULT_SEED,
    lang: LangOption = "fr",
) -> None:
    """Boot the learner's variant (a lab named after them), make its start state, and print the briefing."""
    loaded = load_scenario(scenario)
    require_root()
    with out.status(f"starting {escape(loaded.id)} for {escape(learner)}…") as spinner:

        def progress(message: str) -> None:
            step(message)
            spinner.update(escape(message))

        try:
            _, reached = session.start(loaded, learner, seed, progress)
        except KeyboardInterrupt:
            fail(f"interrupted: lab {learner} was torn down", 130)
    for line in reached:
        out.print(Text(f"warning: goal {line} already passes at the start (a defect of the scenario: points for nothing)", style="yellow"))
    ok(f"exercise {loaded.id} started for {learner} (lab {learner})")
    _brief(learner, _lang(lang), journaled=False)


@exercise_app.command("brief")
def brief(learner: LearnerOption, lang: LangOption = "fr") -> None:
    """The customer's request, the goals to reach, the time."""
    _brief(learner, _lang(lang))


def _brief(learner: str, lang: str, journaled: bool = True) -> None:
    b = session.briefing(learner, lang, journaled)
    out.print(Text(b.title, style="bold"))
    out.print(Text(b.text))
    out.print(Text("Objectifs :" if lang == "fr" else "Goals:"))
    for title, points in b.goals:
        out.print(Text(f"  · {title} ({points} pts)"))
    limit = f" / {b.time_limit}" if b.time_limit else ""
    hints = f"{b.hints_left} indice(s) restant(s)" if lang == "fr" else f"{b.hints_left} hint(s) left"
    out.print(Text(f"{'Temps' if lang == 'fr' else 'Time'} : {b.minutes:.0f} min{limit} — {hints} (`officelab exercise hint`)"))


@exercise_app.command("hint")
def hint(learner: LearnerOption, lang: LangOption = "fr") -> None:
    """The next hint (it costs points: the cost is shown)."""
    given = session.hint(learner)
    if given is None:
        out.print(Text("no more hints" if lang == "en" else "plus d'indice"))
        return
    index, shown = given
    out.print(Text(f"{index + 1}. {shown.fr if _lang(lang) == 'fr' else shown.en} (−{shown.cost} pts)"))


@exercise_app.command("check")
def check(learner: LearnerOption, lang: LangOption = "fr") -> None:
    """Learner mode: each goal reached or not yet (never why). Exit 0 when every goal is reached."""
    require_root()
    with out.status("checking the goals…"):
        states = session.check(learner, _lang(lang))
    words = ("atteint", "pas encore") if lang == "fr" else ("reached", "not yet")
    for goal in states:
        out.print(
            Text.assemble(
                ("✓ " if goal.reached else "· ", "green" if goal.reached else "yellow"),
                f"{goal.title}: ",
                words[0] if goal.reached else words[1],
            )
        )
    if not all(g.reached for g in states):
        raise typer.Exit(1)


@exercise_app.command("submit")
def submit(learner: LearnerOption) -> None:
    """Hand the work in: the time stops (the trainer grades)."""
    record = session.submit(learner)
    ok(f"submitted after {(record.submitted_at or time.time()) - record.started_at:.0f} s")


@exercise_app.command("grade")
def grade(
    learner: LearnerOption,
    html: Annotated[Path | None, typer.Option("--html", help="Write the printable grade sheet.")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Write the grade sheet as JSON.")] = None,
    db: DbOption = None,
) -> None:
    """Grade the learner: goals, regressions, hints, time, method from the journal, and the criteria (kept in the gradebook)."""
    for path, option in ((html, "--html"), (json_file, "--json")):
        if path is not None:
            writable_file(path, option)
    require_root()
    with out.status(f"grading {escape(learner)} (the goal site's recette)…"):
        sheet, _ = session.grade(learner, db)
    table = Table("", "points", "detail", title=f"{sheet.title} — {sheet.learner}", title_justify="left")
    for g in sheet.goals:
        failing = [c for c, s in g.checks.items() if s != "pass"]
        add_row(table, f"objectif {g.id}", f"{g.earned:g}/{g.points}", "atteint" if g.reached else f"en échec : {', '.join(failing[:4])}")
    add_row(table, "régressions", f"{sheet.regression_earned:g}/{sheet.regression_points}", ", ".join(sheet.regressions[:4]) or "aucune")
    add_row(table, "méthode", f"{sheet.method_earned:g}/{sheet.method_points}", "; ".join(f"{m.title} {m.score:.0%}" for m in sheet.method))
    if sheet.hints_used:
        add_row(table, "indices", f"−{sheet.hints_cost}", f"{sheet.hints_used} indice(s)")
    add_row(
        table,
        "total",
        f"{sheet.total:g}/{sheet.maximum}",
        f"{sheet.elapsed / 60:.0f} min" + ("; " + "; ".join(sheet.notes) if sheet.notes else ""),
    )
    out.print(table)
    criteria = Table("critère", "verdict", "preuve")
    for c in sheet.criteria:
        add_row(criteria, c.id, c.verdict, c.evidence)
    out.print(criteria)
    if html is not None:
        write_html(sheet, html)
        ok(f"grade sheet: {html}")
    if json_file is not None:
        json_file.write_text(json.dumps(sheet.to_dict(), indent=2, ensure_ascii=False))
        ok(f"grade sheet (JSON): {json_file}")


@exercise_app.command("solve")
def solve(learner: LearnerOption) -> None:
    """Trainer: play the scenario's reference solution on the learner's lab (journaled like typed commands)."""
    require_root()
    for shown, code in session.solve(learner):
        out.print(Text(f"{shown} → {code}"))


@exercise_app.command("journal")
def journal_(learner: LearnerOption, json_: Annotated[bool, typer.Option("--json", help="As JSON lines.")] = False) -> None:
    """Trainer: what the learner did — time, node, command, exit status."""
    entries = journal.read(learner)
    if json_:
        for e in entries:
            out.print(Text(json.dumps(e.__dict__, ensure_ascii=False)))
        return
    table = Table("time", "node", "command", "exit")
    for e in entries:
        add_row(table, time.strftime("%H:%M:%S", time.localtime(e.ts)), e.node, e.command, "" if e.exit is None else str(e.exit))
    out.print(table)


@exercise_app.command("stop")
def stop(learner: LearnerOption) -> None:
    """Take the learner's lab down; the record, journal and grade stay for the trainer."""
    require_root()
    session.stop(learner, ok)


def _titles(title: str) -> tuple[str, ...]:
    if title not in ("TRI", "TAI", "both"):
        fail(f"unknown title {title!r}: use TRI, TAI or both", 2)
    return ("TRI", "TAI") if title == "both" else (title,)


TitleOption = Annotated[str, typer.Option("--title", help="TRI, TAI or both.")]


@grade_app.command("set")
def grade_set(
    learner: Annotated[str, typer.Argument(help="The learner.")],
    criterion: Annotated[str, typer.Argument(help="A criterion id (`officelab criteria`).")],
    verdict: Annotated[str, typer.Argument(help="acquis, non-acquis or en-cours.")],
    note: Annotated[str, typer.Option("--note", help="Why (shown on the grid).")] = "",
    db: DbOption = None,
) -> None:
    """The trainer's verdict on a criterion (a soft skill, a partial criterion confirmed): it overrides the automatic one."""
    from officelab.exercises import gradebook
    from officelab.recette.run import technician

    gradebook.set_verdict(learner, criterion, verdict, note, technician(), db)
    ok(f"{learner}: {criterion} {gradebook.VERDICTS[verdict]}")


@grade_app.command("show")
def grade_show(learner: Annotated[str, typer.Argument(help="The learner.")], title: TitleOption = "both", db: DbOption = None) -> None:
    """A learner's grading grid: every criterion, its automatic verdict and evidence, the trainer's verdict."""
    from officelab.exercises import gradebook

    rows = gradebook.grid(learner, _titles(title), db)
    table = Table("criterion", "kind", "verdict", "evidence / note", title=f"grille — {learner}", title_justify="left")
    for r in rows:
        add_row(table, r.criterion, r.kind, r.final, r.note or r.evidence)
    out.print(table)
    done = sum(1 for r in rows if r.final == "acquis")
    out.print(Text(f"{done}/{len(rows)} acquis, {sum(1 for r in rows if r.final in ('à confirmer', 'à évaluer'))} for the trainer"))


@grade_app.command("export")
def grade_export(
    learner: Annotated[str | None, typer.Argument(help="The learner (default: every learner of the gradebook).")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write the grid(s) as CSV.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the printable grid (one learner).")] = None,
    title: TitleOption = "both",
    db: DbOption = None,
) -> None:
    """Export grading grids: CSV (every learner, one row per criterion) and a printable HTML grid."""
    from officelab.exercises import gradebook
    from officelab.exercises.report import render_grid

    if csv_file is None and html is None:
        fail("give --csv FILE and/or --html FILE", 2)
    if html is not None and learner is None:
        fail("--html prints one learner's grid: name the learner", 2)
    for path, option in ((csv_file, "--csv"), (html, "--html")):
        if path is not None:
            writable_file(path, option)
    names = [learner] if learner else gradebook.learners(db)
    grids = {name: gradebook.grid(name, _titles(title), db) for name in names}
    if csv_file is not None:
        csv_file.write_text(gradebook.to_csv(grids), encoding="utf-8")
        ok(f"{csv_file}: {len(names)} learner(s), {sum(len(r) for r in grids.values())} rows")
    if html is not None and learner is not None:
        html.write_text(render_grid(learner, grids[learner]), encoding="utf-8")
        ok(f"{html}: the grid of {learner}")

"""A learner's exercise on a live lab: started (the learner's variant booted, its faults made, the goal site's recette
run once as the baseline), checked in learner mode (each goal reached or not yet, never why), hints, submitted,
graded, and the reference solution played (as a technician would type it, through the journal)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from officelab.core.errors import OfficeLabError
from officelab.exercises import journal, store, ticketing
from officelab.exercises.grade import GradeSheet, compute
from officelab.exercises.model import Hint
from officelab.exercises.scenario import ScenarioFile, Variant, goal_suite, load_scenario, variant
from officelab.exercises.store import ExerciseRecord, exercise_dir
from officelab.exercises.variables import DEFAULT_SEED
from officelab.faults import engine
from officelab.recette.model import Status, SuiteResult
from officelab.recette.run import run_on_lab, select
from officelab.runtime.lab import Lab
from officelab.runtime.state import check_lab_name

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def open_variant(record: ExerciseRecord) -> Variant:
    """The record's variant, rebuilt from its scenario file (this variant only: no check of every combination)."""
    return variant(load_scenario(record.scenario, every_variant=False), record.learner, record.seed)


def start(
    scenario: ScenarioFile, learner: str, seed: str = DEFAULT_SEED, progress: Progress = _quiet, class_name: str = ""
) -> tuple[ExerciseRecord, list[str]]:
    """Boot ``learner``'s variant as the lab named after them, make its faults, record the baseline. Returns the record
    and the goals' checks that already pass at the start (a defect of the scenario: they would earn points for
    nothing), as ``goal: check`` lines."""
    check_lab_name(learner)
    v = variant(scenario, learner, seed)
    lab = Lab(learner)
    if lab_is_up(learner):
        raise OfficeLabError(
            f"lab {learner} is already up: `officelab exercise stop --learner {learner}` (or `officelab down --lab {learner}`) first"
        )
    folder = exercise_dir(learner)
    for stale in ("exercise.json", "journal.jsonl"):
        (folder / stale).unlink(missing_ok=True)
    lab.up(v.start_site, v.start_text, progress)
    try:
        for fault in v.faults:
            progress(f"making the start state: {fault.kind}")
            engine.inject(lab, fault, hidden=True)
        progress("recording the baseline (the goal site's recette on the start state)")
        result = run_on_lab(lab, goal_suite(v))
    except BaseException:
        lab.down()
        raise
    record = ExerciseRecord(
        lab=learner,
        learner=learner,
        scenario=scenario.file,
        scenario_id=v.scenario.id,
        seed=seed,
        values=dict(v.values),
        baseline={o.check.id: o.status.value for o in result.outcomes},
        class_name=class_name,
    )
    if v.scenario.ticket is not None:
        record.ticket = ticketing.open_for(v.scenario, v.start_site, learner)
    record.save()
    passing = [f"{g}: {c}" for g, ids in v.goal_checks.items() for c in ids if record.baseline.get(c) == "pass"]
    return record, passing


@dataclass(frozen=True)
class GoalState:
    id: str
    title: str
    reached: bool


def lab_is_up(lab_name: str) -> bool:
    lab = Lab(lab_name)
    try:
        return lab.dir.exists() and lab.record.state == "up"
    except OfficeLabError:
        return False


def check(lab_name: str, lang: str = "fr", journaled: bool = True) -> list[GoalState]:
    """Learner mode: each goal reached or not yet, from the goals' checks and what they depend on only, each tried once
    (journaled as the learner's `exercise check` unless the trainer's class status asks)."""
    record = store.require(lab_name)
    v = open_variant(record)
    needed = select(goal_suite(v), ids={c for ids in v.goal_checks.values() for c in ids})
    # One attempt a check: the learner asks how things stand now, and asks again; grading keeps the retries.
    result = run_on_lab(Lab(lab_name), [replace(c, deadline=0.0) for c in needed])
    statuses = {o.check.id: o.status for o in result.outcomes}
    if journaled:
        journal.append(lab_name, journal.OFFICELAB, "exercise check", 0, "officelab")
    return [
        GoalState(g.id, g.title.in_(lang), all(statuses.get(c) == Status.PASS for c in v.goal_checks[g.id])) for g in v.scenario.goal.goals
    ]


@dataclass(frozen=True)
class Briefing:
    """What the learner is asked: the customer's request, the goals with their points, the time, the hints left."""

    title: str
    text: str
    goals: list[tuple[str, int]]
    minutes: float
    time_limit: str | None
    hints_left: int


def briefing(lab_name: str, lang: str = "fr", journaled: bool = True) -> Briefing:
    """The exercise's briefing in ``lang`` (journaled as the learner's `exercise brief`, unless shown at the start)."""
    record = store.require(lab_name)
    s = open_variant(record).scenario
    if journaled:
        journal.append(lab_name, journal.OFFICELAB, "exercise brief", 0, "officelab")
    return Briefing(
        s.title.in_(lang),
        s.briefing.in_(lang).rstrip(),
        [(g.title.in_(lang), g.points) for g in s.goal.goals],
        (time.time() - record.started_at) / 60,
        str(s.time_limit) if s.time_limit else None,
        len(s.hints) - len(record.hints),
    )


def hint(lab_name: str) -> tuple[int, Hint] | None:
    """The next hint (recorded: it costs points), or None when every hint was shown (journaled either way)."""
    record = store.require(lab_name)
    hints = open_variant(record).scenario.hints
    journal.append(lab_name, journal.OFFICELAB, "exercise hint", 0, "officelab")
    if len(record.hints) >= len(hints):
        return None
    index = len(record.hints)
    record.hints.append(index)
    record.save()
    return index, hints[index]


def submit(lab_name: str) -> ExerciseRecord:
    """Hand the work in: the time stops (journaled as the learner's `exercise submit`)."""
    record = store.require(lab_name)
    journal.append(lab_name, journal.OFFICELAB, "exercise submit", 0, "officelab")
    if record.submitted_at is None:
        record.submitted_at = time.time()
        record.save()
    return record


def grade(lab_name: str, db: str | None = None) -> tuple[GradeSheet, SuiteResult]:
    """Run the goal site's whole recette on the lab and grade the learner; the sheet is kept with the exercise and in
    the gradebook (``db``: its SQLAlchemy URL)."""
    record = store.require(lab_name)
    v = open_variant(record)
    lab = Lab(lab_name)
    if not lab_is_up(lab_name):
        raise OfficeLabError(f"lab {lab_name} is not up: grading runs the recette on the learner's lab")
    result = run_on_lab(lab, goal_suite(v))
    desk = ticketing.evidence(record.ticket, v.scenario.ticket) if record.ticket is not None and v.scenario.ticket is not None else None
    sheet = compute(record, v, {o.check.id: o.status.value for o in result.outcomes}, journal.read(lab_name), desk=desk)
    (exercise_dir(lab_name) / "grade.json").write_text(json.dumps(sheet.to_dict(), indent=2, ensure_ascii=False))
    from officelab.exercises import gradebook  # SQLAlchemy takes 0.4 s to import: only grading needs it

    gradebook.record(sheet, record.class_name, db)
    return sheet, result


def solve(lab_name: str, progress: Progress = _quiet) -> list[tuple[str, int]]:
    """Play the reference solution on the lab, as a technician types it (journaled): each step and its exit status.
    A test may fail (it shows the symptom): the grade, not the exit statuses, says whether the solution works."""
    record = store.require(lab_name)
    v = open_variant(record)
    lab = Lab(lab_name)
    done: list[tuple[str, int]] = []
    for step in v.scenario.solution:
        if step.officelab is not None:
            argv = [sys.executable, "-m", "officelab.cli", *shlex.split(step.officelab), "--lab", lab_name]
            code, shown = subprocess.run(argv, capture_output=True, check=False, timeout=180).returncode, f"officelab {step.officelab}"
        else:
            assert step.on is not None and step.run is not None
            code, shown = lab.run(step.on, ["sh", "-c", step.run], timeout=180).returncode, f"{step.on}$ {step.run}"
            journal.append(lab_name, step.on, step.run, code, "exec")
        progress(f"{shown} → {code}")
        done.append((shown, code))
    return done


def stop(lab_name: str, progress: Progress = _quiet) -> None:
    """Take the learner's lab down (the exercise's record, journal and grade stay, for the trainer)."""
    lab = Lab(lab_name)
    if lab.dir.exists() or lab.leftovers():
        lab.down(progress)

"""A class: one scenario, one sealed lab per learner with their own variant (the class's seed and their name), a live
status table, every learner graded at once, and the whole class stopped. The class's record is
``$OFFICELAB_HOME/classes/<name>.json`` (hidden from every node, like the exercises)."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from officelab.core.errors import OfficeLabError
from officelab.exercises import journal, session, store
from officelab.exercises.grade import GradeSheet
from officelab.exercises.report import write_html
from officelab.exercises.scenario import ScenarioFile
from officelab.runtime.state import check_lab_name, home

Progress = Callable[[str], None]
CLASS_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def _quiet(_: str) -> None:
    pass


def classes_home() -> Path:
    return home() / "classes"


@dataclass
class ClassRecord:
    name: str
    scenario: str
    scenario_id: str
    seed: str
    learners: list[str]
    started_at: float = field(default_factory=time.time)
    gateway: dict[str, object] = field(default_factory=dict)  # the SSH entry point, when there is one

    def save(self) -> None:
        classes_home().mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = classes_home() / f"{self.name}.json.tmp"
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False))
        os.replace(tmp, classes_home() / f"{self.name}.json")


def check_class_name(name: str) -> str:
    if not CLASS_NAME.match(name):
        raise OfficeLabError(
            f"invalid class name {name!r}: lower-case letters, digits and '-', starting with a letter, at most 40 characters"
        )
    return name


def load(name: str) -> ClassRecord:
    file = classes_home() / f"{check_class_name(name)}.json"
    if not file.is_file():
        known = sorted(p.stem for p in classes_home().glob("*.json")) if classes_home().is_dir() else []
        raise OfficeLabError(f"no class {name} (classes: {', '.join(known) or 'none'}): start one with `officelab class start`")
    return ClassRecord(**json.loads(file.read_text()))


def all_classes() -> list[ClassRecord]:
    """Every class started in this OfficeLab home, by name."""
    return [load(file.stem) for file in sorted(classes_home().glob("*.json"))]


def parse_learners(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise OfficeLabError("--learners: give the learners' names, separated by commas (alice,bob)")
    for name in names:
        check_lab_name(name)
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise OfficeLabError(f"--learners: {', '.join(doubles)} named twice")
    return names


def start(scenario: ScenarioFile, learners: list[str], name: str, seed: str | None = None, progress: Progress = _quiet) -> ClassRecord:
    """One lab per learner, each with its variant. A learner whose lab is already up is refused before anything boots.
    The seed defaults to a new random one: each class gets new variants."""
    check_class_name(name)
    if (classes_home() / f"{name}.json").is_file():
        raise OfficeLabError(f"class {name} exists: `officelab class stop {name}` first, or choose another --name")
    busy = [n for n in learners if store.load(n) is not None and session.lab_is_up(n)]
    if busy:
        raise OfficeLabError(f"lab(s) {', '.join(busy)} already up: stop them first (`officelab exercise stop --learner NAME`)")
    record = ClassRecord(name, scenario.file, scenario.id, seed or secrets.token_hex(8), learners)
    record.save()  # write-ahead: `class stop` finds every lab started so far
    for n, learner in enumerate(learners, 1):
        progress(f"[{n}/{len(learners)}] starting {learner}'s lab")
        session.start(scenario, learner, record.seed, _prefixed(progress, learner), class_name=name)
    return record


def _prefixed(progress: Progress, learner: str) -> Progress:
    return lambda message: progress(f"{learner}: {message}")


@dataclass(frozen=True)
class LearnerStatus:
    learner: str
    up: bool
    reached: int
    goals: int
    last_activity: float | None
    commands: int
    hints: int
    submitted: bool
    score: str


def status(name: str, lang: str = "fr") -> list[LearnerStatus]:
    """Each learner's goals reached (learner-mode check), last activity, hints, submission, and last grade."""
    record = load(name)
    rows = []
    for learner in record.learners:
        exercise = store.load(learner)
        entries = journal.read(learner)
        up = session.lab_is_up(learner)
        states = session.check(learner, lang, journaled=False) if up and exercise else []
        grade_file = store.exercise_dir(learner) / "grade.json"
        score = ""
        if grade_file.is_file():
            data = json.loads(grade_file.read_text())
            score = f"{data['total']:g}/{data['maximum']}"
        rows.append(
            LearnerStatus(
                learner,
                up,
                sum(1 for s in states if s.reached),
                len(states),
                entries[-1].ts if entries else None,
                len(entries),
                len(exercise.hints) if exercise else 0,
                bool(exercise and exercise.submitted_at),
                score,
            )
        )
    return rows


def grade(name: str, folder: Path, db: str | None = None, progress: Progress = _quiet) -> list[GradeSheet]:
    """Grade every learner whose lab is up: their sheets (HTML and JSON) in ``folder``, the gradebook updated."""
    record = load(name)
    folder.mkdir(parents=True, exist_ok=True)
    sheets = []
    for learner in record.learners:
        if not session.lab_is_up(learner):
            progress(f"{learner}: lab not up, not graded")
            continue
        progress(f"grading {learner}")
        sheet, _ = session.grade(learner, db)
        write_html(sheet, folder / f"{learner}.html")
        (folder / f"{learner}.json").write_text(json.dumps(sheet.to_dict(), indent=2, ensure_ascii=False))
        sheets.append(sheet)
    return sheets


def stop(name: str, progress: Progress = _quiet) -> None:
    """Stop the class's entry point and every learner's lab; the records, journals and grades stay."""
    from officelab.exercises import gateway

    record = load(name)
    gateway.stop(record)
    for learner in record.learners:
        session.stop(learner, progress)
    (classes_home() / f"{name}.json").unlink(missing_ok=True)

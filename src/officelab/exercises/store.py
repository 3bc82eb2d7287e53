"""Where an exercise keeps its state: ``$OFFICELAB_HOME/exercises/<lab>/`` — the exercise's record (scenario,
learner, seed, the baseline of the recette at the start, hints shown, submission), its journal and its grades.

It lives outside the lab's directory, so it outlives the lab (a trainer grades after `down`), and under the OfficeLab
home, which no node sees (`runtime.nodefs`): a learner's shell, daemon or SSH login on a node cannot read the goal,
the answer or the journal."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from officelab.core.errors import OfficeLabError
from officelab.runtime.state import check_lab_name, home


def exercises_home() -> Path:
    return home() / "exercises"


def exercise_dir(lab: str) -> Path:
    return exercises_home() / check_lab_name(lab)


@dataclass
class ExerciseRecord:
    """One learner's exercise on one lab."""

    lab: str
    learner: str
    scenario: str  # the scenario's file
    scenario_id: str
    seed: str
    values: dict[str, Any]
    started_at: float = field(default_factory=time.time)
    baseline: dict[str, str] = field(default_factory=dict)  # check id → status at the start
    hints: list[int] = field(default_factory=list)  # indexes of the hints shown, in order
    submitted_at: float | None = None
    class_name: str = ""
    ticket: int | None = None  # the briefing's ticket in the desk

    def save(self) -> None:
        folder = exercise_dir(self.lab)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = folder / "exercise.json.tmp"
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False))
        os.replace(tmp, folder / "exercise.json")


def load(lab: str) -> ExerciseRecord | None:
    """The lab's exercise, or None when the lab runs no exercise."""
    file = exercise_dir(lab) / "exercise.json"
    if not file.is_file():
        return None
    try:
        return ExerciseRecord(**json.loads(file.read_text()))
    except (ValueError, TypeError) as exc:
        raise OfficeLabError(f"{file}: unreadable exercise record ({exc}): remove the directory to start again") from None


def require(lab: str) -> ExerciseRecord:
    record = load(lab)
    if record is None:
        raise OfficeLabError(f"lab {lab} runs no exercise: start one with `officelab exercise start SCENARIO --learner NAME`")
    return record


def all_exercises() -> list[ExerciseRecord]:
    found = []
    if exercises_home().is_dir():
        for folder in sorted(exercises_home().iterdir()):
            record = load(folder.name) if (folder / "exercise.json").is_file() else None
            if record is not None:
                found.append(record)
    return found

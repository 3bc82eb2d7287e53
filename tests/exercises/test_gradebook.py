"""The gradebook: its Alembic schema is the models', a learner's grid lists the 87 criteria, graded evidence fills the
automatic ones, the trainer's verdict overrides, and the grid exports to CSV and HTML."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from officelab.core.errors import OfficeLabError
from officelab.criteria import catalogue
from officelab.exercises import gradebook
from officelab.exercises.grade import CriterionGrade, GoalGrade, GradeSheet
from officelab.exercises.report import render_grid
from tests.conftest import cli


def sheet(learner: str, criteria: dict[str, float], scenario: str = "poste-sans-reseau") -> GradeSheet:
    grades = [
        CriterionGrade(c, catalogue().criteria[c].fr, "acquis" if s == 1 else "non acquis", s, f"evidence of {c}")
        for c, s in criteria.items()
    ]
    return GradeSheet(
        learner=learner,
        lab=learner,
        scenario=scenario,
        title="t",
        values={},
        started_at=0.0,
        graded_at=time.time(),
        elapsed=60.0,
        time_limit=None,
        goals=[GoalGrade("g", "g", 10, 10.0, True, {"link:x": "pass"}, [])],
        regressions=[],
        regression_points=10,
        regression_earned=10.0,
        hints_used=0,
        hints_cost=0,
        method=[],
        method_points=10,
        method_earned=10.0,
        criteria=grades,
        total=30.0,
        maximum=30,
    )


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'grades.sqlite'}"


def test_the_migrations_make_exactly_the_models_schema(url: str) -> None:
    engine = gradebook.open_gradebook(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), gradebook.Base.metadata)
    assert diff == []
    gradebook.open_gradebook(url)  # a second open migrates nothing and keeps the data


def test_grid_lists_every_criterion_filled_from_grades_and_trainer(url: str) -> None:
    gradebook.record(sheet("alice", {"TRI-CP1-C1": 1.0, "TRI-CP1-C5": 0.4, "TAI-CP6-C3": 1.0}), url=url)
    gradebook.record(sheet("alice", {"TRI-CP1-C5": 1.0}, "serveur-passerelle"), url=url)  # the best evidence counts
    rows = {r.criterion: r for r in gradebook.grid("alice", url=url)}
    assert len(rows) == 87 == len(catalogue().criteria)
    assert rows["TRI-CP1-C1"].final == "acquis" and "evidence of TRI-CP1-C1" in rows["TRI-CP1-C1"].evidence
    assert rows["TRI-CP1-C5"].final == "acquis" and rows["TRI-CP1-C5"].evidence.startswith("serveur-passerelle:")
    assert rows["TRI-CP1-C2"].final == "non évalué"  # no exercise evidenced it
    assert rows["TAI-CP6-C3"].kind == "partial" and rows["TAI-CP6-C3"].final == "à confirmer"
    assert rows["TAI-CT1-C2"].kind == "human" and rows["TAI-CT1-C2"].final == "à évaluer"
    gradebook.set_verdict("alice", "TAI-CT1-C2", "acquis", "veille présentée le 3/12", "formateur", url)
    gradebook.set_verdict("alice", "TRI-CP1-C1", "non-acquis", "fait avec l'aide du voisin", "formateur", url)
    rows = {r.criterion: r for r in gradebook.grid("alice", url=url)}
    assert rows["TAI-CT1-C2"].final == "acquis" and rows["TAI-CT1-C2"].note == "veille présentée le 3/12"
    assert rows["TRI-CP1-C1"].final == "non acquis" and rows["TRI-CP1-C1"].automatic == "acquis"  # the trainer prevails
    assert len(gradebook.grid("alice", ("TRI",), url)) == 33


def test_bad_verdicts_and_unknown_learners_are_refused(url: str) -> None:
    with pytest.raises(OfficeLabError, match="unknown verdict 'yes'"):
        gradebook.set_verdict("alice", "TRI-CP1-C1", "yes", "", "t", url)
    with pytest.raises(OfficeLabError, match="unknown criterion"):
        gradebook.set_verdict("alice", "TRI-CP1-C99", "acquis", "", "t", url)
    with pytest.raises(OfficeLabError, match="no learner bob"):
        gradebook.grid("bob", url=url)


def test_grid_exports_as_csv_and_printable_html(url: str, tmp_path: Path) -> None:
    gradebook.record(sheet("alice", {"TRI-CP1-C1": 1.0}), url=url)
    gradebook.record(sheet("bob", {"TRI-CP1-C1": 0.0}), url=url)
    out = tmp_path / "grille.csv"
    result = cli("grade", "export", "--csv", str(out), "--db", url)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 2 * 87 and {r["learner"] for r in rows} == {"alice", "bob"}
    assert {(r["learner"], r["verdict"]) for r in rows if r["criterion"] == "TRI-CP1-C1"} == {("alice", "acquis"), ("bob", "non acquis")}
    html = render_grid("alice", gradebook.grid("alice", url=url))
    assert "TAI-CT2-C3" in html and "<b>" not in json.dumps(rows[0])
    result = cli("grade", "set", "alice", "TRI-CP1-C1", "bof", "--db", url)
    assert result.returncode != 0 and "unknown verdict 'bof'" in result.stderr and "Traceback" not in result.stderr

"""The gradebook: every graded exercise and the criteria it evidenced, the trainer's own verdicts, and a learner's
grading grid — all the criteria of their title(s), the automatic ones filled from the grades, the partial ones
with their evidence for the trainer to confirm, the human ones for the trainer to score.

A real database: SQLite in the OfficeLab home by default, any SQLAlchemy URL (a centre's PostgreSQL) with
``--db`` or ``OFFICELAB_GRADES_URL``; its schema is made and migrated by Alembic (`migrations/`)."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from officelab.core.database import open_database
from officelab.core.errors import OfficeLabError
from officelab.criteria import catalogue
from officelab.exercises.grade import GradeSheet
from officelab.runtime.state import check_lab_name, home

VERDICTS = {"acquis": "acquis", "non-acquis": "non acquis", "en-cours": "en cours"}
"""What a trainer may set (as typed → as shown)."""
TITLES = ("TRI", "TAI")


class Base(DeclarativeBase):
    pass


class Learner(Base):
    __tablename__ = "learner"
    name: Mapped[str] = mapped_column(String(12), primary_key=True)
    class_name: Mapped[str] = mapped_column(String(40), default="", server_default="")
    created_at: Mapped[float] = mapped_column(Float)


class Result(Base):
    __tablename__ = "result"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(12), ForeignKey("learner.name"), index=True)
    scenario: Mapped[str] = mapped_column(String(49))
    graded_at: Mapped[float] = mapped_column(Float)
    total: Mapped[float] = mapped_column(Float)
    maximum: Mapped[int] = mapped_column(Integer)
    sheet: Mapped[str] = mapped_column(Text)


class Evidence(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    result_id: Mapped[int] = mapped_column(Integer, ForeignKey("result.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(16))
    verdict: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)


class TrainerVerdict(Base):
    __tablename__ = "trainer_verdict"
    learner: Mapped[str] = mapped_column(String(12), ForeignKey("learner.name"), primary_key=True)
    criterion: Mapped[str] = mapped_column(String(16), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    trainer: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(Float)


def default_url() -> str:
    return os.environ.get("OFFICELAB_GRADES_URL") or f"sqlite:///{home() / 'grades.sqlite'}"


def open_gradebook(url: str | None = None) -> Engine:
    """The gradebook's database, its schema brought to the latest revision (made on first use)."""
    return open_database(url or default_url(), resources.files("officelab.exercises") / "migrations", "gradebook")


@contextmanager
def session(url: str | None = None) -> Iterator[Session]:
    engine = open_gradebook(url)
    try:
        with Session(engine) as db, db.begin():
            yield db
    finally:
        engine.dispose()


def _learner(db: Session, name: str, class_name: str = "") -> Learner:
    check_lab_name(name)
    found = db.get(Learner, name)
    if found is None:
        found = Learner(name=name, class_name=class_name, created_at=time.time())
        db.add(found)
        db.flush()
    elif class_name and not found.class_name:
        found.class_name = class_name
    return found


def record(sheet: GradeSheet, class_name: str = "", url: str | None = None) -> int:
    """Keep a graded exercise and the criteria it evidenced. Returns its id."""
    with session(url) as db:
        _learner(db, sheet.learner, class_name)
        result = Result(
            learner=sheet.learner,
            scenario=sheet.scenario,
            graded_at=sheet.graded_at,
            total=sheet.total,
            maximum=sheet.maximum,
            sheet=json.dumps(sheet.to_dict(), ensure_ascii=False),
        )
        db.add(result)
        db.flush()
        for c in sheet.criteria:
            db.add(Evidence(result_id=result.id, criterion=c.id, verdict=c.verdict, score=c.score, text=f"{sheet.scenario}: {c.evidence}"))
        return result.id


def set_verdict(learner: str, criterion: str, verdict: str, note: str, trainer: str, url: str | None = None) -> None:
    """The trainer's verdict on one criterion (it overrides the automatic one)."""
    if criterion not in catalogue().criteria:
        raise OfficeLabError(f"unknown criterion {criterion!r}: see `officelab criteria`")
    if verdict not in VERDICTS:
        raise OfficeLabError(f"unknown verdict {verdict!r}: use {', '.join(VERDICTS)}")
    with session(url) as db:
        _learner(db, learner)
        existing = db.get(TrainerVerdict, (learner, criterion))
        if existing is None:
            shown = VERDICTS[verdict]
            db.add(TrainerVerdict(learner=learner, criterion=criterion, verdict=shown, note=note, trainer=trainer, at=time.time()))
        else:
            existing.verdict, existing.note, existing.trainer, existing.at = VERDICTS[verdict], note, trainer, time.time()


@dataclass(frozen=True)
class GridRow:
    criterion: str
    competency: str
    title: str
    kind: str  # full | partial | human
    automatic: str  # the best verdict the grades gave ("" when no exercise evidenced it)
    evidence: str
    trainer: str  # the trainer's verdict ("" when none)
    note: str
    final: str  # what the grid shows


def grid(learner: str, titles: tuple[str, ...] = TITLES, url: str | None = None) -> list[GridRow]:
    """Every criterion of ``titles`` for ``learner``, in the catalogue's order."""
    with session(url) as db:
        if db.get(Learner, learner) is None:
            raise OfficeLabError(
                f"no learner {learner} in the gradebook: grade an exercise first (`officelab exercise grade --learner {learner}`)"
            )
        best: dict[str, Evidence] = {}
        rows = db.execute(select(Evidence).join(Result, Evidence.result_id == Result.id).where(Result.learner == learner)).scalars()
        for found in rows:
            if found.criterion not in best or found.score > best[found.criterion].score:
                best[found.criterion] = found
        verdicts = {v.criterion: v for v in db.execute(select(TrainerVerdict).where(TrainerVerdict.learner == learner)).scalars()}
        grid_rows = []
        for competency in catalogue().competencies:
            if competency.id.split("-")[0] not in titles:
                continue
            for c in competency.criteria:
                ev = best.get(c.id)
                tv = verdicts.get(c.id)
                automatic = "" if ev is None else ("acquis" if ev.score >= 0.999 else "en cours" if ev.score >= 0.5 else "non acquis")
                if tv is not None:
                    final = tv.verdict
                elif c.check == "full":
                    final = automatic or "non évalué"
                elif c.check == "partial":
                    final = "à confirmer" if ev else "non évalué"
                else:
                    final = "à évaluer"
                evidence, trainer, note = (ev.text if ev else ""), (tv.verdict if tv else ""), (tv.note if tv else "")
                grid_rows.append(GridRow(c.id, competency.id, c.fr, c.check, automatic, evidence, trainer, note, final))
        return grid_rows


def learners(url: str | None = None) -> list[str]:
    with session(url) as db:
        return list(db.execute(select(Learner.name).order_by(Learner.name)).scalars())


def grids(names: list[str], titles: tuple[str, ...] = TITLES, url: str | None = None) -> dict[str, list[GridRow]]:
    """The grids of ``names`` (those the gradebook knows: a learner never graded has none yet)."""
    known = set(learners(url))
    return {name: grid(name, titles, url) for name in names if name in known}


def to_csv(grids: dict[str, list[GridRow]]) -> str:
    """Learners' grids as one CSV table: a header, then a row per learner and criterion."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["learner", "criterion", "competency", "kind", "title", "automatic", "trainer", "verdict", "evidence", "note"])
    for learner, rows in grids.items():
        for r in rows:
            writer.writerow([learner, r.criterion, r.competency, r.kind, r.title, r.automatic, r.trainer, r.final, r.evidence, r.note])
    return buffer.getvalue()

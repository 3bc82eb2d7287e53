"""The desk's tickets in a real database: SQLite in the OfficeLab home by default, any SQLAlchemy URL (a
PostgreSQL server) with ``--db`` or ``OFFICELAB_DESK_URL``; the schema is made and migrated by Alembic
(`migrations/`).

A ticket carries a version: every change of the ticket row is an ``UPDATE … WHERE version = n`` (SQLAlchemy's
version counter), so of two technicians changing one ticket at once one wins and the other gets `DeskConflict`,
nothing silently lost. Follow-ups and evidence are rows of their own: two written at once are both kept.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from officelab.core.database import open_database
from officelab.core.errors import OfficeLabError
from officelab.runtime.state import home


class DeskConflict(OfficeLabError):
    """The ticket changed between the moment it was read and the change asked."""


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "ticket"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lab: Mapped[str] = mapped_column(String(12), index=True)
    site: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10))  # incident | request
    category: Mapped[str] = mapped_column(String(80))
    requester: Mapped[str] = mapped_column(String(64))
    urgency: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer)
    priority_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(2))
    assignee: Mapped[str | None] = mapped_column(String(40), nullable=True)
    opened_at: Mapped[float] = mapped_column(Float)
    owned_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    solved_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    closed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    solution: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[int | None] = mapped_column(Integer, nullable=True)
    nodes: Mapped[str] = mapped_column(Text, default="[]")  # JSON list: the nodes concerned
    checks: Mapped[str] = mapped_column(Text, default="[]")  # JSON list: the recette's checks concerned
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's declarative attribute)

    def node_list(self) -> list[str]:
        return list(json.loads(self.nodes))

    def check_list(self) -> list[str]:
        return list(json.loads(self.checks))


class Event(Base):
    """One line of a ticket's history: opened, a follow-up, a move, an escalation, evidence attached…"""

    __tablename__ = "ticket_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(Integer, ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    at: Mapped[float] = mapped_column(Float)
    author: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[str] = mapped_column(Text, default="{}")

    def payload(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.data)
        return found


def default_url() -> str:
    return os.environ.get("OFFICELAB_DESK_URL") or f"sqlite:///{home() / 'desk.sqlite'}"


def open_desk(url: str | None = None) -> Engine:
    """The desk's database, its schema brought to the latest revision (made on first use)."""
    return open_database(url or default_url(), resources.files("officelab.domains.desk") / "migrations", "desk database")


@contextmanager
def session(url: str | None = None, engine: Engine | None = None) -> Iterator[Session]:
    """One transaction on the desk (on ``engine`` if given, else on the database at ``url``); a concurrent change
    of the same ticket is `DeskConflict`."""
    own = engine is None
    engine = engine or open_desk(url)
    try:
        with Session(engine, expire_on_commit=False) as db:
            try:
                with db.begin():
                    yield db
            except StaleDataError:
                raise DeskConflict(
                    "the ticket was changed by someone else meanwhile: nothing of this change was saved; "
                    "read it again (`officelab desk ticket show ID`) and redo it"
                ) from None
    finally:
        if own:
            engine.dispose()


def get(db: Session, ticket_id: int) -> Ticket:
    found = db.get(Ticket, ticket_id)
    if found is None:
        raise OfficeLabError(f"no ticket {ticket_id} in the desk (list them: `officelab desk ticket list`)")
    return found


def events(db: Session, ticket_id: int) -> list[Event]:
    return list(db.scalars(select(Event).where(Event.ticket_id == ticket_id).order_by(Event.at, Event.id)))


def record(
    db: Session, ticket: Ticket, author: str, kind: str, text: str = "", minutes: int = 0, private: bool = False, **data: Any
) -> Event:
    """Add a line to the ticket's history."""
    event = Event(
        ticket_id=ticket.id,
        at=data.pop("at", None) or time.time(),
        author=author,
        kind=kind,
        text=text,
        minutes=minutes,
        private=private,
        data=json.dumps(data, ensure_ascii=False),
    )
    db.add(event)
    return event


def search(db: Session, lab: str | None = None, status: tuple[str, ...] = (), assignee: str | None = None) -> list[Ticket]:
    query = select(Ticket).order_by(Ticket.id)
    if lab is not None:
        query = query.where(Ticket.lab == lab)
    if status:
        query = query.where(Ticket.status.in_(status))
    if assignee is not None:
        query = query.where(Ticket.assignee == assignee)
    return list(db.scalars(query))


def pauses(history: list[Event]) -> list[tuple[float, float | None]]:
    """The ticket's pending periods, from its history (the last may still be open)."""
    found: list[tuple[float, float | None]] = []
    start: float | None = None
    for e in history:
        if e.kind == "pending":
            start = e.at if start is None else start
        elif e.kind in ("resumed", "solved") and start is not None:
            found.append((start, e.at))
            start = None
    if start is not None:
        found.append((start, None))
    return found


def time_spent(history: list[Event]) -> int:
    """Minutes spent on the ticket, from its follow-ups and solution."""
    return sum(e.minutes for e in history)

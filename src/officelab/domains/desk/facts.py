"""What the desk's rules give from the site alone: the ITIL priority (urgency × impact by the site's matrix, GLPI's by
default), the statuses and the moves between them, the SLA targets, and the SLA clocks on the desk's calendar
(paused while a ticket is pending)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from officelab.domains.desk.model import Calendar, Desk, SlaTarget
from officelab.site.model import Site

GLPI_MATRIX: dict[int, dict[int, int]] = {
    1: {1: 1, 2: 1, 3: 2, 4: 2, 5: 2},
    2: {1: 1, 2: 2, 3: 2, 4: 3, 5: 3},
    3: {1: 2, 2: 2, 3: 3, 4: 4, 5: 4},
    4: {1: 2, 2: 3, 3: 4, 4: 4, 5: 5},
    5: {1: 2, 2: 3, 3: 4, 4: 5, 5: 5},
}
"""GLPI's default priority matrix: ``GLPI_MATRIX[urgency][impact]`` (its install data)."""

MAJOR = 6
"""Priority 6, "major": never from the matrix, set by hand with a reason (as in GLPI)."""

LEVELS_FR = {1: "très basse", 2: "basse", 3: "moyenne", 4: "haute", 5: "très haute", 6: "majeure"}
LEVELS_EN = {1: "very low", 2: "low", 3: "medium", 4: "high", 5: "very high", 6: "major"}

DEFAULT_CATEGORIES = (
    "Réseau",
    "Poste de travail",
    "Impression",
    "Messagerie",
    "Téléphonie",
    "Comptes et accès",
    "Partages de fichiers",
    "Logiciel",
    "Matériel",
    "Sécurité",
)

DEFAULT_SLA = (
    SlaTarget(priority=6, own=15, resolve=4 * 60),
    SlaTarget(priority=5, own=30, resolve=8 * 60),
    SlaTarget(priority=4, own=60, resolve=2 * 12 * 60),
    SlaTarget(priority=3, own=4 * 60, resolve=3 * 12 * 60),
    SlaTarget(priority=2, own=12 * 60, resolve=5 * 12 * 60),
    SlaTarget(priority=1, own=24 * 60, resolve=10 * 12 * 60),
)
"""OfficeLab's default targets, in minutes of the calendar (a 12-hour business day: GLPI's 08:00–20:00)."""


class Status(StrEnum):
    """A ticket's status, GLPI's life cycle (its numbers: 1 new, 2 assigned, 3 planned/in progress, 4 pending,
    5 solved, 6 closed)."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in-progress"
    PENDING = "pending"
    SOLVED = "solved"
    CLOSED = "closed"


STATUS_FR = {
    Status.NEW: "nouveau",
    Status.ASSIGNED: "attribué",
    Status.IN_PROGRESS: "en cours",
    Status.PENDING: "en attente",
    Status.SOLVED: "résolu",
    Status.CLOSED: "clos",
}

OPEN = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)

MOVES: dict[str, tuple[tuple[Status, ...], Status | None]] = {
    "take": ((Status.NEW, Status.ASSIGNED), Status.ASSIGNED),
    "work": ((Status.ASSIGNED,), Status.IN_PROGRESS),
    "escalate": ((Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS), None),
    "pending": ((Status.ASSIGNED, Status.IN_PROGRESS), Status.PENDING),
    "resume": ((Status.PENDING,), Status.IN_PROGRESS),
    "solve": ((Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING), Status.SOLVED),
    "reopen": ((Status.SOLVED,), Status.IN_PROGRESS),
    "close": ((Status.SOLVED,), Status.CLOSED),
}
"""Each action: the statuses it may start from, and where it leads (None: the same, or what the action says)."""


def move_problem(action: str, status: Status) -> str | None:
    """Why ``action`` cannot be done on a ticket in ``status`` (None: it can)."""
    starts, _ = MOVES[action]
    if status in starts:
        return None
    return f"a {status.value} ticket cannot be {_DONE[action]} (only a ticket {' or '.join(s.value for s in starts)})"


_DONE = {
    "take": "taken",
    "work": "worked on",
    "escalate": "escalated",
    "pending": "put pending",
    "resume": "resumed",
    "solve": "solved",
    "reopen": "reopened",
    "close": "closed",
}


def desk_of(site: Site | None) -> Desk:
    """The site's desk section, or the defaults."""
    return site.desk if site is not None and site.desk is not None else Desk()


def categories(desk: Desk) -> tuple[str, ...]:
    return tuple(desk.categories) or DEFAULT_CATEGORIES


def priority(urgency: int, impact: int, matrix: dict[int, dict[int, int]] | None = None) -> int:
    """The ITIL priority of a ticket (1 to 5) from its urgency and impact (1 to 5) by ``matrix``; where the matrix
    has no cell, the rounded mean, as GLPI computes it."""
    if not (1 <= urgency <= 5 and 1 <= impact <= 5):
        raise ValueError(f"urgency and impact go from 1 to 5, not {urgency} and {impact}")
    cell = (matrix or GLPI_MATRIX).get(urgency, {}).get(impact)
    return cell if cell is not None else int((urgency + impact) / 2 + 0.5)


def target(desk: Desk, level: int) -> SlaTarget:
    """The SLA target for priority ``level``: the site's, else the default grid's."""
    mine = {t.priority: t for t in desk.sla}
    return mine.get(level) or next(t for t in DEFAULT_SLA if t.priority == level)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _segments(calendar: Calendar, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The calendar's opening hours on ``day``, as aware datetimes."""
    zone = ZoneInfo(calendar.timezone)
    name = _DAYS[day.weekday()]
    midnight = dt.datetime.combine(day, dt.time(), zone)
    return [
        (midnight + dt.timedelta(minutes=_minutes(o.start)), midnight + dt.timedelta(minutes=_minutes(o.end)))
        for o in sorted(calendar.hours, key=lambda o: o.start)
        if o.day == name
    ]


MAX_DAYS = 800
"""How far a calendar is walked (a target of 120 days of 1 opening hour a week would need more: refused)."""


def working_seconds(calendar: Calendar, start: float, end: float) -> float:
    """Seconds of the calendar's opening hours between two instants (all of them around the clock)."""
    if end <= start:
        return 0.0
    if not calendar.hours:
        return end - start
    zone = ZoneInfo(calendar.timezone)
    first = dt.datetime.fromtimestamp(start, zone).date()
    last = dt.datetime.fromtimestamp(end, zone).date()
    total = 0.0
    day = first
    while day <= last:
        for opens, shuts in _segments(calendar, day):
            lo, hi = max(opens.timestamp(), start), min(shuts.timestamp(), end)
            total += max(0.0, hi - lo)
        day += dt.timedelta(days=1)
    return total


def add_working(calendar: Calendar, start: float, seconds: float) -> float:
    """The instant when ``seconds`` of opening hours have passed after ``start``."""
    if not calendar.hours:
        return start + seconds
    zone = ZoneInfo(calendar.timezone)
    day = dt.datetime.fromtimestamp(start, zone).date()
    left = seconds
    for _ in range(MAX_DAYS):
        for opens, shuts in _segments(calendar, day):
            lo, hi = max(opens.timestamp(), start), shuts.timestamp()
            if hi <= lo:
                continue
            if hi - lo >= left:
                return lo + left
            left -= hi - lo
        day += dt.timedelta(days=1)
    raise ValueError(f"the desk's calendar has not {seconds / 3600:.1f} opening hours in {MAX_DAYS} days")


@dataclass(frozen=True)
class Clock:
    """One SLA clock of a ticket: its target, when it is due, how much of it has run, and whether it is breached."""

    name: str
    minutes: int
    due: float
    used: float  # seconds of the calendar counted so far (pauses taken out)
    stopped: bool  # the clock's event happened (owned, solved)

    @property
    def breached(self) -> bool:
        return self.used > self.minutes * 60

    @property
    def left(self) -> float:
        return self.minutes * 60 - self.used


def clocks(
    desk: Desk,
    level: int,
    opened: float,
    owned: float | None,
    solved: float | None,
    pauses: list[tuple[float, float | None]],
    now: float,
) -> tuple[Clock, Clock]:
    """The time-to-own and time-to-resolve clocks of a ticket of priority ``level`` opened at ``opened``; ``pauses``
    are its pending periods (an open one ends ``now``), taken out of the time to resolve only (a ticket is put
    pending once owned)."""
    cal, goal = desk.calendar, target(desk, level)
    own_end = owned if owned is not None else now
    own = Clock("own", goal.own, add_working(cal, opened, goal.own * 60), working_seconds(cal, opened, own_end), owned is not None)
    end = solved if solved is not None else now
    paused = sum(working_seconds(cal, a, min(b if b is not None else now, end)) for a, b in pauses)
    used = working_seconds(cal, opened, end) - paused
    due = add_working(cal, opened, goal.resolve * 60 + paused)
    return own, Clock("resolve", goal.resolve, due, used, solved is not None)

"""Validation of the desk: unique categories and technicians, a priority matrix of levels 1 to 5, SLA targets once
per priority and owned before they are resolved, a calendar whose time zone exists and whose hours open before they
close."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    d = v.site.desk
    if d is None:
        return
    for k, name in enumerate(d.categories):
        if not name.strip():
            v.add(("desk", "categories", k), "an empty category", "give the category a name, or remove it")
        elif name in d.categories[:k]:
            v.add(("desk", "categories", k), f"category {name!r} is listed twice", "list each category once")
    for k, tech in enumerate(d.technicians):
        if tech.name in [t.name for t in d.technicians[:k]]:
            v.add(("desk", "technicians", k, "name"), f"technician {tech.name!r} is listed twice", "give each technician one entry")
    for urgency, row in (d.matrix or {}).items():
        if not 1 <= urgency <= 5:
            v.add(("desk", "matrix", urgency), f"urgency {urgency} is not a level", "urgencies go from 1 (very low) to 5 (very high)")
        for impact, level in row.items():
            if not 1 <= impact <= 5 or not 1 <= level <= 5:
                v.add(
                    ("desk", "matrix", urgency, impact),
                    f"impact {impact} → priority {level}: both must be 1 to 5",
                    "priority 6 (major) is set by hand on a ticket, never by the matrix",
                )
    for k, goal in enumerate(d.sla):
        if goal.priority in [g.priority for g in d.sla[:k]]:
            v.add(("desk", "sla", k, "priority"), f"priority {goal.priority} has two SLA targets", "keep one target per priority")
        if goal.own > goal.resolve:
            v.add(
                ("desk", "sla", k, "own"),
                f"priority {goal.priority} must be owned ({goal.own} min) before it is resolved ({goal.resolve} min)",
                "make `own` at most `resolve`",
            )
    try:
        ZoneInfo(d.calendar.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        v.add(("desk", "calendar", "timezone"), f"unknown time zone {d.calendar.timezone!r}", "use an IANA name such as Europe/Paris")
    for k, opening in enumerate(d.calendar.hours):
        if opening.end <= opening.start:
            v.add(
                ("desk", "calendar", "hours", k),
                f"{opening.day} opens at {opening.start} and closes at {opening.end}",
                "close after it opens",
            )
        same = [o for o in d.calendar.hours[:k] if o.day == opening.day and o.start < opening.end and opening.start < o.end]
        if same:
            v.add(
                ("desk", "calendar", "hours", k), f"{opening.day} {opening.start}-{opening.end} overlaps another opening", "merge the two"
            )

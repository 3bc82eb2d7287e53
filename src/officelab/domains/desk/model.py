"""The site file's `desk:` section: what the site's service desk is set up with (categories, technicians by level,
the priority matrix, the SLA targets and the calendar their clocks run on). Everything has a default (GLPI's
matrix, OfficeLab's SLA grid, GLPI's office hours), so a site without the section still has a desk."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from officelab.core.model import Model

Level = Literal["N1", "N2"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Technician(Model):
    """Someone who works tickets: a first-level (N1) or second-level (N2) technician."""

    name: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    level: Level = "N1"
    full_name: str = Field(default="", max_length=80)


class SlaTarget(Model):
    """The time to own (take into account) and to resolve a ticket of one priority, in minutes of the calendar."""

    priority: int = Field(ge=1, le=6)
    own: int = Field(gt=0, le=60 * 24 * 60, description="minutes to take the ticket into account")
    resolve: int = Field(gt=0, le=60 * 24 * 120, description="minutes to solve it")


class Opening(Model):
    """The hours the SLA clocks run on one weekday (HH:MM, local time of the calendar)."""

    day: Weekday
    start: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    end: str = Field(pattern=r"^([01][0-9]|2[0-4]):[0-5][0-9]$")


def _office_hours() -> list[Opening]:
    """GLPI's default calendar: Monday to Friday, 08:00 to 20:00."""
    return [Opening(day=day, start="08:00", end="20:00") for day in ("mon", "tue", "wed", "thu", "fri")]


class Calendar(Model):
    """When the SLA clocks run: a time zone and opening hours per weekday (GLPI's Monday-Friday 08:00-20:00 by
    default; ``hours: []``: around the clock)."""

    timezone: str = Field(default="Europe/Paris", max_length=64)
    hours: list[Opening] = Field(default_factory=_office_hours, max_length=21)


class Desk(Model):
    """The site's service desk."""

    categories: list[str] = Field(default_factory=list, max_length=64, description="ticket categories (default: a French list)")
    technicians: list[Technician] = Field(default_factory=list, max_length=64)
    matrix: dict[int, dict[int, int]] | None = Field(
        default=None, description="priority by urgency then impact, 1 to 5 (default: GLPI's 5×5 matrix)"
    )
    sla: list[SlaTarget] = Field(default_factory=list, max_length=6, description="targets by priority (default: OfficeLab's grid)")
    calendar: Calendar = Field(default_factory=Calendar)

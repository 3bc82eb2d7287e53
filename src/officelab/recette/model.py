"""Checks and their outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from officelab.probes import ProbeResult
from officelab.probes.spec import ProbeSpec


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Check:
    """A probe, where it runs, what must hold (reach, or must NOT reach), and the criteria it evidences."""

    id: str
    title_fr: str
    title_en: str
    place: str  # a node of the lab, or "here" (this machine)
    probe: ProbeSpec
    criteria: tuple[str, ...]
    expect: bool = True  # False: the probe must fail ("must NOT reach")
    depends: tuple[str, ...] = ()
    required: bool = True
    deadline: float = 6.0  # a positive check is retried until it passes or this many seconds pass
    group: str = "network"

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en


@dataclass
class Outcome:
    check: Check
    status: Status
    cause: str
    result: ProbeResult | None = None
    attempts: int = 0
    blocked_by: str | None = None  # the failed check at the root of a blocked one
    duration: float = 0.0

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        c = self.check
        return {
            "id": c.id,
            "title": c.title(lang),
            "place": c.place,
            "group": c.group,
            "expect": "reach" if c.expect else "blocked",
            "criteria": list(c.criteria),
            "required": c.required,
            "status": self.status.value,
            "cause": self.cause,
            "blocked_by": self.blocked_by,
            "attempts": self.attempts,
            "duration": round(self.duration, 3),
            "probe": c.probe.model_dump(mode="json"),
            "evidence": self.result.to_dict() if self.result else None,
        }


@dataclass
class SuiteResult:
    site: str
    lab: str
    outcomes: list[Outcome] = field(default_factory=list)
    started: float = 0.0
    duration: float = 0.0
    technician: str = ""

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status is status)

    @property
    def ok(self) -> bool:
        return all(o.status is Status.PASS for o in self.outcomes if o.check.required)

    def roots(self) -> dict[str, list[Outcome]]:
        """Each failed check → the checks it blocked."""
        blocked: dict[str, list[Outcome]] = {o.check.id: [] for o in self.outcomes if o.status is Status.FAIL}
        for o in self.outcomes:
            if o.status is Status.BLOCKED and o.blocked_by in blocked:
                blocked[o.blocked_by].append(o)
        return blocked

"""Checks and their outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from officelab.probes import ProbeResult
from officelab.probes.spec import ProbeSpec
from officelab.recette.secrets import Masker, secret_values


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Vantage:
    """Another place a check can run from, with everything the check needs when it runs there (that host's own
    checks), and that place's version of the probe (its interface name) when it differs."""

    place: str
    depends: tuple[str, ...] = ()
    probe: ProbeSpec | None = None


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
    after: tuple[str, ...] = ()  # run after these (their outcome whatever it is): sharing a resource, not needing it
    deadline: float = 6.0  # a positive check is retried until it passes or this many seconds pass
    group: str = "network"
    fallbacks: tuple[Vantage, ...] = ()  # where else it runs when ``place``'s own checks fail (blocking stays local)

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en

    @property
    def vantages(self) -> tuple[Vantage, ...]:
        """Where it may run, in order of preference: ``place`` first."""
        return (Vantage(self.place, self.depends, self.probe), *self.fallbacks)

    def all_depends(self) -> tuple[str, ...]:
        """Every check it may need, wherever it runs."""
        return tuple(dict.fromkeys(d for v in self.vantages for d in v.depends))


@dataclass(frozen=True)
class NotBuilt:
    """A check the site implies but that cannot be built on it, and why (reported, never silently dropped)."""

    id: str
    title_fr: str
    title_en: str
    why: str
    group: str

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def to_dict(self, lang: str = "en") -> dict[str, str]:
        return {"id": self.id, "title": self.title(lang), "group": self.group, "status": "not built", "why": self.why}


@dataclass(frozen=True)
class Localised:
    """Where a failed check's fault is, as the bottom-up diagnosis from its place found it."""

    where: str
    cause_fr: str
    cause_en: str
    fix_fr: str
    fix_en: str
    probes: int

    def cause(self, lang: str) -> str:
        return self.cause_fr if lang == "fr" else self.cause_en

    def fix(self, lang: str) -> str:
        return self.fix_fr if lang == "fr" else self.fix_en


@dataclass
class Outcome:
    check: Check
    status: Status
    cause: str
    result: ProbeResult | None = None
    attempts: int = 0
    blocked_by: str | None = None  # the failed check at the root of a blocked one
    duration: float = 0.0
    place: str = ""  # where it ran ("": its own place; another when a need of its place failed)

    @property
    def ran_at(self) -> str:
        return self.place or self.check.place

    def secrets(self) -> set[str]:
        """The secret values this outcome's probe carries (its passwords, its URLs' passwords)."""
        return secret_values(self.check.probe)

    def to_dict(self, lang: str = "en", *, reveal: bool = False, masker: Masker | None = None) -> dict[str, Any]:
        """The outcome as JSON data, secrets masked (by ``masker``, default one knowing this probe's secrets)
        unless ``reveal``."""
        c = self.check
        data = {
            "id": c.id,
            "title": c.title(lang),
            "place": self.ran_at,
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
        if reveal:
            return data
        masked: dict[str, Any] = (masker or Masker(self.secrets()))(data)
        return masked

    def masked(self, masker: Masker) -> Outcome:
        """A copy for a report: the probe's secret fields, and secrets in titles, cause and evidence, masked."""
        c = self.check
        probe = c.probe.model_copy(update={name: masker.field(name, value) for name, value in c.probe if isinstance(value, str)})
        check = replace(c, title_fr=masker.text(c.title_fr), title_en=masker.text(c.title_en), probe=probe)
        result = None
        if self.result is not None:
            r = self.result
            result = replace(
                r, summary=masker.text(r.summary), sent=masker.text(r.sent), received=masker.text(r.received), data=masker(r.data)
            )
        return replace(self, check=check, cause=masker.text(self.cause), result=result)


@dataclass
class SuiteResult:
    site: str
    lab: str
    outcomes: list[Outcome] = field(default_factory=list)
    started: float = 0.0
    duration: float = 0.0
    technician: str = ""
    secrets: set[str] = field(default_factory=set)  # more values to mask wherever they appear (the site's passwords)
    not_built: list[NotBuilt] = field(default_factory=list)
    localised: dict[str, Localised] = field(default_factory=dict)  # a failed check → its diagnosis's conclusion

    def masker(self) -> Masker:
        """The masker of this result's reports: it knows the site's secrets and every probe's."""
        return Masker(self.secrets.union(*(o.secrets() for o in self.outcomes)))

    def masked(self) -> SuiteResult:
        """A copy for a report, with every secret masked (see `officelab.recette.secrets`)."""
        masker = self.masker()
        localised = {
            i: Localised(masker.text(d.where), masker.text(d.cause_fr), masker.text(d.cause_en), d.fix_fr, d.fix_en, d.probes)
            for i, d in self.localised.items()
        }
        return replace(self, outcomes=[o.masked(masker) for o in self.outcomes], localised=localised)

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

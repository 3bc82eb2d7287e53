"""What an audit found: findings with their evidence, the rules it could not probe and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from officelab.audit.rules import BY_ID, Rule
from officelab.probes import ProbeResult


@dataclass(frozen=True)
class Evidence:
    """What was observed, by which real probe, from where."""

    probe: str
    vantage: str
    summary: str
    sent: str = ""
    received: str = ""

    @classmethod
    def of(cls, probe: str, vantage: str, result: ProbeResult) -> Evidence:
        return cls(probe, vantage, result.summary, result.sent, result.received[-300:])


@dataclass(frozen=True)
class Finding:
    rule: str
    target: str
    detail: str
    evidence: tuple[Evidence, ...]

    @property
    def spec(self) -> Rule:
        return BY_ID[self.rule]

    def to_dict(self, lang: str) -> dict[str, Any]:
        r = self.spec
        return {
            "rule": r.id,
            "title": r.title(lang),
            "severity": r.severity.value,
            "measure": r.measure.cite(),
            "target": self.target,
            "detail": self.detail,
            "fix": r.fix(lang),
            "criteria": list(r.criteria),
            "evidence": [e.__dict__ for e in self.evidence],
        }


@dataclass(frozen=True)
class Unprobed:
    """A rule that could not be probed on this site (no vantage, no such service), said, never dropped."""

    rule: str
    why: str


@dataclass
class AuditResult:
    site: str
    lab: str
    started: float
    findings: list[Finding] = field(default_factory=list)
    unprobed: list[Unprobed] = field(default_factory=list)
    probes: int = 0
    duration: float = 0.0

    def ordered(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (f.spec.severity.rank, f.rule, f.target))

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "site": self.site,
            "lab": self.lab,
            "started": self.started,
            "duration": round(self.duration, 2),
            "probes": self.probes,
            "findings": [f.to_dict(lang) for f in self.ordered()],
            "unprobed": [u.__dict__ for u in self.unprobed],
        }

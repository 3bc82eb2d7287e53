"""What a diagnosis is: the steps walked bottom-up, each with its evidence, and the conclusion."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from officelab.probes import Layer


@dataclass
class Step:
    """One step of the method: what was looked at (in the technician's words), whether it holds, and the
    evidence (what the probe saw, and what the site's design says)."""

    layer: Layer
    title_fr: str
    title_en: str
    ok: bool
    evidence: str
    probe: str = ""  # the probe kind used, "" when the step read the lab's live configuration

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en


@dataclass
class Diagnosis:
    source: str
    target: str
    steps: list[Step] = field(default_factory=list)
    found: bool = False  # a broken layer was found and localised
    cause_fr: str = ""
    cause_en: str = ""
    where: str = ""
    fix_fr: str = ""
    fix_en: str = ""
    criteria: tuple[str, ...] = ("TRI-CT", "TAI-CP11")
    seconds: float = 0.0

    @property
    def probes(self) -> int:
        return sum(1 for s in self.steps if s.probe)

    def cause(self, lang: str) -> str:
        return self.cause_fr if lang == "fr" else self.cause_en

    def fix(self, lang: str) -> str:
        return self.fix_fr if lang == "fr" else self.fix_en

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["probes"] = self.probes
        data["steps"] = [{**asdict(s), "layer": s.layer.value} for s in self.steps]
        return data

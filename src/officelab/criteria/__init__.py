"""The official performance criteria of the two titles (IDs, French and English titles, how checkable)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from ruamel.yaml import YAML


@dataclass(frozen=True)
class Criterion:
    id: str
    competency: str
    fr: str
    en: str
    check: str  # full | partial | human
    evidence: str = ""

    def title(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Competency:
    id: str
    fr: str
    en: str
    criteria: tuple[Criterion, ...]

    def title(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Catalogue:
    competencies: tuple[Competency, ...]

    @property
    def criteria(self) -> dict[str, Criterion]:
        return {c.id: c for comp in self.competencies for c in comp.criteria}

    def competency(self, competency_id: str) -> Competency:
        return next(c for c in self.competencies if c.id == competency_id)


@cache
def catalogue() -> Catalogue:
    """The catalogue shipped with OfficeLab (generated from shared/reac/competencies.yaml)."""
    data = YAML(typ="safe").load((resources.files("officelab.criteria") / "catalogue.yaml").read_text(encoding="utf-8"))
    competencies = []
    for cid, comp in data["competencies"].items():
        criteria = tuple(Criterion(c["id"], cid, c["fr"], c["en"], c["check"], c.get("evidence", "")) for c in comp["criteria"])
        competencies.append(Competency(cid, comp["fr"], comp["en"], criteria))
    return Catalogue(tuple(competencies))

"""What a fault type is: typed parameters (a pydantic model, validated against the site), a difficulty, the
competencies it exercises, its layer, its ground truth, and how it is injected and cleared on a live lab."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from officelab.probes import Layer

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab
    from officelab.site.model import Site

Undo = dict[str, Any]
"""What a fault changed, as it was before (JSON): enough for `Fault.clear` to put it back exactly."""


@dataclass(frozen=True)
class GroundTruth:
    """What a fault is, as the trainer's answer: the root cause and the fix in French and English, where it sits
    (``sw-floor:ge3``, ``fw: nftables``, ``srv-ad: user pdurand``), and the derived checks it must make fail.
    ``may_fail`` lists (as ``fnmatch`` patterns) the checks that also fail as consequences a technician would
    see, and nothing else may fail; every other check passes or is blocked under a failed one."""

    cause_fr: str
    cause_en: str
    where: str
    fix_fr: str
    fix_en: str
    fails: tuple[str, ...]
    may_fail: tuple[str, ...] = ()

    def cause(self, lang: str) -> str:
        return self.cause_fr if lang == "fr" else self.cause_en

    def fix(self, lang: str) -> str:
        return self.fix_fr if lang == "fr" else self.fix_en


@dataclass(frozen=True)
class FaultInfo:
    """A fault type as the catalogue shows it."""

    kind: str
    domain: str
    title_fr: str
    title_en: str
    layer: Layer
    difficulty: int
    competencies: tuple[str, ...]
    parameters: dict[str, str] = field(default_factory=dict)  # name → what it is


class Fault(BaseModel):
    """A fault type: subclass it in a domain's ``faults.py``, with its parameters as fields.

    ``kind`` is its name in the catalogue (``cable-pulled``); ``candidates`` every instance that applies to a
    site (the trainer's random draw and the test suite use them); ``problems`` what is wrong with these parameters
    on this site; ``truth`` its ground truth; ``inject`` makes it on a live lab and returns what it changed, which
    ``clear`` puts back."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ClassVar[str]
    title_fr: ClassVar[str]
    title_en: ClassVar[str]
    layer: ClassVar[Layer]
    difficulty: ClassVar[int]  # 1 (one look), 2 (a method), 3 (two layers, or a subtle design mismatch)
    competencies: ClassVar[tuple[str, ...]]
    kept_in_state: ClassVar[bool] = False
    """True when what the fault changes lives in the lab's saved state (a node's files, a port change): a
    snapshot holds it, and a restore needs not make it again."""

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        raise NotImplementedError

    def problems(self, site: Site) -> list[str]:
        """What makes these parameters impossible on ``site`` (each a sentence with the valid choices)."""
        return []

    def truth(self, site: Site) -> GroundTruth:
        raise NotImplementedError

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        """Where a technician would diagnose this fault from: (a host it affects, a target, the word the
        diagnosis must name: the port, the node, the rule…), or None when a walk cannot see it (a forbidden flow
        opened: everything works)."""
        return None

    def inject(self, lab: Lab) -> Undo:
        raise NotImplementedError

    def clear(self, lab: Lab, undo: Undo) -> None:
        raise NotImplementedError

    def reapply(self, lab: Lab, undo: Undo) -> None:
        """Make the fault again on a lab restored from a snapshot (its recorded state, freshly booted): inject it
        again, unless what it changed was restored with the state (`kept_in_state`)."""
        if not self.kept_in_state:
            self.inject(lab)

    def label(self) -> str:
        """The fault as one line: its kind and parameters (``cable-pulled at=pc-compta-1:eth0``)."""
        params = " ".join(f"{k}={v}" for k, v in self.model_dump().items())
        return f"{self.kind} {params}".strip()

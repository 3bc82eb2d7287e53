"""The recette's causes as diagnoses: each failed check is walked bottom-up from where it ran, so that the report
says where the fault is (this switch port, this rule, this record), not only which check failed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from officelab.core.errors import OfficeLabError
from officelab.diagnosis.walk import diagnose
from officelab.recette.model import Localised, Status, SuiteResult
from officelab.site.topology import Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

LIMIT = 12
"""At most this many failed checks are walked (each walk takes a few probes)."""


def localise(lab: Lab, result: SuiteResult) -> None:
    """Walk each failed positive check from its place towards itself, and keep what the walk concluded."""
    hosts = {hp.node.name for hp in Topology(lab.site()).hosts}
    failed = [o for o in result.outcomes if o.status is Status.FAIL and o.check.expect and o.ran_at in hosts]
    for outcome in failed[:LIMIT]:
        try:
            found = diagnose(lab, outcome.ran_at, outcome.check.id)
        except OfficeLabError:
            continue  # a check the walk cannot aim at: its own cause stands
        if found.found:
            result.localised[outcome.check.id] = Localised(
                found.where, found.cause_fr, found.cause_en, found.fix_fr, found.fix_en, found.probes
            )

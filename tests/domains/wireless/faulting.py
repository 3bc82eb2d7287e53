"""What the Wi-Fi live tests share: the failed checks of a recette, and a fault failing exactly its ground truth."""

from __future__ import annotations

import fnmatch

from officelab.faults import engine
from officelab.faults.model import Fault
from officelab.recette.model import Status, SuiteResult
from officelab.recette.run import run_on_lab
from officelab.runtime.lab import Lab


def failed(result: SuiteResult) -> set[str]:
    return {o.check.id for o in result.outcomes if o.status is Status.FAIL}


def fails_its_ground_truth_and_clears(lab: Lab, fault: Fault) -> None:
    entry = engine.inject(lab, fault)
    truth = engine.truth_of(entry)
    try:
        during = failed(run_on_lab(lab))
    finally:
        engine.clear(lab, [entry.id])
    assert set(truth.fails) <= during, f"{fault.kind}: did not fail: {set(truth.fails) - during}"
    outside = {i for i in during if i not in truth.fails and not any(fnmatch.fnmatchcase(i, p) for p in truth.may_fail)}
    assert outside == set(), f"{fault.kind}: failures outside its ground truth"
    assert failed(run_on_lab(lab)) == set()

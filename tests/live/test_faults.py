"""Every fault type of the catalogue on the default site: injected with its real mechanism, the recette fails
exactly its ground truth (its `fails` checks fail; any other failure is one of its `may_fail`; the rest pass or
are blocked); `officelab diagnose` from the fault's vantage point finds it and names where it is; then the
fault is cleared and the same checks pass again.

`make test` runs a sample (`SAMPLE`, one fault of each layer); `make test-faults` runs every type
(``OFFICELAB_ALL_FAULTS=1``)."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator

import pytest

from officelab.core.deadline import wait_for
from officelab.diagnosis.walk import diagnose
from officelab.faults import engine
from officelab.faults.model import Fault, GroundTruth
from officelab.recette.derive import derive_suite
from officelab.recette.model import Check, Status, SuiteResult
from officelab.recette.run import run_on_lab
from officelab.runtime.lab import Lab
from officelab.site.loader import load_site
from tests.live.leaks import booted

pytestmark = pytest.mark.live
LAB = "tfault"
SAMPLE = ("cable-pulled", "port-wrong-vlan", "wrong-gateway", "dhcp-wrong-router", "dns-record-wrong")
ALL = bool(os.environ.get("OFFICELAB_ALL_FAULTS"))


def _faults() -> list[Fault]:
    """One fault of each type (the first candidate for the default site, so a failure is reproducible)."""
    site = load_site("cabinet-martin")
    chosen = []
    for kind, (domain, cls) in engine.catalogue().items():
        if domain == "box":
            continue  # the internet box's are on tpe (the default site has none): tests/domains/box/test_live.py
        if ALL or kind in SAMPLE:
            candidates = cls.candidates(site)
            assert candidates, f"{kind} has no candidate on the default site"
            chosen.append(candidates[0])
    return chosen


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    yield from booted(LAB)


def failed(result: SuiteResult) -> dict[str, str]:
    return {o.check.id: o.cause for o in result.outcomes if o.status is Status.FAIL}


def unexplained(truth: GroundTruth, failures: dict[str, str]) -> dict[str, str]:
    return {i: c for i, c in failures.items() if i not in truth.fails and not any(fnmatch.fnmatchcase(i, p) for p in truth.may_fail)}


def test_the_lab_starts_green(lab: Lab) -> None:
    assert failed(run_on_lab(lab)) == {}


@pytest.mark.parametrize("fault", _faults(), ids=lambda f: f.kind)
def test_fault_fails_its_ground_truth_and_clears(lab: Lab, fault: Fault) -> None:
    entry = engine.inject(lab, fault)
    truth = engine.truth_of(entry)
    assert truth.fails, f"{fault.kind}: a ground truth names at least one check that must fail"
    vantage = fault.vantage(lab.site())
    try:
        result = run_on_lab(lab)
        found = diagnose(lab, vantage[0], vantage[1]) if vantage else None
    finally:
        engine.clear(lab, [entry.id])
    during = failed(result)
    assert engine.active(lab) == []
    missing = [i for i in truth.fails if i not in during]
    assert not missing, f"{fault.label()}: these ground-truth checks did not fail: {missing}; failed: {sorted(during)}"
    assert unexplained(truth, during) == {}, f"{fault.label()}: failures outside its ground truth"
    if vantage is not None and found is not None:
        said = f"{found.where} {found.cause_en}"
        steps = "; ".join(f"{s.title_en}: {s.evidence}" for s in found.steps)
        assert found.found and vantage[2] in said, f"{fault.label()}: diagnose {vantage[0]} {vantage[1]} said {said!r} ({steps})"
        assert found.probes <= 10, f"{fault.label()}: {found.probes} probes"
    touched = {o.check.id for o in result.outcomes if o.status is not Status.PASS}
    after = failed(run_on_lab(lab, with_needs(derive_suite(lab.site()), touched)))
    assert after == {}, f"{fault.label()} cleared, yet: {after}"


def test_a_refused_recorder_logs_no_password(lab: Lab) -> None:
    """While a camera refuses the recorder, ffmpeg names the camera's URL in its errors: the log has it hidden."""
    site = lab.site()
    assert site.video is not None and site.video.recorder
    camera = site.video.cameras[0]
    log = lab.dir.node_dir(site.video.recorder) / "log" / f"record-{camera.node}.log"
    entry = engine.inject(lab, engine.make(site, "camera-password-changed", {"camera": camera.node}))
    try:
        refused = wait_for(lambda: "401" in log.read_text(errors="replace"), 20)
    finally:
        engine.clear(lab, [entry.id])
    text = log.read_text(errors="replace")
    assert refused, "the recorder was refused (and said so in its log)"
    assert camera.password not in text and ":***@" in text


def test_the_lab_ends_green(lab: Lab) -> None:
    """Each fault's test ran again what it had broken once cleared; nothing else was left broken either."""
    assert engine.active(lab) == []
    assert failed(run_on_lab(lab)) == {}


def with_needs(checks: list[Check], wanted: set[str]) -> list[Check]:
    """The checks ``wanted`` and all they depend on, in the recette's order."""
    by_id = {c.id: c for c in checks}
    needed, todo = set(), list(wanted)
    while todo:
        current = todo.pop()
        if current in needed or current not in by_id:
            continue
        needed.add(current)
        todo.extend(by_id[current].all_depends())
    return [c for c in checks if c.id in needed]

"""The check engine with fake probes: order, blocking under one root cause, retries, negative checks."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from officelab.core.errors import OfficeLabError
from officelab.domains.network.model import PingProbe
from officelab.probes import Layer, ProbeResult
from officelab.probes.place import LocalPlace, Place
from officelab.recette import engine
from officelab.recette.model import Check, Status


def check(cid: str, target: str, *, depends: tuple[str, ...] = (), expect: bool = True, deadline: float = 1.0) -> Check:
    return Check(cid, cid, cid, "here", PingProbe(target=target), ("TRI-CP1-C1",), expect=expect, depends=depends, deadline=deadline)


@pytest.fixture()
def fake(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[int], bool]]:
    """target → function(attempt) telling whether the probe succeeds."""
    behaviour: dict[str, Callable[[int], bool]] = {}
    attempts: dict[str, int] = {}
    lock = threading.Lock()

    def run(spec: PingProbe, place: Place) -> ProbeResult:
        with lock:
            attempts[spec.target] = attempts.get(spec.target, 0) + 1
            n = attempts[spec.target]
        ok = behaviour[spec.target](n)
        return ProbeResult(ok, Layer.NETWORK, f"{spec.target} {'answers' if ok else 'silent'} (attempt {n})")

    monkeypatch.setattr(engine, "run_probe", run)
    monkeypatch.setattr(engine, "RETRY_PAUSE", 0.01)
    return behaviour


def run(checks: list[Check]) -> dict[str, object]:
    outcomes = engine.run_suite(checks, lambda _: LocalPlace())
    return {o.check.id: o for o in outcomes}


def test_failure_blocks_dependents_under_one_root(fake) -> None:  # type: ignore[no-untyped-def]
    fake.update({"a": lambda n: False, "b": lambda n: True, "c": lambda n: True, "d": lambda n: True})
    out = run([check("link", "a"), check("ip", "b", depends=("link",)), check("gw", "c", depends=("ip",)), check("other", "d")])
    assert out["link"].status is Status.FAIL  # type: ignore[attr-defined]
    for cid in ("ip", "gw"):
        assert out[cid].status is Status.BLOCKED and out[cid].blocked_by == "link", cid  # type: ignore[attr-defined]
    assert out["other"].status is Status.PASS  # type: ignore[attr-defined]


def test_positive_check_is_retried_until_it_passes(fake) -> None:  # type: ignore[no-untyped-def]
    fake["slow"] = lambda n: n >= 3
    out = run([check("lease", "slow", deadline=5)])
    assert out["lease"].status is Status.PASS and out["lease"].attempts == 3  # type: ignore[attr-defined]


def test_positive_check_gives_up_at_its_deadline(fake) -> None:  # type: ignore[no-untyped-def]
    fake["never"] = lambda n: False
    out = run([check("x", "never", deadline=0.2)])
    assert out["x"].status is Status.FAIL and out["x"].attempts >= 2  # type: ignore[attr-defined]
    assert "silent" in out["x"].cause  # type: ignore[attr-defined]


def test_negative_check_passes_when_blocked_and_fails_when_reachable(fake) -> None:  # type: ignore[no-untyped-def]
    fake.update({"closed": lambda n: False, "open": lambda n: True})
    out = run([check("deny-ok", "closed", expect=False), check("deny-broken", "open", expect=False)])
    assert out["deny-ok"].status is Status.PASS and out["deny-ok"].attempts == 1  # type: ignore[attr-defined]
    assert out["deny-broken"].status is Status.FAIL  # type: ignore[attr-defined]
    assert "reachable although the policy forbids it" in out["deny-broken"].cause  # type: ignore[attr-defined]


def test_inconsistent_suites_are_refused(fake) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OfficeLabError, match="unknown check nope"):
        engine.run_suite([check("a", "x", depends=("nope",))], lambda _: LocalPlace())
    with pytest.raises(OfficeLabError, match="cycle"):
        engine.run_suite([check("a", "x", depends=("b",)), check("b", "y", depends=("a",))], lambda _: LocalPlace())

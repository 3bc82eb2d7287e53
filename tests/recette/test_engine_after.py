"""`after` orders checks without making them depend on each other: a failed check blocks what depends on it,
never what only runs after it."""

from __future__ import annotations

from officelab.domains.network.model import PingProbe
from officelab.probes import Layer, ProbeResult
from officelab.probes.place import LocalPlace
from officelab.recette import engine
from officelab.recette.model import Check, Status


def test_after_orders_without_blocking(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    order: list[str] = []

    def fake(spec: PingProbe, place: object) -> ProbeResult:
        order.append(spec.target)
        return ProbeResult(spec.target != "first", Layer.NETWORK, spec.target)

    monkeypatch.setattr(engine, "run_probe", fake)
    checks = [
        Check("a", "a", "a", "here", PingProbe(target="first"), (), deadline=0.1),
        Check("b", "b", "b", "here", PingProbe(target="second"), (), after=("a",)),
        Check("c", "c", "c", "here", PingProbe(target="third"), (), depends=("a",)),
    ]
    outcomes = {o.check.id: o for o in engine.run_suite(checks, lambda _: LocalPlace())}
    assert outcomes["a"].status is Status.FAIL
    assert outcomes["b"].status is Status.PASS and order.index("second") > order.index("first")
    assert outcomes["c"].status is Status.BLOCKED and outcomes["c"].blocked_by == "a"

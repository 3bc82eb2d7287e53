"""Run a suite: dependency order, independent checks in parallel, retries until a deadline, blocking.

A check's ``after`` only orders it (it shares a resource with those checks: a phone holds one call); only its
``depends`` can block it. A check that can run from several places (a VLAN's DHCP, the directory's client) moves to
its next vantage point when what its place needs fails, so that one host's fault blocks only that host's checks.

A failure blocks everything that depends on it, and those are reported once, under their root cause
("12 checks not run: blocked by DHCP on VLAN 10"), not as cascading failures.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from officelab.core.errors import OfficeLabError
from officelab.probes import ProbeResult, run_probe
from officelab.probes.place import Place
from officelab.probes.spec import ProbeSpec
from officelab.recette.model import Check, Outcome, Status, Vantage

ProbeRunner = Callable[[ProbeSpec, Place], ProbeResult]

RETRY_PAUSE = 0.25


def _attempt(check: Check, vantage: Vantage, place: Place, runner: ProbeRunner) -> Outcome:
    start = time.monotonic()
    attempts = 0
    result: ProbeResult
    probe = vantage.probe or check.probe
    while True:
        attempts += 1
        result = runner(probe, place)
        if not check.expect or result.ok or time.monotonic() - start + RETRY_PAUSE > check.deadline:
            break
        # Back-off between protocol attempts (a DHCP lease or an ARP entry may be on its way); not a synchronisation.
        time.sleep(RETRY_PAUSE)
    duration = time.monotonic() - start
    if check.expect:
        status = Status.PASS if result.ok else Status.FAIL
        cause = result.summary
    else:
        status = Status.FAIL if result.ok else Status.PASS
        cause = f"reachable although the policy forbids it: {result.summary}" if result.ok else f"blocked as required: {result.summary}"
    if vantage.place != check.place:
        cause = f"{cause} (run from {vantage.place}: {check.place} is not usable)"
    return Outcome(check, status, cause, result, attempts, duration=duration, place=vantage.place)


def order_problems(checks: list[Check]) -> list[str]:
    """Unknown dependencies and cycles, as readable lines (empty when the suite is sound)."""
    ids = {c.id for c in checks}
    problems = [f"check {c.id} depends on unknown check {d}" for c in checks for d in c.all_depends() if d not in ids]
    seen = [c.id for c in checks]
    problems += [f"check id {i} is used twice" for i in sorted({i for i in seen if seen.count(i) > 1})]
    done: set[str] = set()
    remaining = {c.id: (set(c.all_depends()) | set(c.after)) & ids for c in checks}
    while remaining:
        ready = [i for i, deps in remaining.items() if deps <= done]
        if not ready:
            problems.append(f"dependency cycle among {', '.join(sorted(remaining))}")
            break
        for i in ready:
            done.add(i)
            del remaining[i]
    return problems


def run_suite(
    checks: list[Check],
    place_for: Callable[[str], Place],
    workers: int = 24,
    progress: Callable[[Outcome], None] | None = None,
    runner: ProbeRunner | None = None,
) -> list[Outcome]:
    """Run every check; returns outcomes in the order of ``checks`` (``runner``: how a probe runs, default the real
    one)."""
    runner = runner or run_probe
    problems = order_problems(checks)
    if problems:
        raise OfficeLabError("the check suite is inconsistent: " + "; ".join(problems))
    by_id = {c.id: c for c in checks}
    outcomes: dict[str, Outcome] = {}
    running: dict[Future[Outcome], str] = {}
    tried: dict[str, int] = {}  # check → the vantage it waits on
    first_failure: dict[str, Outcome] = {}  # check → what failed at its own place

    def decide(check: Check) -> Vantage | Outcome | None:
        """Where to run ``check`` now, or its blocked outcome, or None to wait."""
        if any(a in by_id and a not in outcomes for a in check.after):
            return None
        vantages = check.vantages
        while True:
            vantage = vantages[tried.get(check.id, 0)]
            deps = [outcomes.get(d) for d in vantage.depends]
            if any(o is None for o in deps):
                return None
            failed = next((o for o in deps if o is not None and o.status is not Status.PASS), None)
            if failed is None:
                return vantage
            first_failure.setdefault(check.id, failed)
            if tried.get(check.id, 0) + 1 >= len(vantages):
                failed = first_failure[check.id]
                root = failed.blocked_by or failed.check.id
                return Outcome(check, Status.BLOCKED, f"not run: blocked by {root} ({by_id[root].title_en})", blocked_by=root)
            tried[check.id] = tried.get(check.id, 0) + 1

    pending = list(checks)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while pending or running:
            still = []
            for check in pending:
                choice = decide(check)
                if choice is None:
                    still.append(check)
                elif isinstance(choice, Outcome):
                    outcomes[check.id] = choice
                    if progress:
                        progress(choice)
                else:
                    running[pool.submit(_attempt, check, choice, place_for(choice.place), runner)] = check.id
            if len(still) == len(pending) and not running and still:
                raise OfficeLabError("the check suite cannot progress (dependency cycle)")
            pending = still
            if running:
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in done:
                    check_id = running.pop(future)
                    outcomes[check_id] = future.result()
                    if progress:
                        progress(outcomes[check_id])
    return [outcomes[c.id] for c in checks]

"""Diagnosis against the fault catalogue, on the default site booted once: for each fault type (its first
candidate), inject it, run `diagnose` from its vantage point, check that the diagnosis names what the ground
truth names, clear it. Targets of the faults issue: the root cause found for ≥ 95 % of the fault types,
≤ 10 probes and ≤ 5 s median per diagnosis.

Run with `make bench` (as root). Prints one line per fault type, then the totals.
"""

from __future__ import annotations

import statistics
import sys

from labhome import temporary_home

from officelab.diagnosis.walk import diagnose
from officelab.faults import engine
from officelab.runtime.lab import Lab
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site


def main() -> None:
    temporary_home()
    lab = Lab("benchdiag")
    path = builtin_sites()["cabinet-martin"]
    lab.up(load_site(path), path.read_text())
    found = seen = 0
    probes: list[int] = []
    seconds: list[float] = []
    try:
        site = lab.site()
        for kind, (_domain, cls) in engine.catalogue().items():
            fault = cls.candidates(site)[0]
            vantage = fault.vantage(site)
            if vantage is None:
                print(f"{kind:28} —  no vantage point (a walk from a host cannot see it)")
                continue
            entry = engine.inject(lab, fault)
            try:
                result = diagnose(lab, vantage[0], vantage[1])
            finally:
                engine.clear(lab, [entry.id])
            seen += 1
            ok = result.found and vantage[2] in f"{result.where} {result.cause_en}"
            found += ok
            probes.append(result.probes)
            seconds.append(result.seconds)
            print(f"{kind:28} {'yes' if ok else 'NO '} {result.probes:2} probes {result.seconds:5.2f} s  {result.where}")
    finally:
        lab.down()
    if not seen:
        sys.exit("bench: no fault type has a vantage point")
    print(
        f"root cause found: {found}/{seen} ({100 * found / seen:.0f} %; target ≥ 95 %); "
        f"probes: median {statistics.median(probes):.0f}, max {max(probes)} (target ≤ 10); "
        f"seconds: median {statistics.median(seconds):.2f} (target ≤ 5)"
    )


if __name__ == "__main__":
    main()

"""The security hygiene audit's run time on the default site, booted once: the audit run ``RUNS`` times, each
run's seconds, probes and findings. Target: an audit of the default site within 30 s (a technician runs it
as often as the recette).

Run as root: `.venv/bin/python bench/audit.py`.
"""

from __future__ import annotations

import statistics

from labhome import temporary_home

from officelab.audit.run import audit_lab
from officelab.runtime.lab import Lab
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site

RUNS = 3
TARGET = 30.0


def main() -> None:
    temporary_home()
    lab = Lab("benchaudit")
    path = builtin_sites()["cabinet-martin"]
    lab.up(load_site(path), path.read_text())
    seconds: list[float] = []
    try:
        for run in range(1, RUNS + 1):
            result = audit_lab(lab)
            seconds.append(result.duration)
            rules = sorted({f.rule for f in result.findings})
            print(f"run {run}: {result.duration:5.2f} s, {result.probes} probes, {len(result.findings)} findings ({', '.join(rules)})")
    finally:
        lab.down()
    print(f"audit of the default site: median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s (target ≤ {TARGET:.0f} s)")


if __name__ == "__main__":
    main()

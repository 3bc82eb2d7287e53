"""The inventory scan's run time on the default site, booted once: the scan run ``RUNS`` times, each run's seconds,
assets and differences. Target: a scan of the default site within 20 s (a technician scans before and after an
intervention).

Run as root: `.venv/bin/python bench/inventory.py`.
"""

from __future__ import annotations

import statistics

from labhome import temporary_home

from officelab.inventory.scan import scan_lab
from officelab.runtime.lab import Lab
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site

RUNS = 3
TARGET = 20.0


def main() -> None:
    temporary_home()
    lab = Lab("benchinv")
    path = builtin_sites()["cabinet-martin"]
    lab.up(load_site(path), path.read_text())
    seconds: list[float] = []
    try:
        for run in range(1, RUNS + 1):
            scan = scan_lab(lab)
            seconds.append(scan.duration)
            found = f"{len(scan.assets)} assets, {len(scan.differences)} differences, {len(scan.unscanned)} not scanned"
            print(f"run {run}: {scan.duration:5.2f} s, {found}")
    finally:
        lab.down()
    print(f"inventory of the default site: median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s (target ≤ {TARGET:.0f} s)")


if __name__ == "__main__":
    main()

"""Time of the default site's full recette (the network suite), on a lab booted once. Target: ≤ 5 s.

Run with `make bench` (as root). Prints the number of checks, the median of 3 runs and each run.
"""

from __future__ import annotations

import statistics
import sys

from labhome import temporary_home

from officelab.recette.derive import derive_suite
from officelab.recette.model import Status
from officelab.recette.run import run_on_lab
from officelab.runtime.lab import Lab
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site

# The network suite of the recette issue: hosts, DHCP, DNS, web, firewall matrix, isolation, infrastructure.
DATA_GROUPS = ("directory", "shares", "printing", "backup", "automation", "video", "telephony")


def main() -> None:
    temporary_home()
    lab = Lab("benchrec")
    path = builtin_sites()["cabinet-martin"]
    lab.up(load_site(path), path.read_text())
    try:
        every = derive_suite(lab.site())
        network = [c for c in every if c.group not in DATA_GROUPS]
        for label, checks in (("network suite", network), ("whole recette", every)):
            runs = []
            for _ in range(3):
                result = run_on_lab(lab, checks)
                if not result.ok:
                    sys.exit(f"bench: the recette failed: {[o.check.id for o in result.outcomes if o.status is Status.FAIL]}")
                runs.append(result.duration)
            target = "; target ≤ 5 s" if label == "network suite" else ""
            print(
                f"default site {label}: {len(checks)} checks, median {statistics.median(runs):.2f} s "
                f"(runs: {', '.join(f'{r:.2f}' for r in runs)}){target}"
            )
    finally:
        lab.down()


if __name__ == "__main__":
    main()

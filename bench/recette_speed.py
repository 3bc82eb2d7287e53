"""Time of the default site's full recette (the network suite), on a lab booted once. Target: ≤ 5 s.

Run with `make bench` (as root). Prints the number of checks, the median of 3 runs and each run.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile

from officelab.recette.model import Status
from officelab.recette.run import run_on_lab
from officelab.runtime.lab import Lab
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site


def main() -> None:
    if os.geteuid() != 0:
        sys.exit("bench: needs root (network namespaces)")
    os.environ.setdefault("OFFICELAB_HOME", tempfile.mkdtemp(prefix="officelab-bench-"))
    lab = Lab("benchrec")
    path = builtin_sites()["cabinet-martin"]
    lab.up(load_site(path), path.read_text())
    try:
        runs = []
        for _ in range(3):
            result = run_on_lab(lab)
            if not result.ok:
                sys.exit(f"bench: the recette failed: {[o.check.id for o in result.outcomes if o.status is Status.FAIL]}")
            runs.append(result.duration)
        print(
            f"default site recette: {len(result.outcomes)} checks, median {statistics.median(runs):.2f} s "
            f"(runs: {', '.join(f'{r:.2f}' for r in runs)}; target ≤ 5 s)"
        )
    finally:
        lab.down()


if __name__ == "__main__":
    main()

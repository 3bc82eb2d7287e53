"""Boot time of the default site with its directory (cold: provisioning + joins; warm: from the domain template)
and memory (PSS) of the data services (DC, file/print server, printer, NAS). Targets: ≤ 15 s warm, ≤ 300 MiB PSS.

Run with `make bench` (as root).
"""

from __future__ import annotations

import shutil
import statistics
import time

from labhome import temporary_home
from procstats import pss_kib

from officelab.domains.directory.realise import template_path
from officelab.runtime import netns
from officelab.runtime.lab import Lab
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site

DATA_NODES = ("srv-ad", "srv-files", "prn-1", "srv-backup")


def main() -> None:
    home = temporary_home()
    path = builtin_sites()["cabinet-martin"]
    site = load_site(path)
    lab = Lab("benchdata")
    try:
        start = time.monotonic()
        lab.up(site, path.read_text())
        cold = time.monotonic() - start
        assert template_path(site).exists()
        lab.down()
        warm_runs = []
        for _ in range(3):
            start = time.monotonic()
            lab.up(site, path.read_text())
            warm_runs.append(time.monotonic() - start)
            if len(warm_runs) < 3:
                lab.down()
        per_node = {}
        for node in DATA_NODES:
            inode = netns.inode(lab.plan().netns(node))
            pids = netns.processes_in({inode}) if inode else []
            per_node[node] = (len(pids), sum(pss_kib(p) for p in pids))
        lab.down()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(
        f"default site with directory: cold boot {cold:.1f} s (provisioning + joins + template), "
        f"warm boot median {statistics.median(warm_runs):.1f} s (runs: {', '.join(f'{r:.1f}' for r in warm_runs)}; target ≤ 15 s)"
    )
    total = sum(kib for _, kib in per_node.values())
    for node, (count, kib) in per_node.items():
        print(f"  {node:<11} {count:>3} processes  {kib / 1024:6.1f} MiB PSS")
    print(f"  data services total {total / 1024:.1f} MiB PSS (target ≤ 300 MiB)")


if __name__ == "__main__":
    main()

"""Exercises: `exercise check` on a typical scenario (target ≤ 3 s: only the goals and what they depend on), and
starting a class of N learners on the default site (time, memory per lab).

Run with `make bench` (as root), or `python bench/exercise.py [N]` (default 4 learners). Prints the medians and each run.
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from labhome import temporary_home

from officelab.exercises import session
from officelab.exercises.scenario import load_scenario
from officelab.recette.run import run_on_lab
from officelab.runtime.lab import Lab

SCENARIO = "poste-sans-reseau"


def cpu_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine since boot."""
    fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def cpu_share(during: float) -> float:
    """The machine's CPU use (in cores) over ``during`` seconds, labs left alone."""
    busy0, total0 = cpu_busy()
    time.sleep(during)  # a measurement window, not a synchronisation
    busy1, total1 = cpu_busy()
    return (busy1 - busy0) / (total1 - total0) * (os.cpu_count() or 1)


def used_memory_mib() -> float:
    fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    kib = int(fields["MemTotal"].split()[0]) - int(fields["MemAvailable"].split()[0])
    return kib / 1024


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    temporary_home()
    loaded = load_scenario(SCENARIO)
    learners = [f"bench{n}" for n in range(count)]
    memory = [used_memory_mib()]
    starts = []
    try:
        for learner in learners:
            began = time.monotonic()
            session.start(loaded, learner)
            starts.append(time.monotonic() - began)
            memory.append(used_memory_mib())
        checks = []
        for _ in range(5):
            began = time.monotonic()
            # As the learner runs it: a new process, from import to verdict.
            argv = [sys.executable, "-m", "officelab.cli", "exercise", "check", "--learner", learners[0]]
            subprocess.run(argv, capture_output=True, check=False)
            checks.append(time.monotonic() - began)
        idle = cpu_share(20.0)
        busy0, total0 = cpu_busy()
        began = time.monotonic()
        recette = run_on_lab(Lab(learners[0]))
        took = time.monotonic() - began
        busy1, total1 = cpu_busy()
        during = (busy1 - busy0) / (total1 - total0) * (os.cpu_count() or 1)
        in_process = []
        for _ in range(5):
            began = time.monotonic()
            session.check(learners[0])
            in_process.append(time.monotonic() - began)
        per_lab = [b - a for a, b in itertools.pairwise(memory)]
        print(
            f"exercise check ({SCENARIO}): median {statistics.median(checks):.2f} s as a command, "
            f"{statistics.median(in_process):.2f} s in process (target ≤ 3 s); runs {', '.join(f'{c:.2f}' for c in checks)}"
        )
        print(
            f"class start of {count} learners: {sum(starts):.0f} s in all, {statistics.median(starts):.0f} s per learner "
            f"(boot, start state, baseline recette); memory per lab {statistics.median(per_lab):.0f} MiB (median), "
            f"{memory[-1] - memory[0]:.0f} MiB for the class"
        )
        print(
            f"CPU with the {count} labs idle: {idle:.2f} cores ({idle / count:.2f} per lab); during one lab's recette "
            f"({len(recette.outcomes)} checks, {took:.0f} s): {during:.2f} cores"
        )
    finally:
        for learner in learners:
            session.stop(learner)


if __name__ == "__main__":
    main()

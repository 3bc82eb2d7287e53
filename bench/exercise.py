"""Exercises: `exercise check` on a typical scenario (target ≤ 3 s: only the goals and what they depend on), and
starting a class of N learners on the default site (time, memory per lab).

Run with `make bench` (as root), or `python bench/exercise.py [N]` (default 4 learners). Prints the medians and each run.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from labhome import temporary_home

from officelab.exercises import session
from officelab.exercises.scenario import load_scenario

SCENARIO = "poste-sans-reseau"


def used_memory_mib() -> float:
    fields = dict(line.split(":", 1) for line in open("/proc/meminfo").read().splitlines())
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
            subprocess.run([sys.executable, "-m", "officelab.cli", "exercise", "check", "--learner", learners[0]], capture_output=True, check=False)
            checks.append(time.monotonic() - began)
        in_process = []
        for _ in range(5):
            began = time.monotonic()
            session.check(learners[0])
            in_process.append(time.monotonic() - began)
        per_lab = [b - a for a, b in zip(memory, memory[1:], strict=False)]
        print(f"exercise check ({SCENARIO}): median {statistics.median(checks):.2f} s as a command, "
              f"{statistics.median(in_process):.2f} s in process (target ≤ 3 s); runs {', '.join(f'{c:.2f}' for c in checks)}")
        print(f"class start of {count} learners: {sum(starts):.0f} s in all, {statistics.median(starts):.0f} s per learner "
              f"(boot, start state, baseline recette); memory per lab {statistics.median(per_lab):.0f} MiB (median), "
              f"{memory[-1] - memory[0]:.0f} MiB for the class")
    finally:
        for learner in learners:
            session.stop(learner)


if __name__ == "__main__":
    main()

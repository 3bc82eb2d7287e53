"""A minimal cron for a node: runs the lines of a crontab (``m h dom mon dow command``) at their times.

Debian's busybox has no crond and the system cron reads the host's /etc/crontab, so each node that has
scheduled jobs (backups) runs this under the supervisor, on the node. Times are computed with croniter.
Run as ``python -m officelab.runtime.scheduler CRONTAB``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from croniter import croniter


def parse(crontab: Path) -> list[tuple[str, str]]:
    """(schedule, command) pairs; blank lines and comments are skipped."""
    entries = []
    for line in crontab.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split(None, 5)
        if len(fields) < 6 or not croniter.is_valid(" ".join(fields[:5])):
            raise ValueError(f"{crontab}: not a crontab line: {line!r}")
        entries.append((" ".join(fields[:5]), fields[5]))
    return entries


def main() -> None:
    entries = parse(Path(sys.argv[1]))
    now = datetime.now()
    upcoming = [(croniter(schedule, now).get_next(datetime), schedule, command) for schedule, command in entries]
    print(f"{len(entries)} scheduled job(s)", flush=True)
    while upcoming:
        upcoming.sort()
        when, schedule, command = upcoming.pop(0)
        delay = (when - datetime.now()).total_seconds()
        if delay > 0:
            time.sleep(delay)  # a scheduler waits for the clock: this is its job, not a synchronisation
        print(f"{datetime.now():%Y-%m-%d %H:%M:%S} run: {command}", flush=True)
        subprocess.run(["sh", "-c", command], check=False)
        upcoming.append((croniter(schedule, when).get_next(datetime), schedule, command))


if __name__ == "__main__":
    main()

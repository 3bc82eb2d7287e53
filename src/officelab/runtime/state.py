"""Where a lab keeps its state, and the record that lets `down` clean up after any crash.

A lab's directory (``$OFFICELAB_HOME/labs/<lab>``, default ``/var/lib/officelab``) holds ``lab.json``,
written *before* each resource is created (write-ahead), so that a ``kill -9`` at any point still leaves
enough on disk for the next command to remove everything.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from officelab.core.errors import OfficeLabError

LAB_NAME = re.compile(r"^[a-z][a-z0-9]{0,11}$")
DEFAULT_LAB = "default"
NETNS_DIR = Path("/run/netns")
PREFIX = "ol"


DEFAULT_HOME = Path("/var/lib/officelab")


def home() -> Path:
    return Path(os.environ.get("OFFICELAB_HOME", str(DEFAULT_HOME)))


def check_lab_name(name: str) -> str:
    if not LAB_NAME.match(name):
        raise OfficeLabError(
            f"invalid lab name {name!r}: expected lower-case letters and digits, starting with a letter, at most 12 characters"
        )
    return name


def netns_name(lab: str, node: str) -> str:
    """The network namespace of a node: ``ol-<lab>-<node>`` (visible to ``ip netns``)."""
    return f"{netns_prefix(lab)}{node}"


def netns_prefix(lab: str) -> str:
    """``ol-<lab>-``; with another OFFICELAB_HOME (tests, a second installation) ``ol<hash>-<lab>-``, so that
    labs of the same name under two homes never take each other's namespaces for leftovers."""
    current = home()
    if current == DEFAULT_HOME:
        return f"{PREFIX}-{lab}-"
    return f"{PREFIX}{_home_tag(str(current))}-{lab}-"


@cache
def _home_tag(path: str) -> str:
    """Four hex digits of the resolved home (asked for every node of every plan: resolved once)."""
    return hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:4]


LIVE_CHANGES = ("ports.json", "faults.json")
"""Files of the lab's state that record live changes (ports moved, faults injected): gone at a fresh `up`, kept in
the lab's snapshots and brought back with them."""


@dataclass
class LabRecord:
    """What a lab is and what it has created so far."""

    lab: str
    site: str = ""
    state: str = "down"  # booting | up | stopping | down | failed
    namespaces: list[str] = field(default_factory=list)
    supervisor_pid: int = 0
    supervisor_start: int = 0
    started_at: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class LabDir:
    """The files of one lab."""

    def __init__(self, lab: str) -> None:
        self.lab = check_lab_name(lab)
        self.path = home() / "labs" / lab

    @property
    def record_file(self) -> Path:
        return self.path / "lab.json"

    def node_dir(self, node: str) -> Path:
        return self.path / "nodes" / node

    @property
    def socket(self) -> Path:
        return self.path / "supervisor.sock"

    def exists(self) -> bool:
        return self.record_file.exists()

    def read(self) -> LabRecord:
        try:
            data = json.loads(self.record_file.read_text())
        except FileNotFoundError:
            return LabRecord(lab=self.lab)
        except (OSError, ValueError) as exc:
            raise OfficeLabError(f"lab record {self.record_file} is unreadable ({exc}); run `officelab down --lab {self.lab}`") from None
        known = set(LabRecord.__dataclass_fields__)
        return LabRecord(**{k: v for k, v in data.items() if k in known})

    def ensure(self) -> None:
        """Create the lab's directory, readable by root only (the lab's state holds its secrets); so are the
        OfficeLab home and its labs/, cache/ and snapshots/ (nodes see none of it: see `runtime.nodefs`)."""
        for directory in (home(), home() / "labs", self.path):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if directory.stat().st_mode & 0o077:
                directory.chmod(0o700)

    def write(self, record: LabRecord) -> None:
        """Atomically replace the record (a crash never leaves half a file)."""
        self.ensure()
        tmp = self.record_file.with_suffix(".tmp")
        with open(tmp, "w") as fh:
            json.dump(asdict(record), fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.record_file)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One command at a time changes a lab."""
        self.ensure()
        with open(self.path / ".lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OfficeLabError(f"lab {self.lab} is busy: another officelab command is changing it") from None
            yield


def all_labs() -> list[str]:
    labs_dir = home() / "labs"
    if not labs_dir.is_dir():
        return []
    return sorted(p.name for p in labs_dir.iterdir() if (p / "lab.json").exists())


def process_start_time(pid: int) -> int:
    """The start time of a process in clock ticks since boot (0 if gone), to tell a PID reuse apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[19])


def process_alive(pid: int, start: int) -> bool:
    """True if ``pid`` is still the process that started at ``start`` and is not a zombie."""
    if pid <= 0 or process_start_time(pid) != start:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")

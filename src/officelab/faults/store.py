"""The active faults of a lab, in its state (``faults.json``, root only, beside ``lab.json``): each with its id,
type, parameters, whether it is hidden from learners, what it changed (to clear it exactly) and its ground truth.
Saved with the lab's snapshots, so a restored lab has its faults again."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from officelab.core.errors import OfficeLabError
from officelab.runtime.state import LIVE_CHANGES

FILE = LIVE_CHANGES[1]


@dataclass
class ActiveFault:
    """One fault injected into a lab."""

    id: str  # f1, f2… in the order of injection
    kind: str
    params: dict[str, Any]
    hidden: bool
    undo: dict[str, Any]
    truth: dict[str, Any]
    injected_at: float = field(default_factory=time.time)


def load(lab_dir: Path) -> list[ActiveFault]:
    path = lab_dir / FILE
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise OfficeLabError(f"the faults of this lab ({path}) are unreadable: {exc}") from None
    return [ActiveFault(**entry) for entry in data]


def save(lab_dir: Path, faults: list[ActiveFault]) -> None:
    """Atomically, readable by root only: the ground truth is the trainer's answer."""
    path = lab_dir / FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump([asdict(f) for f in faults], fh, indent=1)
    os.replace(tmp, path)


def next_id(faults: list[ActiveFault]) -> str:
    used = [int(f.id[1:]) for f in faults if f.id[1:].isdigit()]
    return f"f{max(used, default=0) + 1}"

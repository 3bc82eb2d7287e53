"""The learner's journal: every command typed on a node (in `officelab shell`, by `officelab exec`, later in the
browser consoles) and every OfficeLab command run on the lab — time, node, command, exit status — appended by
OfficeLab's own process to a file in the exercise's directory, which no node can see (`exercises.store`).

In `officelab shell`, bash reports each command through a pipe that OfficeLab holds open on a file descriptor
(`SHELL_FD`): its ``PROMPT_COMMAND`` writes the exit status and ``history 1`` after every command. A learner can
close or write to that descriptor — then the journal records that it was closed, and a forged line is at worst one
more test in their own journal; they can never read, edit or delete it."""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from officelab.core.errors import OfficeLabError
from officelab.exercises.store import exercise_dir, load

SHELL_FD = 7
MAX_COMMAND_CHARS = 2000
OFFICELAB = "officelab"
"""The node name of an OfficeLab command (`officelab link up …`), a physical act or a console action."""


@dataclass(frozen=True)
class Entry:
    ts: float
    node: str
    command: str
    exit: int | None
    via: str  # shell | exec | officelab | solution


def journal_file(lab: str) -> Path:
    return exercise_dir(lab) / "journal.jsonl"


def active(lab: str) -> bool:
    """Whether ``lab`` runs an exercise (then what is done on it is journaled)."""
    try:
        return load(lab) is not None
    except (OfficeLabError, OSError):  # not a lab name, or a record this user cannot read: nothing to journal
        return False


def append(lab: str, node: str, command: str, exit_status: int | None, via: str) -> None:
    """Add one entry to the lab's journal (nothing when the lab runs no exercise)."""
    if active(lab):
        _write(lab, node, command, exit_status, via)


def officelab_command(lab: str, words: list[str], exit_status: int) -> None:
    """An OfficeLab command run on the lab (``link down sw-floor:ge1``), from the command line or the web workbench."""
    append(lab, OFFICELAB, shlex.join(words), exit_status, "officelab")


def _write(lab: str, node: str, command: str, exit_status: int | None, via: str) -> None:
    entry = Entry(round(time.time(), 3), node, command[:MAX_COMMAND_CHARS], exit_status, via)
    with open(journal_file(lab), "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")


def read(lab: str) -> list[Entry]:
    file = journal_file(lab)
    if not file.is_file():
        return []
    entries = []
    for line in file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entries.append(Entry(**json.loads(line)))
    return entries


def read_file(path: Path) -> list[Entry]:
    """A journal saved as JSON lines (a recorded fixture, an exported journal)."""
    return [Entry(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


PROMPT_COMMAND = f'__ol_s=$?; printf "%s\\t%s\\n" "$__ol_s" "$(HISTTIMEFORMAT= history 1)" >&{SHELL_FD} 2>/dev/null; (exit $__ol_s)'
"""What bash runs before each prompt: the last command's status and history line, to OfficeLab's pipe."""


@contextmanager
def shell_recorder(lab: str, node: str) -> Iterator[dict[int, int]]:
    """While a journaled shell runs (the caller knows the lab runs an exercise): a pipe whose write end the shell gets
    as `SHELL_FD` (the returned mapping, for `NodeContext.attach`), read by a thread that appends each command to the
    journal without reading the exercise's record again."""
    read_end, write_end = os.pipe()
    last_number = [""]

    def collect() -> None:
        with os.fdopen(read_end, encoding="utf-8", errors="replace") as pipe:
            for line in pipe:
                status, _, history = line.rstrip("\n").partition("\t")
                number, _, command = history.strip().partition(" ")
                if not command.strip() or number == last_number[0]:
                    continue  # an empty line repeats the last history entry
                last_number[0] = number
                _write(lab, node, command.strip(), int(status) if status.isdigit() else None, "shell")
        _write(lab, node, "(end of shell)", None, "shell")

    reader = threading.Thread(target=collect, name="journal", daemon=True)
    reader.start()
    try:
        yield {SHELL_FD: write_end}
    finally:
        os.close(write_end)
        reader.join(timeout=5)

"""The nodes' own files of a lab plan (directories, configurations, /etc overrides).

The nodes that run something get theirs at boot, written by a process of its own (`python -m
officelab.runtime.nodefiles`, the entries as JSON on its standard input) while the boot makes the namespaces and
lays the cables: in the booting process they would take the interpreter from the netlink work (measured: namespace
creation three times slower beside writer threads). A node that runs nothing gets them when it is first used, as it
gets its process 1 then (`materialise`, from the list `defer` keeps in the lab's state): a 200-host lab would
otherwise write 1,500 directories and files at boot, and a file system operation can take most of a millisecond
under /var on these machines. This module imports nothing heavy: the child starts in ~30 ms.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from officelab.runtime.plan import LabPlan

Entry = tuple[str, int, str | None]
"""A path, its mode (0: the default), and the file's text (None: a directory)."""


PENDING = "pending-files.json"
"""In the lab's state: the files of the nodes not used yet, by node."""


def by_node(plan: LabPlan, nodes: Collection[str] | None = None) -> dict[str, list[Entry]]:
    """What `write` makes for each node of ``plan`` (of ``nodes`` only, if given), in order: its directory and its
    etc, run and log, its environment and bind lists, then its files."""
    found: dict[str, list[Entry]] = {}
    for node in plan.nodes:
        if nodes is not None and node.name not in nodes:
            continue
        base = str(plan.node_dir(node.name))
        todo = found[node.name] = [(base, 0, None), *((f"{base}/{sub}", 0, None) for sub in ("etc", "run", "log"))]
        if node.name in plan.env:
            todo.append((f"{base}/env", 0o644, "".join(f"{k}={v}\n" for k, v in sorted(plan.env[node.name].items()))))
        if node.name in plan.binds:
            todo.append((f"{base}/binds", 0o644, "".join(f"{source} {target}\n" for source, target in plan.binds[node.name])))
    for f in plan.files:
        if f.node in found:
            path = str(plan.node_dir(f.node) / f.path).rstrip("/")
            found[f.node].append((path, f.mode, None if f.path.endswith("/") else f.content))
    return found


def entries(plan: LabPlan, nodes: Collection[str] | None = None) -> list[Entry]:
    """`by_node`'s entries, node after node."""
    return [entry for todo in by_node(plan, nodes).values() for entry in todo]


def write(todo: list[Entry], keep: bool = False) -> None:
    """Make every entry: a directory with its parents (and its mode if one is given), a file with its text and mode
    whatever the umask. With ``keep``, a file that exists is left as it is (a snapshot's, or another process's that
    materialised the node first), and a new one appears whole (written aside, then linked in)."""
    made: set[str] = set()
    for path, mode, text in todo:
        if text is None:
            os.makedirs(path, exist_ok=True)
            if mode:
                os.chmod(path, mode)  # e.g. a share everyone allowed may write to
            made.add(path)
            continue
        parent = os.path.dirname(path)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        if keep and os.path.lexists(path):
            continue
        target = f"{path}.{os.getpid()}.{threading.get_ident()}" if keep else path
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode or 0o644)
        with open(fd, "w", encoding="utf-8") as out:
            out.write(text)
            os.fchmod(fd, mode or 0o644)
        if keep:
            with contextlib.suppress(FileExistsError):
                os.link(target, path)
            os.unlink(target)


def defer(plan: LabPlan, lab_dir: Path, nodes: Collection[str]) -> None:
    """Keep the files of ``nodes`` in the lab's state until each is first used."""
    (lab_dir / PENDING).write_text(json.dumps(by_node(plan, nodes)))


_LOADED: dict[str, tuple[int, dict[str, list[Entry]]]] = {}  # the pending list read, by path, with its mtime
_LOCK = threading.Lock()


def materialise(lab_dir: Path, node: str) -> None:
    """Write ``node``'s deferred files, if it has any that are not there yet."""
    path = lab_dir / PENDING
    with _LOCK:
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            return
        cached = _LOADED.get(str(path))
        if cached is None or cached[0] != stamp:
            cached = (stamp, {n: [(p, m, t) for p, m, t in e] for n, e in json.loads(path.read_text()).items()})
            _LOADED[str(path)] = cached
    if node in cached[1]:
        write(cached[1][node], keep=True)


def write_apart(plan: LabPlan, nodes: Collection[str]) -> None:
    """Write the files of ``nodes`` in a child process; its failure is an `OSError` naming what it could not write."""
    todo = json.dumps(entries(plan, nodes))
    result = subprocess.run([sys.executable, "-m", __name__], input=todo, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        why = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit {result.returncode}"
        raise OSError(f"writing the nodes' files: {why}")


def main() -> None:
    try:
        write([(path, mode, text) for path, mode, text in json.load(sys.stdin)])
    except OSError as exc:
        print(f"{exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

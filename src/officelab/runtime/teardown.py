"""What `down` removes, below the lab's own bookkeeping: the supervisor (asked to stop everything, then killed by
the PID it recorded if it will not go), and the lab's namespaces with any process still in them."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path

from officelab.core.deadline import wait_for
from officelab.core.errors import LabError
from officelab.runtime import netns
from officelab.runtime.state import LabDir, LabRecord, netns_prefix, process_alive
from officelab.runtime.supervisor import SupervisorClient


def stop_supervisor(lab_dir: LabDir, record: LabRecord) -> None:
    """Shut the lab's supervisor down (it stops every daemon and node init), by the PID in the record or in its
    PID file, only if that process is still the one started (same start time)."""
    candidates = {(record.supervisor_pid, record.supervisor_start)}
    with contextlib.suppress(OSError, ValueError):
        pid_text, start_text = (lab_dir.path / "supervisor.pid").read_text().split()
        candidates.add((int(pid_text), int(start_text)))
    alive = [(p, s) for p, s in candidates if process_alive(p, s)]
    if not alive:
        return
    with contextlib.suppress(OSError, ValueError):
        SupervisorClient(lab_dir.socket, timeout=10).request({"op": "shutdown"})
    for pid, start in alive:
        if not wait_for(lambda p=pid, s=start: not process_alive(p, s), 8.0):  # type: ignore[misc]
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            wait_for(lambda p=pid, s=start: not process_alive(p, s), 3.0)  # type: ignore[misc]


def remove_namespaces(lab: str, recorded: list[str]) -> tuple[int, int]:
    """Remove the lab's namespaces (recorded, and any found under its prefix), killing first any process left in
    them; returns (namespaces removed, stray processes killed)."""
    prefix = netns_prefix(lab)
    names = {n for n in set(recorded) | set(netns.listed(prefix)) if n.startswith(prefix)}
    inodes = {i for i in (netns.inode(n) for n in names) if i is not None}
    stray = netns.processes_in(inodes)
    for pid in stray:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if stray and not wait_for(lambda: not netns.processes_in(inodes), 5.0):
        raise LabError(f"processes {netns.processes_in(inodes)} in lab {lab} would not die")
    for name in sorted(names):
        netns.delete(name)
    etc_netns = Path("/etc/netns")
    if etc_netns.is_dir():
        for entry in etc_netns.glob(f"{prefix}*"):
            shutil.rmtree(entry, ignore_errors=True)
    return len(names), len(stray)

"""Where a probe runs: the `Place` a probe is given, and this machine (field mode).

A lab node is a place too: `officelab.runtime.place.NodePlace` (the runtime knows how to enter a node)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from officelab.core.errors import OfficeLabError


class Place(Protocol):
    """A place probes run from."""

    @property
    def name(self) -> str: ...

    def inside(self) -> contextlib.AbstractContextManager[None]:
        """Sockets opened in this context belong to the place's network."""
        ...

    def run(self, argv: list[str], timeout: float, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run a program on the place (its network, its resolv.conf), optionally feeding ``input``."""
        ...

    def resolv_conf(self) -> str: ...

    def path(self, node_path: str) -> str:
        """Where a file the node sees at ``node_path`` is for this process (the node's /run is its own)."""
        ...

    def neighbour(self, node: str) -> Place:
        """Another node of the same lab (a probe that needs two ends, such as a call to a busy phone)."""
        ...


@dataclass(frozen=True)
class LocalPlace:
    """This machine (field mode: the technician's laptop on the customer's network)."""

    name: str = "here"

    @contextmanager
    def inside(self) -> Iterator[None]:
        yield

    def run(self, argv: list[str], timeout: float, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return run_program(argv, timeout, None, input)

    def resolv_conf(self) -> str:
        try:
            return Path("/etc/resolv.conf").read_text()
        except OSError:
            return ""

    def path(self, node_path: str) -> str:
        return node_path

    def neighbour(self, node: str) -> Place:
        raise OfficeLabError(f"a probe needs lab node {node!r}: it cannot run in field mode")


def run_program(
    argv: list[str], timeout: float, preexec: Callable[[], None] | None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, preexec_fn=preexec, input=input)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return subprocess.CompletedProcess(argv, 124, out, "timed out")
    except FileNotFoundError:
        return subprocess.CompletedProcess(argv, 127, "", f"{argv[0]}: not installed")

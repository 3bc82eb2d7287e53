"""Where a probe runs: on a lab node (inside its namespaces), or on this machine (field mode)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from officelab.errors import OfficeLabError
from officelab.runtime import kernel
from officelab.runtime.netns import NodeContext
from officelab.runtime.state import NETNS_DIR


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
class NodePlace:
    """A lab node: probes' sockets live in its network namespace; programs run fully on the node."""

    name: str
    context: NodeContext

    @contextmanager
    def inside(self) -> Iterator[None]:
        with kernel.in_netns(str(NETNS_DIR / self.context.netns)):
            yield

    def run(self, argv: list[str], timeout: float, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return _run(argv, timeout, self.context.enter, input)

    def resolv_conf(self) -> str:
        try:
            return (Path(self.context.node_dir) / "etc" / "resolv.conf").read_text()
        except OSError:
            return ""

    def neighbour(self, node: str) -> Place:
        return NodePlace(node, self.context.sibling(node))

    def path(self, node_path: str) -> str:
        if node_path.startswith("/run/"):
            return str(Path(self.context.node_dir) / "run" / node_path.removeprefix("/run/"))
        return node_path


@dataclass(frozen=True)
class LocalPlace:
    """This machine (field mode: the technician's laptop on the customer's network)."""

    name: str = "here"

    @contextmanager
    def inside(self) -> Iterator[None]:
        yield

    def run(self, argv: list[str], timeout: float, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return _run(argv, timeout, None, input)

    def resolv_conf(self) -> str:
        try:
            return Path("/etc/resolv.conf").read_text()
        except OSError:
            return ""

    def path(self, node_path: str) -> str:
        return node_path

    def neighbour(self, node: str) -> Place:
        raise OfficeLabError(f"a probe needs lab node {node!r}: it cannot run in field mode")


def _run(argv: list[str], timeout: float, preexec: Callable[[], None] | None, input: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, preexec_fn=preexec, input=input)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return subprocess.CompletedProcess(argv, 124, out, "timed out")
    except FileNotFoundError:
        return subprocess.CompletedProcess(argv, 127, "", f"{argv[0]}: not installed")

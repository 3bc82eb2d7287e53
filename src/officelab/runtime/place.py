"""A lab node as a place where probes run: sockets in its network namespace, programs fully on the node."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from officelab.probes.place import Place, run_program
from officelab.runtime import kernel
from officelab.runtime.netns import NodeContext
from officelab.runtime.state import NETNS_DIR


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
        with kernel.in_pidns(self.context.pidns):
            return run_program(argv, timeout, self.context.enter, input)

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

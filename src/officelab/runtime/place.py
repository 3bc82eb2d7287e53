"""A lab node as a place where probes run: sockets in its network namespace, programs fully on the node."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from officelab.core.probe import ProbeSpecBase
from officelab.probes import ProbeResult, run_probe
from officelab.probes.place import Place, run_program
from officelab.runtime import kernel
from officelab.runtime.netns import NodeContext
from officelab.runtime.state import NETNS_DIR

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab


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


@dataclass
class LabProber:
    """Probes and commands on a running lab's nodes (each node's place made once): what the audit and the inventory
    scan run their probes with."""

    lab: Lab
    places: dict[str, NodePlace] = field(default_factory=dict)

    def place(self, node: str) -> NodePlace:
        if node not in self.places:
            self.places[node] = NodePlace(node, self.lab.context(node))
        return self.places[node]

    def probe(self, node: str, spec: ProbeSpecBase) -> ProbeResult:
        return run_probe(spec, self.place(node))

    def run(self, node: str, argv: list[str], timeout: float = 10) -> subprocess.CompletedProcess[str]:
        return self.place(node).run(argv, timeout=timeout)

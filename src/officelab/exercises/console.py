"""The shell a person gets on a node, the same from `officelab shell` and from a browser's console: bash with a
prompt that names the lab and the node, and, while the lab runs an exercise, every command line to the journal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from officelab.exercises import journal

SHELL = ["bash", "--norc", "-i"]


@dataclass(frozen=True)
class NodeShell:
    """What to run (`NodeContext.attach` or `spawn_terminal`): the command, its environment, its descriptors."""

    argv: list[str]
    env: dict[str, str]
    fds: dict[int, int] = field(default_factory=dict)


@contextmanager
def node_shell(lab: str, node: str) -> Iterator[NodeShell]:
    """The shell of ``node`` for as long as it runs (its journal's reader ends with it)."""
    env = {"PS1": f"[{lab}] \\u@{node}:\\w\\$ ", "OFFICELAB_NODE": node, "OFFICELAB_LAB": lab, "HOME": "/root"}
    if not journal.active(lab):
        yield NodeShell(SHELL, env)
        return
    with journal.shell_recorder(lab, node) as fds:
        yield NodeShell(SHELL, {**env, "PROMPT_COMMAND": journal.PROMPT_COMMAND}, fds)

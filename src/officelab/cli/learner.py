"""`officelab learner`: where a learner's SSH login lands (forced by the class's entry point). It reaches that
learner's lab only: the exercise's briefing, check, hint and submit, the physical acts on their lab (a cable, a
port, a service), and a journaled shell on one of their nodes. It never runs a command on the host: every line is
parsed against the list below, and anything else is refused."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from typing import Annotated

import typer
from rich.text import Text

from officelab.cli.output import fail, out
from officelab.core.errors import OfficeLabError
from officelab.exercises import journal, session, store
from officelab.runtime.lab import Lab

ACTS = {"link", "port", "service", "status", "backup"}
"""The OfficeLab commands a learner may run on their own lab (`--lab` is theirs, always)."""
HELP = {
    "fr": "commandes : brief, check, hint, submit, nodes, shell NŒUD, link up|down NŒUD:PORT, port set SWITCH:PORT --vlan V|--no-shutdown, "
    "service start|stop NŒUD/DÉMON, status, backup run|list, help, quit",
    "en": "commands: brief, check, hint, submit, nodes, shell NODE, link up|down NODE:PORT, port set SWITCH:PORT --vlan V|--no-shutdown, "
    "service start|stop NODE/DAEMON, status, backup run|list, help, quit",
}


def register(app: typer.Typer) -> None:
    @app.command("learner", hidden=True)
    def learner_entry(
        learner: Annotated[str, typer.Option("--learner", help="The learner whose lab this login reaches.")],
        class_name: Annotated[str, typer.Option("--class", help="The class.")] = "",
        lang: Annotated[str, typer.Option("--lang")] = "fr",
    ) -> None:
        """A learner's SSH login: their lab only (forced by the class's SSH entry point)."""
        record = store.require(learner)
        if class_name and record.class_name != class_name:
            fail(f"learner {learner} is not in class {class_name}")
        requested = os.environ.get("SSH_ORIGINAL_COMMAND", "").strip()
        if requested:  # `ssh … check`: one entry command, parsed like a typed one
            raise typer.Exit(run_line(learner, requested, lang))
        title = session.open_variant(record).scenario.title.in_(lang)
        out.print(Text(f"OfficeLab — {learner} — {title}"))
        out.print(Text(HELP[lang]))
        while True:
            try:
                line = input(f"[{learner}]> ")
            except (EOFError, KeyboardInterrupt):
                out.print(Text(""))
                return
            if line.strip() in ("quit", "exit", "logout"):
                return
            run_line(learner, line, lang)


def run_line(learner: str, line: str, lang: str) -> int:
    """One line typed at the entry point: run it on the learner's lab if it is allowed, else refuse it."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        out.print(Text(f"refused: {exc}"))
        return 2
    if not words:
        return 0
    command, args = words[0], words[1:]
    try:
        if command == "help":
            out.print(Text(HELP[lang]))
            return 0
        if command in ("brief", "check", "hint", "submit"):
            if args:
                raise OfficeLabError(f"`{command}` takes no argument here")
            return _exercise(command, learner, lang)
        if command == "nodes":
            out.print(Text(" ".join(n.name for n in Lab(learner).site().nodes if n.kind.value not in ("switch", "isp"))))
            return 0
        if command == "shell":
            if len(args) != 1:
                raise OfficeLabError("usage: shell NODE (see `nodes`)")
            return _shell(learner, args[0])
        if command in ACTS:
            if any(a == "-l" or a.startswith("--lab") for a in args):
                raise OfficeLabError("your commands act on your own lab: no --lab here")
            return _officelab([command, *args, "--lab", learner])
    except OfficeLabError as exc:
        out.print(Text(f"refused: {exc}"))
        return 2
    out.print(Text(f"refused: unknown command {command!r} — {HELP[lang]}"))
    return 2


def _exercise(command: str, learner: str, lang: str) -> int:
    """The exercise's own commands, in this process: OfficeLab is imported already, so `check` answers at once."""
    from officelab.cli import exercise

    try:
        if command == "submit":
            exercise.submit(learner)
        else:
            {"brief": exercise.brief, "check": exercise.check, "hint": exercise.hint}[command](learner, lang)
    except typer.Exit as exc:
        return exc.exit_code
    return 0


def _officelab(argv: list[str]) -> int:
    return subprocess.run([sys.executable, "-m", "officelab.cli", *argv], check=False).returncode


def _shell(learner: str, node: str) -> int:
    lab = Lab(learner)
    names = {n.name for n in lab.site().nodes}
    if node not in names:
        raise OfficeLabError(f"no node {node!r} in your lab (see `nodes`)")
    env = {"PS1": f"[{learner}] \\u@{node}:\\w\\$ ", "HOME": "/root", "PROMPT_COMMAND": journal.PROMPT_COMMAND}
    with journal.shell_recorder(learner, node) as fds:
        return lab.context(node).attach(["bash", "--norc", "-i"], env, fds)

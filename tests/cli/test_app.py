"""The command tree built on demand: a top-level word of `ON_DEMAND` loads its module only, and gets the same
commands as in the whole tree."""

from __future__ import annotations

import subprocess
import sys

import typer.main

from officelab.cli.app import ON_DEMAND, build_app


def _words(app: typer.Typer) -> set[str]:
    command = typer.main.get_command(app)
    assert isinstance(command, typer.main.TyperGroup)
    return set(command.commands)


def test_every_on_demand_word_is_what_its_module_registers() -> None:
    whole = _words(build_app())
    for word, module in ON_DEMAND.items():
        alone = _words(build_app(word))
        assert word in alone, f"officelab.cli.{module} does not register {word!r}"
        assert alone <= whole
        # the module's words are all in the table, so none of them is built without the others
        assert {w for w, m in ON_DEMAND.items() if m == module} == alone


def test_the_whole_tree_has_the_lab_commands_and_the_domains() -> None:
    whole = _words(build_app())
    assert {"up", "down", "check", "exec", "shell", "switch", "site", "call", "camera"} <= whole
    assert set(ON_DEMAND) <= whole


def test_a_learner_command_does_not_import_the_web_server_nor_every_domain() -> None:
    code = (
        "import sys; from officelab.cli.app import build_app; build_app('exercise'); "
        "print(sorted(m for m in ('fastapi', 'officelab.cli.web', 'officelab.domains.video.cli', 'asyncssh') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

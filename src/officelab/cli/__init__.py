"""The `officelab` command line (`officelab.cli.app`): the lab and recette commands, and each domain's sub-commands.

Importing this package registers nothing, so a domain's ``cli.py`` may use `officelab.cli.output` freely."""

from __future__ import annotations


def main() -> None:
    """Entry point of the `officelab` command."""
    from officelab.cli.app import main as run

    run()

"""User text is printed literally: no emoji substitution (``ad:computer:srv-files``), no markup from values."""

from __future__ import annotations

import pytest

from officelab.cli import output


@pytest.mark.parametrize("text", ["ad:computer:srv-files", "a [bold]title[/bold] from a site file", ":smile: [red]x[/]"])
def test_ok_step_and_fail_print_user_text_literally(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    output.ok(text)
    output.step(text)
    with pytest.raises(output.typer.Exit):
        output.fail(text)
    printed = capsys.readouterr()
    assert printed.out.count(text) == 2, printed.out
    assert text in printed.err and "💻" not in printed.out + printed.err


def test_table_cells_are_literal(capsys: pytest.CaptureFixture[str]) -> None:
    table = output.Table("id")
    output.add_row(table, "ad:computer:pc-compta-1 [dim]")
    output.out.print(table)
    assert "ad:computer:pc-compta-1 [dim]" in capsys.readouterr().out

"""The learner's entry point parses every line against its list: nothing else ever runs, and no line names
another lab."""

from __future__ import annotations

import pytest

from officelab.cli import learner


@pytest.mark.parametrize(
    "line",
    [
        "cat /etc/shadow",
        "bash",
        "sh -c id",
        "python3",
        "exec bash",
        "link up pc-compta-1:eth0 --lab bob",
        "port set sw-floor:ge2 -l bob",
        "status --lab=bob",
        "brief extra",
        "shell",
        "shell a b",
        "'unclosed",
    ],
)
def test_lines_outside_the_list_are_refused(line: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert learner.run_line("alice", line, "en") == 2
    assert "refused" in capsys.readouterr().out


def test_an_empty_line_does_nothing() -> None:
    assert learner.run_line("alice", "   ", "fr") == 0

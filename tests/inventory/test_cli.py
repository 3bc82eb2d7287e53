"""`officelab inventory scan`'s bad input: one readable line, a non-zero exit, nothing scanned."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import cli


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--here", "10.0.0.0/8"], "at most a /22 (1022 hosts); scan each subnet in turn"),
        (["--here", "bureau"], "expected a subnet such as 192.168.1.0/24"),
        (["--here", "192.168.1.0/24", "--save"], "--save keeps a lab's inventory"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(args: list[str], words: str, tmp_path: Path) -> None:
    done = cli("inventory", "scan", *args, "--glpi", str(tmp_path / "glpi"))
    assert done.returncode != 0
    assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "glpi").exists()


def test_a_file_where_the_documents_directory_should_be_is_refused(tmp_path: Path) -> None:
    (tmp_path / "glpi").write_text("")
    done = cli("inventory", "scan", "--lab", "nolab", "--glpi", str(tmp_path / "glpi"))
    assert done.returncode == 2 and "is a file, expected a directory" in done.stderr

"""The command line without a lab: validation, built-in sites, criteria. One readable line per failure."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import cli


def test_validate_builtin_and_file(tmp_path: Path, default_site_text: str) -> None:
    result = cli("validate", "cabinet-martin")
    assert result.returncode == 0 and "site cabinet-martin is valid" in result.stdout and "38 nodes" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(default_site_text.replace("subnet: 10.10.20.0/24", "subnet: 10.10.10.0/24").replace("kind: iot", "kind: iott", 1))
    result = cli("validate", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{bad}: 1 problem found, nothing was changed")
    assert f"{bad}:" in result.stderr and "'iott' is not one of the allowed values" in result.stderr


def test_unknown_site_is_one_line() -> None:
    result = cli("validate", "no-such-site")
    assert result.returncode == 1 and "no site file no-such-site and no built-in site of that name" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_sites_lists_and_shows() -> None:
    listing = cli("sites").stdout
    assert "cabinet-martin" in listing and "tpe" in listing
    shown = cli("sites", "--show", "tpe").stdout
    assert shown.startswith("# A very small business")


def test_criteria_counts_the_checks_of_a_site() -> None:
    result = cli("criteria", "--site", "cabinet-martin", "--lang", "en")
    assert result.returncode == 0
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") >= 4 and "-C" in line}
    assert len(lines) == 87
    assert lines["TRI-CP4-C3"].rstrip(" │").split("│")[-1].strip() not in ("", "0")
    assert lines["TAI-CT2-C1"].rstrip(" │").split("│")[-1].strip() == "0", "a soft skill has no automatic check"


def test_commands_needing_root_say_so(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    if os.geteuid() == 0:
        return  # as root the command would run; its refusal is only observable as a normal user
    result = cli("up", "tpe", "--lab", "tnoroot")
    assert result.returncode == 77 and "needs root" in result.stderr

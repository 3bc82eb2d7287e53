"""`officelab audit`'s own errors: each one line and an exit code, before any probe."""

from __future__ import annotations

from tests.conftest import cli


def test_a_bad_language_is_refused() -> None:
    out = cli("audit", "--lang", "de")
    assert out.returncode == 2 and "fr or en" in out.stderr


def test_field_mode_refuses_what_is_not_one_office_subnet() -> None:
    too_big = cli("audit", "--here", "10.0.0.0/16")
    assert too_big.returncode == 1 and "at most a /22" in too_big.stderr
    wrong = cli("audit", "--here", "not-a-subnet")
    assert wrong.returncode == 1 and "expected a subnet such as 192.168.1.0/24" in wrong.stderr


def test_a_lab_that_is_not_up_is_named() -> None:
    out = cli("audit", "--lab", "nosuchlab")
    assert out.returncode != 0 and "nosuchlab" in out.stderr

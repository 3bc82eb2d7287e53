"""The fault commands without a lab: the catalogue prints, and every mistake is one readable line and a
non-zero exit, before anything changes."""

from __future__ import annotations

import json

from officelab.faults import engine
from tests.conftest import cli


def test_catalogue_lists_every_type() -> None:
    result = cli("fault", "catalogue", "--json", check=True)
    kinds = [entry["kind"] for entry in json.loads(result.stdout)]
    assert kinds == list(engine.catalogue())
    table = cli("fault", "catalogue", "--domain", "firewall", check=True).stdout
    assert "firewall-rule-removed" in table and "cable-pulled" not in table


def test_mistakes_are_one_line() -> None:
    for args, expected in [
        (("fault", "inject"), "give a fault type"),
        (("fault", "inject", "cable-pulled", "-p", "at"), "expected NAME=VALUE"),
        (("fault", "clear"), "give fault ids"),
        (("port", "set", "sw-floor:ge3"), "give either --vlan"),
    ]:
        result = cli(*args, "--lab", "nosuchlab")
        assert result.returncode != 0, args
        assert expected in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr

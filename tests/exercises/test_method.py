"""The method criteria from recorded journals: bottom-up beats top-down, changing before testing earns nothing, a fix
not tested again is not verified — and every verdict names the journal lines it rests on."""

from __future__ import annotations

from pathlib import Path

import pytest

from officelab.exercises.journal import Entry, read_file
from officelab.exercises.method import assess, classify

JOURNALS = Path(__file__).parent / "journals"


def items(name: str, layer: str | None = "application", max_tests: int = 8) -> dict[str, float]:
    return {i.key: i.score for i in assess(read_file(JOURNALS / f"{name}.jsonl"), layer, max_tests)}


def test_bottom_up_scores_higher_than_top_down() -> None:
    up, down = items("bottom-up"), items("top-down")
    assert up["logical"] == 1.0
    assert down["logical"] == 0.0  # every test after the symptom went one layer lower
    assert up["efficient"] > down["efficient"]
    assert up["verified"] == 1.0 and down["verified"] == 0.0  # top-down never tested again after the fix


def test_changing_before_testing_earns_nothing() -> None:
    scores = items("change-first", "physical")
    assert scores["logical"] == 0.0 and scores["efficient"] == 0.0
    assert scores["verified"] == 1.0  # the link was looked at after plugging the cable


def test_too_many_tests_lower_efficiency() -> None:
    assert items("bottom-up", max_tests=3)["efficient"] < items("bottom-up", max_tests=8)["efficient"]


def test_verdicts_explain_themselves_from_the_journal() -> None:
    logical = next(i for i in assess(read_file(JOURNALS / "top-down.jsonl"), "application", 8) if i.key == "logical")
    assert "ip link show eth0" in logical.explanation and "retour" in logical.explanation
    assert any("nslookup" in line for line in logical.lines)


@pytest.mark.parametrize(
    ("command", "rank", "change"),
    [
        ("ip link show eth0", 1, False),
        ("ip -br l", 1, False),
        ("ip link set eth0 up", None, True),
        ("ip neigh", 2, False),
        ("ip -4 a", 3, False),
        ("ip route", 4, False),
        ("ip route add default via 10.10.40.1", None, True),
        ("ping -c1 10.10.10.1", 4, False),
        ("ping -c1 srv-files", 5, False),
        ("busybox nslookup srv-files", 5, False),
        ("sudo dig +short srv-files.cabinet-martin.lan", 5, False),
        ("smbclient -L //srv-files -U pdurand", 6, False),
        ("samba-tool user show pdurand", 6, False),
        ("samba-tool user enable pdurand", None, True),
        ("echo nameserver 10.10.40.5 > /etc/resolv.conf", None, True),
        ("ls / > /dev/null", None, False),
        ("sed -i s/a/b/ /etc/x", None, True),
        ("cupsenable Compta", None, True),
        ("lpstat -p", 6, False),
        ("timeout 2 bash -c '</dev/tcp/10.10.40.5/389'", 6, False),
        ("nft list ruleset", 4, False),
        ("tail -n 20 /var/log/baresip.log", 6, False),
        ("nft add rule inet officelab postrouting oifname wan masquerade", None, True),
    ],
)
def test_commands_are_classified_by_layer(command: str, rank: int | None, change: bool) -> None:
    action = classify(Entry(0.0, "pc-compta-1", command, 0, "shell"))
    assert (action.rank, action.change) == (rank, change)


@pytest.mark.parametrize(
    ("command", "rank", "change"),
    [
        ("link up pc-compta-1:eth0", None, True),
        ("port set sw-floor:ge2 --vlan 10", None, True),
        ("status", 1, False),
        ("service start srv-ad/samba", None, True),
        ("exercise check", None, False),
        ("diagnose pc-compta-1 srv-files", 6, False),
    ],
)
def test_officelab_commands_are_acts_or_tests(command: str, rank: int | None, change: bool) -> None:
    action = classify(Entry(0.0, "officelab", command, 0, "officelab"))
    assert (action.rank, action.change) == (rank, change)

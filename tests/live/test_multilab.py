"""Several labs side by side (a class on one server): same site, same addresses, no contact."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from officelab.runtime.lab import Lab
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site
from tests.live.leaks import Snapshot, assert_nothing_left, netns_inodes

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def labs() -> Iterator[tuple[Lab, Lab]]:
    before = Snapshot()
    text = builtin_sites()["tpe"].read_text()
    a, b = Lab("tclassa"), Lab("tclassb")
    for lab in (a, b):
        lab.up(load_site("tpe"), text)
    inodes = netns_inodes("tclassa") | netns_inodes("tclassb")
    yield a, b
    for lab in (a, b):
        lab.down()
    for lab in (a, b):
        assert_nothing_left(lab.name, lab.dir.path, before, inodes)


def test_both_labs_work_with_the_same_addresses(labs: tuple[Lab, Lab]) -> None:
    for lab in labs:
        assert lab.run("pc-caisse", ["ping", "-c1", "-W2", "192.168.1.1"]).returncode == 0
        result = lab.run("pc-caisse", ["curl", "-s", "-m", "3", "http://www.example.com/"])
        assert "Example Domain" in result.stdout
        assert lab.run("imprimante", ["ip", "-4", "-o", "addr", "show", "eth0"]).stdout.split()[3] == "192.168.1.5/24"


def test_labs_cannot_reach_each_other(labs: tuple[Lab, Lab]) -> None:
    a, b = labs
    b.run("pc-bureau", ["ip", "addr", "add", "192.168.1.77/24", "dev", "eth0"])
    try:
        assert b.run("pc-caisse", ["ping", "-c1", "-W2", "192.168.1.77"]).returncode == 0, "control: reachable inside lab b"
        assert a.run("pc-caisse", ["ping", "-c2", "-W1", "192.168.1.77"]).returncode != 0, "lab a cannot see lab b"
        neigh = a.run("pc-caisse", ["ip", "neigh", "show", "192.168.1.77"]).stdout
        assert "lladdr" not in neigh, "not even ARP crosses between labs"
    finally:
        b.run("pc-bureau", ["ip", "addr", "del", "192.168.1.77/24", "dev", "eth0"])


def test_each_lab_has_its_own_namespaces(labs: tuple[Lab, Lab]) -> None:
    a, b = labs
    assert netns_inodes(a.name).isdisjoint(netns_inodes(b.name))
    assert len(netns_inodes(a.name)) == len(netns_inodes(b.name)) == 10

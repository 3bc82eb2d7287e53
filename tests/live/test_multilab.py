"""Several labs side by side (a class on one server): same site, same addresses, no contact."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.runtime.lab import Lab
from officelab.runtime.state import home, process_start_time
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site
from tests.conftest import cli
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
    nodes = len(load_site(builtin_sites()["tpe"]).nodes)  # one namespace per node, switches included
    assert len(netns_inodes(a.name)) == len(netns_inodes(b.name)) == nodes


# --------------------------------------------------------------------------- each node is a machine of its own
def learner(lab: Lab, node: str, script: str) -> subprocess.CompletedProcess[str]:
    """A command typed in `officelab exec` (a person's shell on the node: confined root)."""
    return cli("exec", "--lab", lab.name, node, "--", "sh", "-c", script)


def test_a_node_sees_only_its_own_files(labs: tuple[Lab, Lab]) -> None:
    a, b = labs
    state = str(home())
    for run in (lambda s: learner(a, "pc-caisse", s), lambda s: a.run("pc-caisse", ["sh", "-c", s])):  # a person, a daemon
        listing = run(f"ls -a {state}; ls -a {state}/labs; ls -a {state}/labs/{a.name}; ls -a {state}/labs/{a.name}/nodes")
        names = set(listing.stdout.split())
        assert {"labs", a.name, "nodes", "pc-caisse"} <= names, listing.stdout + listing.stderr
        assert not names & {b.name, "pc-bureau", "box", "lab.json", "site.yaml", "processes.json", "inits", "cache"}, names
        assert run(f"cat {b.dir.path}/lab.json").returncode != 0, "another lab's state"
        assert run(f"cat {a.dir.node_dir('pc-bureau')}/etc/hostname").returncode != 0, "another node's files"
    assert (a.dir.path / "lab.json").exists(), "control: the host sees the lab's state"


def test_tmp_and_home_are_the_node_s_own(labs: tuple[Lab, Lab]) -> None:
    a, b = labs
    marker = f"/tmp/officelab-marker-{a.name}"
    assert learner(a, "pc-caisse", f"echo mine > {marker} && echo again > /root/note").returncode == 0
    try:
        assert learner(a, "pc-caisse", f"cat {marker} /root/note").stdout.split() == ["mine", "again"], "kept on its node"
        assert learner(a, "pc-bureau", f"cat {marker}").returncode != 0, "another node of the lab"
        assert learner(b, "pc-caisse", f"cat {marker}").returncode != 0, "the same node of another lab"
        assert not Path(marker).exists(), "the host's /tmp"
        assert a.run("pc-caisse", ["cat", "/etc/hostname"]).stdout.strip() == "pc-caisse"
    finally:
        learner(a, "pc-caisse", f"rm -f {marker} /root/note")


def test_ps_shows_only_the_node_s_processes(labs: tuple[Lab, Lab]) -> None:
    a, _ = labs
    shown = learner(a, "pc-caisse", "ps -e -o pid=,comm=")
    assert shown.returncode == 0, shown.stderr
    processes = dict(line.split(None, 1) for line in shown.stdout.strip().splitlines())
    assert processes["1"] == "tini", "the node's process 1 reaps its orphans"
    assert set(processes.values()) <= {"tini", "sleep", "busybox", "sh", "ps"}, processes
    assert len(processes) < 10 < len([p for p in os.listdir("/proc") if p.isdigit()]), "the host has many more"


def test_a_node_cannot_touch_another_lab_s_processes(labs: tuple[Lab, Lab]) -> None:
    a, b = labs
    victim = next(int(d["pid"]) for d in b.daemons().values() if d["state"] == "running")
    before = process_start_time(victim)
    assert learner(a, "pc-caisse", f"kill -9 {victim}").returncode != 0
    assert a.run("pc-caisse", ["kill", "-9", str(victim)]).returncode != 0, "not from a daemon's context either"
    assert process_start_time(victim) == before, "the other lab's daemon is still running"


def test_a_person_on_a_node_cannot_undo_its_view(labs: tuple[Lab, Lab]) -> None:
    a, _ = labs
    for attempt in (
        "umount /tmp",
        "umount -l /",
        "mount -t tmpfs none /mnt",
        f"mount --bind / {home()}",
        "mknod /tmp/disk b 8 0",
        "nsenter -t 1 -m true",
        "touch /etc/officelab-test",
        "touch /usr/bin/officelab-test",
        "ls /dev/sda /dev/vda /dev/nvme0n1",
    ):
        result = learner(a, "pc-caisse", attempt)
        assert result.returncode != 0, f"{attempt!r} succeeded: {result.stdout}{result.stderr}"
    assert not Path("/etc/officelab-test").exists()

"""Nothing leaks: `down` after a normal run, after Ctrl-C during `up`, after `kill -9` during `up`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.core.deadline import wait_for
from officelab.runtime.state import LabDir
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site
from tests.conftest import cli
from tests.live.leaks import Snapshot, assert_nothing_left, lab_namespaces, live_processes_mentioning, netns_inodes

pytestmark = pytest.mark.live


def start_up(lab: str, failpoint: str, site: str = "cabinet-martin") -> subprocess.Popen[str]:
    (LabDir(lab).path / "failpoint").unlink(missing_ok=True)
    env = {**os.environ, "OFFICELAB_FAILPOINT": failpoint}
    return subprocess.Popen(
        [sys.executable, "-m", "officelab.cli", "up", site, "--lab", lab],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(autouse=True)
def _cleanup_after_failure() -> Iterator[None]:
    """If a test fails half-way, its `up` must not outlive it: kill it by PID and take its lab down."""
    yield
    for proc in STARTED:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)
    STARTED.clear()
    for lab in ("tcycle", "tintr", "tkill"):
        cli("down", "--lab", lab)


STARTED: list[subprocess.Popen[str]] = []


def wait_failpoint(lab_dir: Path, proc: subprocess.Popen[str]) -> None:
    reached = wait_for(lambda: (lab_dir / "failpoint").exists() or proc.poll() is not None, 60)
    assert reached and proc.poll() is None, f"up did not reach its failpoint: {proc.communicate()}"


def test_up_then_down_leaves_nothing() -> None:
    lab = "tcycle"
    before = Snapshot()
    result = cli("up", "tpe", "--lab", lab)
    assert result.returncode == 0, result.stderr
    assert "lab tcycle up in" in result.stdout
    inodes = netns_inodes(lab)
    nodes = len(load_site(builtin_sites()["tpe"]).nodes)  # one namespace per node, switches included
    assert len(inodes) == nodes
    assert live_processes_mentioning(str(LabDir(lab).path)), "daemons run while the lab is up"
    result = cli("down", "--lab", lab)
    assert result.returncode == 0 and f"{nodes} namespaces removed" in result.stdout
    assert_nothing_left(lab, LabDir(lab).path, before, inodes)
    assert cli("down", "--lab", lab).returncode == 0, "down is idempotent"
    assert cli("status", "--lab", lab).stdout.strip() == "lab tcycle is down"


@pytest.mark.parametrize("failpoint", ["network", "daemons-0", "daemons-1"])
def test_ctrl_c_during_up_tears_down(failpoint: str) -> None:
    lab = "tintr"
    before = Snapshot()
    proc = start_up(lab, failpoint)
    wait_failpoint(LabDir(lab).path, proc)
    inodes = netns_inodes(lab)
    assert inodes, "the boot was under way"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert_nothing_left(lab, LabDir(lab).path, before, inodes)
    assert cli("down", "--lab", lab).returncode == 0


@pytest.mark.parametrize(("failpoint", "then"), [("network", "down"), ("daemons-0", "down"), ("daemons-1", "up")])
def test_kill_9_during_up_then_next_command_cleans(failpoint: str, then: str) -> None:
    lab = "tkill"
    before = Snapshot()
    proc = start_up(lab, failpoint)
    wait_failpoint(LabDir(lab).path, proc)
    inodes = netns_inodes(lab)
    proc.kill()
    proc.communicate(timeout=30)
    assert lab_namespaces(lab), "the killed boot left its namespaces (that is what the next command must clean)"
    if then == "up":
        result = cli("up", "cabinet-martin", "--lab", lab)
        assert result.returncode == 0, result.stderr
        assert "cleaning up a previous run" in result.stdout
        inodes |= netns_inodes(lab)
    result = cli("down", "--lab", lab)
    assert result.returncode == 0, result.stderr
    assert_nothing_left(lab, LabDir(lab).path, before, inodes)


def test_commands_on_a_lab_that_is_down_say_so() -> None:
    result = cli("exec", "--lab", "tnever", "pc", "--", "true")
    assert result.returncode == 1 and "lab tnever is not up" in result.stderr
    result = cli("up", "tpe", "--lab", "Bad_Name")
    assert result.returncode == 1 and "invalid lab name" in result.stderr

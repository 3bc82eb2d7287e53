"""Shared fixtures: an isolated OfficeLab home, and helpers to run the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.site.catalog import builtin_sites

ROOT = os.geteuid() == 0
SESSION_START = time.time()
"""When this test session began (a host file changed since then was changed by the session's labs)."""


@pytest.fixture(scope="session", autouse=True)
def officelab_home() -> Iterator[Path]:
    """Every test session uses its own OFFICELAB_HOME, never the machine's /var/lib/officelab.

    Readable by root only, as the real one (the nodes see none of it, but their own directory)."""
    # Under /var/lib as in production: every ancestor of a node's directory is root's and not world-writable,
    # which sshd's ChrootDirectory demands (the NAS's SFTP account), and the node views hide it like the real one.
    home = Path(tempfile.mkdtemp(prefix="officelab-test-", dir="/var/lib" if ROOT else None))
    old = os.environ.get("OFFICELAB_HOME")
    os.environ["OFFICELAB_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("OFFICELAB_HOME", None)
    else:
        os.environ["OFFICELAB_HOME"] = old
    shutil.rmtree(home, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ROOT:
        return
    skip = pytest.mark.skip(reason="live lab tests need root (network namespaces)")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


def cli(*args: str, timeout: float = 120, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run `officelab ARGS…` as a user would, in a subprocess."""
    result = subprocess.run([sys.executable, "-m", "officelab.cli", *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"officelab {' '.join(args)} failed ({result.returncode}): {result.stderr}{result.stdout}")
    return result


@pytest.fixture()
def default_site_text() -> str:
    return builtin_sites()["cabinet-martin"].read_text()

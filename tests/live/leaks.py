"""What a lab may leave behind: nothing. Helpers that look everywhere a lab could leak."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from officelab.runtime.lab import Lab
from officelab.runtime.netns import processes_in
from officelab.runtime.state import NETNS_DIR, netns_prefix
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site


def root_links() -> set[str]:
    out = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout
    return {line.split(":")[1].strip().split("@")[0] for line in out.splitlines()}


def lab_namespaces(lab: str) -> list[str]:
    if not NETNS_DIR.is_dir():
        return []
    return sorted(p.name for p in NETNS_DIR.iterdir() if p.name.startswith(netns_prefix(lab)))


def live_processes_mentioning(text: str) -> list[tuple[int, str]]:
    """Live (non-zombie) processes whose command line mentions ``text`` (every lab daemon names its lab dir)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state not in ("Z", "X"):
            found.append((int(entry.name), cmdline))
    return found


def processes_in_inodes(inodes: set[int]) -> list[int]:
    return processes_in(inodes)


@dataclass
class Snapshot:
    """The host as it was before a lab: links of the root namespace, mounts."""

    links: set[str] = field(default_factory=root_links)
    mountinfo: str = field(default_factory=lambda: Path("/proc/self/mountinfo").read_text())


def netns_inodes(lab: str) -> set[int]:
    inodes = set()
    for name in lab_namespaces(lab):
        with contextlib.suppress(OSError):
            inodes.add(os.stat(NETNS_DIR / name).st_ino)
    return inodes


def assert_nothing_left(lab: str, lab_dir: Path, before: Snapshot, inodes: set[int]) -> None:
    assert lab_namespaces(lab) == [], "network namespaces left behind"
    assert processes_in_inodes(inodes) == [], "processes left in the lab's namespaces"
    assert live_processes_mentioning(str(lab_dir)) == [], "processes of the lab still running"
    assert root_links() == before.links, "links added to or removed from the root namespace"
    mounts = Path("/proc/self/mountinfo").read_text()
    assert netns_prefix(lab) not in mounts, "a namespace mount is left"
    etc = Path("/etc/netns")
    assert not (etc.is_dir() and any(p.name.startswith(netns_prefix(lab)) for p in etc.iterdir())), "files left under /etc/netns"


def booted(lab_name: str, site: str | Path = "cabinet-martin") -> Iterator[Lab]:
    """A lab of a built-in site (a name) or of a site file (a path) for a test module: booted once, proven leak-free
    after `down`."""
    before = Snapshot()
    lab = Lab(lab_name)
    lab.up(load_site(site), (site if isinstance(site, Path) else builtin_sites()[site]).read_text())
    inodes = netns_inodes(lab_name)
    yield lab
    lab.down()
    assert_nothing_left(lab_name, lab.dir.path, before, inodes)

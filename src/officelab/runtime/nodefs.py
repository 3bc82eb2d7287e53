"""A node's file-system view: what a program on a node sees, as on a small machine of its own.

Built in the program's own mount namespace, just before it starts (`NodeContext.enter`), then made its root
with ``pivot_root`` — the host's tree is detached, so no unmount can reveal it again:

- the host's operating system, read-only: binaries, libraries, ``/usr/share``, ``/etc`` (with the node's own
  files bound over the host's: ``resolv.conf``, ``hosts``, ``hostname``, ``samba/smb.conf``…);
- the node's own, writable and kept for the lab's life, from its directory: ``/run``, ``/var/log`` (its daemons'
  logs), ``/tmp``, ``/var/tmp``, ``/home``, ``/root``, ``/var/lib/dhcp``, ``/var/cache``, ``/var/spool``
  (``fs/<path>`` under the node's directory), mounted ``nodev,nosuid``;
- its own ``/proc`` (its PID namespace: `ps` shows its processes only), a fresh ``/sys`` (its network
  namespace's interfaces) and a minimal ``/dev`` (null, zero, random, tty, ptys, shm: no disk);
- OfficeLab's state (the OfficeLab home: every lab, node and answer) is hidden under an empty tmpfs, except this
  node's own directory, bound back at its usual path because the daemons' configurations name it; so are the
  built-in scenarios (their goals and reference solutions) and, when OfficeLab runs from a source checkout, the
  checkout but for the package and the Python environment (its git history holds the scenarios too).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import sys
from functools import cache
from pathlib import Path

from officelab.runtime import kernel

NEW_ROOT = "/run"
"""Where the view is assembled before it becomes ``/`` (any directory would do: the host's /run is not needed)."""

PRIVATE: dict[str, tuple[str, int]] = {
    "/tmp": ("fs/tmp", 0o1777),
    "/var/tmp": ("fs/var/tmp", 0o1777),
    "/home": ("fs/home", 0o755),
    "/root": ("fs/root", 0o700),
    "/var/lib/dhcp": ("fs/var/lib/dhcp", 0o755),
    "/var/cache": ("fs/var/cache", 0o755),
    "/var/spool": ("fs/var/spool", 0o755),
    "/var/log": ("log", 0o755),
    "/run": ("run", 0o755),
}
"""Where the node sees each of its own directories → (path under the node's directory, mode)."""

DEVICES = ("null", "zero", "full", "random", "urandom", "tty", "ptmx")
SPECIAL = ("/proc", "/sys", "/dev", "/run", "/tmp")
"""Host mount points never carried into a view: each view gets its own."""

MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}[os.uname().machine]
CODE = str(Path(__file__).resolve().parents[2])
"""The directory holding the `officelab` package (the source tree of an editable install, or site-packages)."""
ANSWERS = (f"{CODE}/officelab/exercises/library",)
"""Directories of OfficeLab's code that hold answers (the built-in scenarios and their reference solutions)."""
_libc = ctypes.CDLL(None, use_errno=True)
_OCTAL = re.compile(r"\\([0-7]{3})")  # /proc/self/mountinfo writes a blank in a path as \040


def prepare(node_dir: Path) -> None:
    """Create the node's own directories (idempotent; run as root before entering)."""
    for _target, (relative, mode) in PRIVATE.items():
        path = node_dir / relative
        if not path.is_dir():
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(mode)


def _bind(source: str, target: str, flags: int = 0, recursive: bool = False) -> None:
    kernel.mount(source, target, None, kernel.MS_BIND | (kernel.MS_REC if recursive else 0))
    if flags:
        kernel.mount(None, target, None, kernel.MS_BIND | MS_REMOUNT | flags)


@cache
def _host_mounts() -> list[str]:
    """The host's mount points other than ``/``, parents first. Read once per process: a parent that forks many
    nodes' inits calls it first (`host_mounts_known`), so that each child does not read it again."""
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = _OCTAL.sub(lambda m: chr(int(m[1], 8)), line.split()[4])
        if point != "/":
            points.append(point)
    return sorted(set(points), key=lambda p: (p.count("/"), p))


def host_mounts_known() -> None:
    """Read the host's mount table now, in the process that will fork the nodes' inits."""
    _host_mounts()


def _under(path: str, parents: tuple[str, ...] | list[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in parents)


def build(node_dir: Path, hidden: Path, pid_namespace: bool) -> None:
    """Assemble the node's view and make it the calling process's root (in a fresh mount namespace, as root)."""
    root = NEW_ROOT
    private = [p for p in PRIVATE if p != "/run"]
    # The host's operating system, read-only: the root file system and the file systems mounted below it.
    _bind("/", root)
    kernel.mount(None, root, None, kernel.MS_BIND | MS_REMOUNT | kernel.MS_RDONLY)
    for point in _host_mounts():
        if _under(point, [*SPECIAL, *private, str(hidden), root]) or not os.path.isdir(root + point):
            continue
        with contextlib.suppress(OSError):  # a mount point this view cannot reach is simply left out
            _bind(point, root + point)
            kernel.mount(None, root + point, None, kernel.MS_BIND | MS_REMOUNT | kernel.MS_RDONLY)
    # The node's own directories.
    for target, (relative, _mode) in PRIVATE.items():
        if os.path.isdir(root + target):
            _bind(str(node_dir / relative), root + target, MS_NODEV | MS_NOSUID)
    # The Python OfficeLab runs with and OfficeLab's own code (its devices and helpers run on the nodes), when they
    # live in a private directory of the host (a pyenv under /root, a clone under /tmp): read-only, at their path.
    for prefix in sorted({sys.base_prefix, sys.prefix, CODE}):
        if _under(prefix, private) and os.path.isdir(prefix):
            os.makedirs(root + prefix, exist_ok=True)
            _bind(prefix, root + prefix, kernel.MS_RDONLY | MS_NOSUID | MS_NODEV)
    _hide_answers(root)
    # OfficeLab's state: hidden, but for the node's own directory.
    if os.path.isdir(root + str(hidden)):
        kernel.mount("tmpfs", root + str(hidden), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755,size=64k")
    own = root + str(node_dir)
    os.makedirs(own, exist_ok=True)
    _bind(str(node_dir), own, MS_NODEV | MS_NOSUID)
    _etc_files(node_dir, root)
    _compiled_paths(node_dir, root)
    _kernel_file_systems(root, pid_namespace)
    # pivot_root(".", "."): the host's root ends up stacked on the view's, and is detached at once.
    os.chdir(root)
    _check(_libc.syscall(_SYS_PIVOT_ROOT, b".", b"."), "pivot_root")
    kernel.umount(".", kernel.MNT_DETACH)
    os.chdir("/")


def _checkout() -> str | None:
    """The source checkout OfficeLab runs from (``CODE`` is its ``src``), or None for an installed package."""
    parent = os.path.dirname(CODE)
    return parent if os.path.basename(CODE) == "src" and os.path.isfile(os.path.join(parent, "pyproject.toml")) else None


def _hide_answers(root: str) -> None:
    """What a learner must not read from a node: the scenarios' goals and reference solutions (`ANSWERS`), and a
    source checkout's history and tests (``git show`` would give the library back) — only the package and the
    Python environment stay visible there, read-only, for the programs that run on nodes."""
    checkout = _checkout()
    if checkout and os.path.isdir(root + checkout):
        kernel.mount("tmpfs", root + checkout, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755,size=64k")
        for keep in sorted({CODE, sys.prefix}):
            if _under(keep, [checkout]) and keep != checkout and os.path.isdir(keep):
                os.makedirs(root + keep, exist_ok=True)
                _bind(keep, root + keep, kernel.MS_RDONLY | MS_NOSUID | MS_NODEV)
    for answers in ANSWERS:
        if os.path.isdir(root + answers):
            kernel.mount("tmpfs", root + answers, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | kernel.MS_RDONLY, "mode=755,size=4k")


def _etc_files(node_dir: Path, root: str) -> None:
    """Like /etc/netns/<ns>/: each file under the node's etc/ replaces the host's file of that path, when the host
    has one (a bind needs a target, and the host's /etc is never written)."""
    etc = str(node_dir / "etc")
    for directory, _dirs, files in os.walk(etc):
        for name in files:
            source = os.path.join(directory, name)
            target = root + "/etc" + source[len(etc) :]
            if os.path.isfile(target):
                with contextlib.suppress(OSError):
                    _bind(source, target)


def _compiled_paths(node_dir: Path, root: str) -> None:
    """Directories with compiled-in paths (e.g. /var/log/samba): "relative-source absolute-target" lines."""
    binds = node_dir / "binds"
    if not binds.is_file():
        return
    for line in binds.read_text().splitlines():
        source_rel, _, target_dir = line.partition(" ")
        if source_rel and os.path.isdir(root + target_dir) and (node_dir / source_rel).is_dir():
            _bind(str(node_dir / source_rel), root + target_dir, MS_NODEV | MS_NOSUID)


def _kernel_file_systems(root: str, pid_namespace: bool) -> None:
    """/proc of the node's PID namespace, /sys of its network namespace, and a /dev without disks."""
    if pid_namespace:
        kernel.mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    else:
        _bind("/proc", root + "/proc", recursive=True)
    try:
        kernel.mount("sysfs", root + "/sys", "sysfs", kernel.MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:
        _bind("/sys", root + "/sys", recursive=True)
    dev = root + "/dev"
    kernel.mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k")
    for name in DEVICES:
        if os.path.exists(f"/dev/{name}"):
            Path(f"{dev}/{name}").touch()
            _bind(f"/dev/{name}", f"{dev}/{name}")
    for name in ("pts", "shm", "net"):
        os.mkdir(f"{dev}/{name}")
    _bind("/dev/pts", f"{dev}/pts", recursive=True)
    kernel.mount("tmpfs", f"{dev}/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m")
    if os.path.exists("/dev/net/tun"):
        Path(f"{dev}/net/tun").touch()
        _bind("/dev/net/tun", f"{dev}/net/tun")
    for name, target in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        os.symlink(target, f"{dev}/{name}")
    kernel.mount(None, dev, None, kernel.MS_BIND | MS_REMOUNT | kernel.MS_RDONLY | MS_NOSUID | MS_NOEXEC)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")

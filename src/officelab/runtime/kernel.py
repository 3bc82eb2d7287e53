"""Thin bindings to the namespace system calls Python 3.11 lacks (setns, unshare, mount).

Kept to the calls OfficeLab needs; everything above works with names (`netns`, `node context`).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Iterator
from contextlib import contextmanager

from officelab.core.errors import NotRoot

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
MS_RDONLY = 1
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_SLAVE = 1 << 19
MS_SHARED = 1 << 20
MNT_DETACH = 2

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.setns.argtypes = [ctypes.c_int, ctypes.c_int]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.sethostname.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def setns(fd: int, nstype: int) -> None:
    _check(_libc.setns(fd, nstype), "setns")


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str | None, target: str, fstype: str | None = None, flags: int = 0, data: str | None = None) -> None:
    _check(
        _libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            flags,
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def umount(target: str, flags: int = 0) -> None:
    _check(_libc.umount2(target.encode(), flags), f"umount {target}")


def sethostname(name: str) -> None:
    raw = name.encode()
    _check(_libc.sethostname(raw, len(raw)), "sethostname")


@contextmanager
def new_pidns() -> Iterator[None]:
    """The next process this thread starts is process 1 of a new PID namespace (start exactly one), then back."""
    home = os.open("/proc/thread-self/ns/pid_for_children", os.O_RDONLY)
    try:
        unshare(CLONE_NEWPID)
        yield
    finally:
        setns(home, CLONE_NEWPID)
        os.close(home)


def in_pidns(path: str | None) -> contextlib.AbstractContextManager[None]:
    """Processes this thread starts in the body join the PID namespace at ``path`` (none: stay where we are).

    The caller itself does not move: a PID namespace is entered by the children created after `setns`."""
    return contextlib.nullcontext() if path is None else _in_namespace(path, "pid_for_children", CLONE_NEWPID)


PR_CAPBSET_DROP = 24
LEARNER_DROPPED_CAPABILITIES = {
    "CAP_SYS_MODULE": 16,
    "CAP_SYS_RAWIO": 17,
    "CAP_SYS_PTRACE": 19,
    "CAP_SYS_ADMIN": 21,
    "CAP_SYS_BOOT": 22,
    "CAP_SYS_TIME": 25,
    "CAP_MKNOD": 27,
    "CAP_SYSLOG": 34,
    "CAP_WAKE_ALARM": 35,
    "CAP_BLOCK_SUSPEND": 36,
    "CAP_BPF": 39,
    "CAP_PERFMON": 38,
    "CAP_CHECKPOINT_RESTORE": 40,
}
"""What a person's shell on a node may not do even as root: mount or unmount (and so undo the node's view), enter
other namespaces, load modules, read raw devices, trace processes, create device nodes, set the clock."""


def drop_capabilities(names: dict[str, int]) -> None:
    """Remove capabilities from this process's bounding set: programs it executes can never hold them."""
    for number in names.values():
        _check(_libc.prctl(PR_CAPBSET_DROP, number, 0, 0, 0), "prctl(PR_CAPBSET_DROP)")


def in_netns(path: str) -> contextlib.AbstractContextManager[None]:
    """Run the body with this thread in the network namespace at ``path``, then come back."""
    return _in_namespace(path, "net", CLONE_NEWNET)


@contextmanager
def _in_namespace(path: str, kind: str, flag: int) -> Iterator[None]:
    """This thread in the namespace at ``path`` (its ``kind`` under /proc/thread-self/ns) for the body, then back."""
    home = os.open(f"/proc/thread-self/ns/{kind}", os.O_RDONLY)
    target = os.open(path, os.O_RDONLY)
    try:
        setns(target, flag)
        yield
    finally:
        setns(home, flag)
        os.close(target)
        os.close(home)


def require_root() -> None:
    if os.geteuid() != 0:
        raise NotRoot("this command needs root: network namespaces are created by root (try sudo)")

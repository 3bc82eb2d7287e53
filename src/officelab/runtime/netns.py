"""Network namespaces of a lab, and entering a node to run a program "on" it.

A node is a persistent network namespace (``/run/netns/ol-<lab>-<node>``, so ``ip netns`` sees it).
Each program started on a node also gets a fresh mount and UTS namespace, in which the node's own view of
the file system is built (`officelab.runtime.nodefs`), and joins the node's PID namespace (its init is started
by the lab's supervisor). Nothing of this touches the host's files, and nothing but the netns files is mounted
in the host's mount namespace.
"""

from __future__ import annotations

import contextlib
import os
import pty
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from officelab.runtime import kernel, nodefs
from officelab.runtime.state import NETNS_DIR, home, process_alive


def ensure_netns_dir() -> None:
    """Make ``/run/netns`` a shared mount point, as ``ip netns add`` does.

    Shared propagation means that when a namespace file is unmounted, the copies held by the mount
    namespaces of running node programs go too, so a deleted namespace is really freed.
    """
    NETNS_DIR.mkdir(parents=True, exist_ok=True)
    try:
        kernel.mount("", str(NETNS_DIR), None, kernel.MS_SHARED | kernel.MS_REC)
    except OSError:
        kernel.mount(str(NETNS_DIR), str(NETNS_DIR), None, kernel.MS_BIND | kernel.MS_REC)
        kernel.mount("", str(NETNS_DIR), None, kernel.MS_SHARED | kernel.MS_REC)


def create(name: str) -> Path:
    """Create a persistent network namespace without forking (fast: ~0.1 ms)."""
    path = NETNS_DIR / name
    fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0o444)
    os.close(fd)
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        kernel.unshare(kernel.CLONE_NEWNET)
        try:
            kernel.mount("/proc/thread-self/ns/net", str(path), None, kernel.MS_BIND)
        finally:
            kernel.setns(home, kernel.CLONE_NEWNET)
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    finally:
        os.close(home)
    return path


def delete(name: str) -> None:
    """Remove a namespace file; the kernel frees the namespace (and its links) once unused."""
    path = NETNS_DIR / name
    with contextlib.suppress(OSError):
        kernel.umount(str(path), kernel.MNT_DETACH)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def listed(prefix: str) -> list[str]:
    if not NETNS_DIR.is_dir():
        return []
    return sorted(p.name for p in NETNS_DIR.iterdir() if p.name.startswith(prefix))


def inode(name: str) -> int | None:
    try:
        return os.stat(NETNS_DIR / name).st_ino
    except OSError:
        return None


def processes_in(inodes: set[int]) -> list[int]:
    """PIDs of live processes whose network namespace is one of ``inodes``."""
    pids: list[int] = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry.name}/ns/net").st_ino in inodes:
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


@dataclass(frozen=True)
class NodeContext:
    """How to enter a node: its namespace file, hostname and private files."""

    netns: str
    hostname: str
    node_dir: str

    def sibling(self, node: str) -> NodeContext:
        """Another node of the same lab (namespaces and node directories are named after the node)."""
        assert self.netns.endswith(self.hostname)
        return NodeContext(self.netns.removesuffix(self.hostname) + node, node, str(Path(self.node_dir).parent / node))

    @property
    def lab_dir(self) -> Path:
        return Path(self.node_dir).parent.parent

    @property
    def init_pid(self) -> int | None:
        """The PID of the node's process 1 (started by the lab's supervisor), if it is running."""
        try:
            pid_text, start_text = (self.lab_dir / "inits" / self.hostname).read_text().split()
        except (OSError, ValueError):
            return None
        pid = int(pid_text)
        return pid if process_alive(pid, int(start_text)) else None

    @property
    def pidns(self) -> str | None:
        """The node's PID namespace (its init's), if it has one."""
        pid = self.init_pid
        return f"/proc/{pid}/ns/pid" if pid is not None else None

    def enter(self, confined: bool = False) -> None:
        """Move the calling (single-threaded, freshly forked) process onto the node: its network, its view of the
        file system (`officelab.runtime.nodefs`), its hostname and environment. A process forked in the node's PID
        namespace (see `kernel.in_pidns`) is then wholly on the node, as if started there.

        The node's view is built once, by its init (`boot_init`): a program joins the init's mount and UTS
        namespaces (a few system calls). Before the init runs, a program builds a view of its own.

        ``confined``: a person's shell or command (`officelab shell/exec`, an SSH login): root on the node, but
        without the capabilities that would undo the view (`kernel.LEARNER_DROPPED_CAPABILITIES`).
        """
        environment = self.environment()
        init = self.init_pid
        self._join_network()
        if init is None:
            self._build_view()
        else:
            # Both opened first: once in the node's mount namespace, /proc is the node's, where the init is PID 1.
            joined = [
                (os.open(f"/proc/{init}/ns/{kind}", os.O_RDONLY), flag)
                for kind, flag in (("uts", kernel.CLONE_NEWUTS), ("mnt", kernel.CLONE_NEWNS))
            ]
            try:
                for fd, flag in joined:
                    kernel.setns(fd, flag)
            finally:
                for fd, _ in joined:
                    os.close(fd)
        os.environ.update(environment)
        os.chdir("/")
        if confined:
            kernel.drop_capabilities(kernel.LEARNER_DROPPED_CAPABILITIES)

    def boot_init(self, argv: list[str]) -> None:
        """In a child forked as process 1 of the node's new PID namespace: build the node's view, then become
        ``argv`` (the node's init). Never returns."""
        try:
            self._join_network()
            self._build_view()
            os.chdir("/")
            os.setsid()
            os.execv(argv[0], argv)
        finally:
            os._exit(127)

    def _join_network(self) -> None:
        fd = os.open(str(NETNS_DIR / self.netns), os.O_RDONLY)
        try:
            kernel.setns(fd, kernel.CLONE_NEWNET)
        finally:
            os.close(fd)

    def _build_view(self) -> None:
        kernel.unshare(kernel.CLONE_NEWNS | kernel.CLONE_NEWUTS)
        # Receive unmounts from the host (see ensure_netns_dir) but send nothing back.
        kernel.mount("", "/", None, kernel.MS_SLAVE | kernel.MS_REC)
        base = Path(self.node_dir)
        nodefs.prepare(base)
        # In a PID namespace of its own, a process's PID differs from the one the host's /proc knows it by.
        nodefs.build(base, home(), pid_namespace=os.readlink("/proc/self") != str(os.getpid()))
        kernel.sethostname(self.hostname)

    def attach(self, argv: list[str], env: dict[str, str] | None = None, fds: dict[int, int] | None = None) -> int:
        """Run ``argv`` on the node as a person would (confined, in the node's PID namespace), attached to this
        terminal, and return its exit code (128 + N if killed by signal N). ``fds``: descriptors the command gets
        (its number → ours), such as the journal's pipe."""
        sys.stdout.flush()
        sys.stderr.flush()
        with kernel.in_pidns(self.pidns):
            pid = os.fork()
            if pid == 0:
                self._become(argv, env, fds)
        # The terminal's Ctrl-C and Ctrl-\ are the command's to handle.
        previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGQUIT)}
        try:
            _, status = os.waitpid(pid, 0)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        code = os.waitstatus_to_exitcode(status)
        return 128 - code if code < 0 else code

    def spawn_terminal(self, argv: list[str], env: dict[str, str] | None = None, fds: dict[int, int] | None = None) -> tuple[int, int]:
        """Run ``argv`` on the node as `attach` does, on a new pseudo-terminal of its own (a browser's console):
        returns its PID (as this machine sees it: the caller signals and reaps it) and the terminal's master side."""
        with kernel.in_pidns(self.pidns):
            pid, master = pty.fork()  # the child: a new session whose controlling terminal is the new one
            if pid == 0:
                self._become(argv, env, fds)
        return pid, master

    def _become(self, argv: list[str], env: dict[str, str] | None, fds: dict[int, int] | None) -> NoReturn:
        """In a forked child: take ``fds``, enter the node confined, become ``argv``, or exit. Never returns."""
        try:
            for target, source in (fds or {}).items():
                os.dup2(source, target)
            self.enter(confined=True)
            os.execvpe(argv[0], argv, {**os.environ, **(env or {})})
        except FileNotFoundError:
            os.write(2, f"error: {argv[0]}: command not found on {self.hostname}\n".encode())
            os._exit(127)
        except BaseException as exc:
            os.write(2, f"error: cannot start {argv[0]} on {self.hostname}: {exc}\n".encode())
            os._exit(126)
        os._exit(126)

    def environment(self) -> dict[str, str]:
        """Variables every program on the node gets (from the node's ``env`` file: KEY=value lines)."""
        env_file = Path(self.node_dir) / "env"
        if not env_file.is_file():
            return {}
        pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
        return {key: value for key, value in pairs}

"""The per-lab supervisor: starts the lab's daemons on their nodes, reaps them, stops them cleanly.

It runs detached (its own session) for the lifetime of a lab and is a child subreaper, so daemons that
fork stay its descendants and are reaped. Commands arrive on a unix socket in the lab directory, one
JSON object per line: ``start``, ``stop``, ``resume``, ``signal``, ``list``, ``shutdown``. Its PID and start time are written to
``supervisor.pid`` first thing, so ``officelab down`` can find it even after ``up`` was killed.

Run as ``python -m officelab.runtime.supervisor LAB_DIR``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from officelab.core.secrets import hide_url_passwords
from officelab.runtime import kernel, nodefs
from officelab.runtime.netns import NodeContext
from officelab.runtime.state import process_start_time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
STOP_GRACE = 5.0


@dataclass
class DaemonSpec:
    """A long-running program on a node."""

    name: str
    node: str
    argv: list[str]
    netns: str
    node_dir: str
    env: dict[str, str] = field(default_factory=dict)
    restart: bool = True
    confined: bool = False  # a daemon that gives people shells (sshd): see NodeContext.enter
    masked: bool = False  # its output goes through `hide_url_passwords` on its way to the log


@dataclass
class Daemon:
    spec: DaemonSpec
    pid: int = 0
    start: int = 0
    state: str = "stopped"  # running | exited | stopped
    exit_code: int | None = None
    restarts: int = 0
    started_at: float = 0.0
    wanted: bool = True


def _children(parent: int) -> list[int]:
    """Live (non-zombie) processes whose parent is ``parent``."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent and fields[0] not in ("Z", "X"):
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _signal_group(pid: int, signum: int) -> None:
    """Signal a daemon and everything in its process group (its forked workers)."""
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def _copy_masked(output: IO[bytes], log: Path) -> None:
    """Copy a daemon's output to its log line by line, every URL's password hidden, until the daemon closes it."""
    with output, open(log, "ab") as sink:
        for line in output:
            sink.write(hide_url_passwords(line.decode(errors="replace")).encode())
            sink.flush()


def _child_setup(ctx: NodeContext, confined: bool) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    ctx.enter(confined)


INIT = ("/usr/bin/tini", "--", "/bin/sleep", "infinity")
"""Process 1 of each node's PID namespace: tini reaps the node's orphans; when it dies, so does all of the node."""


class Supervisor:
    def __init__(self, lab_dir: Path) -> None:
        self.lab_dir = lab_dir
        self.daemons: dict[str, Daemon] = {}
        self.by_pid: dict[int, str] = {}
        # Popen objects are kept until reaped: a collected, unreaped Popen would be waited for by the
        # subprocess module itself, stealing the exit status from `reap`.
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.inits: dict[str, int] = {}  # node → PID of its init
        self.stopping = False
        self.done = asyncio.Event()

    # ------------------------------------------------------------------ processes
    def init_of(self, node: str, netns: str) -> int:
        """The PID of the node's init, started first if need be: process 1 of a new PID namespace, in the node's
        network and its view of the file system, which every program started on the node then joins."""
        pid = self.inits.get(node, 0)
        if pid and _alive(pid):
            return pid
        ctx = NodeContext(netns=netns, hostname=node, node_dir=str(self.lab_dir / "nodes" / node))
        nodefs.host_mounts_known()
        with kernel.new_pidns():
            pid = os.fork()
            if pid == 0:
                ctx.boot_init(list(INIT))
        self.inits[node] = pid
        record = self.lab_dir / "inits" / node
        record.parent.mkdir(mode=0o700, exist_ok=True)
        record.write_text(f"{pid} {process_start_time(pid)}\n")
        return pid

    def spawn(self, daemon: Daemon) -> None:
        spec = daemon.spec
        log_dir = Path(spec.node_dir) / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        ctx = NodeContext(netns=spec.netns, hostname=spec.node, node_dir=spec.node_dir)
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", **ctx.environment(), **spec.env}
        with open(log_dir / f"{spec.name.rsplit('/', 1)[-1]}.log", "ab") as log:
            shown = hide_url_passwords(" ".join(spec.argv))  # the log is the node's: no camera password in it
            log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} start: {shown}\n".encode())
            log.flush()
            try:
                with kernel.in_pidns(f"/proc/{self.init_of(spec.node, spec.netns)}/ns/pid"):
                    proc = subprocess.Popen(
                        spec.argv,
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE if spec.masked else log,
                        stderr=subprocess.STDOUT if spec.masked else log,
                        env=env,
                        preexec_fn=lambda: _child_setup(ctx, spec.confined),
                        close_fds=True,
                        # Its own process group: a daemon that signals its group on exit (Samba does) never reaches the
                        # supervisor, and stopping the daemon stops all it forked.
                        process_group=0,
                    )
            except (OSError, subprocess.SubprocessError) as exc:
                log.write(f"--- cannot start: {exc}\n".encode())
                daemon.state, daemon.exit_code = "exited", 127
                return
        if spec.masked and proc.stdout is not None:
            threading.Thread(target=_copy_masked, args=(proc.stdout, log_dir / log.name.rsplit("/", 1)[-1]), daemon=True).start()
        daemon.pid, daemon.start = proc.pid, process_start_time(proc.pid)
        daemon.state, daemon.exit_code, daemon.started_at = "running", None, time.time()
        self.by_pid[proc.pid] = spec.name
        self.procs[proc.pid] = proc
        self.save()

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            for node, init in list(self.inits.items()):
                if init == pid:
                    del self.inits[node]
                    with contextlib.suppress(FileNotFoundError):
                        (self.lab_dir / "inits" / node).unlink()
            name = self.by_pid.pop(pid, None)
            proc = self.procs.pop(pid, None)
            if proc is not None:
                proc.returncode = os.waitstatus_to_exitcode(status)
            if name is None:
                continue  # an adopted grandchild: reaped, nothing to track
            daemon = self.daemons[name]
            daemon.state = "exited" if daemon.wanted else "stopped"
            daemon.exit_code = os.waitstatus_to_exitcode(status)
            daemon.pid = 0
            self.save()
            if time.time() - daemon.started_at > 30:  # it ran steadily (a box restarts dnsmasq): not a crash loop
                daemon.restarts = 0
            if daemon.wanted and daemon.spec.restart and not self.stopping and daemon.restarts < 5:
                daemon.restarts += 1
                delay = min(0.2 * 2**daemon.restarts, 5.0)
                asyncio.get_running_loop().call_later(delay, self._restart, name)

    def _restart(self, name: str) -> None:
        daemon = self.daemons.get(name)
        if daemon and daemon.wanted and daemon.state != "running" and not self.stopping:
            self.spawn(daemon)

    async def stop(self, names: list[str]) -> None:
        targets = [self.daemons[n] for n in names if n in self.daemons]
        for daemon in targets:
            daemon.wanted = False
            if daemon.state == "running":
                _signal_group(daemon.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while any(d.state == "running" for d in targets) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            self.reap()
        for daemon in targets:
            if daemon.state == "running":
                _signal_group(daemon.pid, signal.SIGKILL)
        while any(d.state == "running" for d in targets):
            await asyncio.sleep(0.01)
            self.reap()
        self.save()

    def save(self) -> None:
        """Write processes.json (informative: a lab directory removed under us must not stop the supervisor)."""
        data = {name: {**asdict(d), "spec": asdict(d.spec)} for name, d in self.daemons.items()}
        with contextlib.suppress(OSError):
            tmp = self.lab_dir / "processes.tmp"
            tmp.write_text(json.dumps(data, indent=1))
            tmp.replace(self.lab_dir / "processes.json")

    # ------------------------------------------------------------------ control
    async def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "start":
            for raw in request.get("daemons", []):
                spec = DaemonSpec(**raw)
                old = self.daemons.get(spec.name)
                if old is not None and old.state == "running":
                    continue
                daemon = Daemon(spec=spec, restarts=old.restarts if old else 0)
                self.daemons[spec.name] = daemon
                self.spawn(daemon)
            return {"ok": True, "daemons": self.listing()}
        if op == "stop":
            await self.stop(list(request.get("names", [])))
            return {"ok": True, "daemons": self.listing()}
        if op == "resume":
            unknown = [n for n in request.get("names", []) if n not in self.daemons]
            if unknown:
                return {"ok": False, "error": f"unknown daemons {unknown}"}
            for name in request.get("names", []):
                resumed = self.daemons[name]
                resumed.wanted = True
                if resumed.state != "running":
                    self.spawn(resumed)
            return {"ok": True, "daemons": self.listing()}
        if op == "signal":
            signum = signal.Signals[f"SIG{request.get('signal', 'HUP')}"]
            for name in request.get("names", []):
                target = self.daemons.get(name)
                if target is not None and target.state == "running":
                    os.kill(target.pid, signum)
            return {"ok": True, "daemons": self.listing()}
        if op == "init":
            for node in request.get("nodes", []):
                self.init_of(node["node"], node["netns"])
            return {"ok": True, "inits": dict(self.inits)}
        if op == "list":
            return {"ok": True, "daemons": self.listing()}
        if op == "shutdown":
            asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self.shutdown()))
            return {"ok": True}
        return {"ok": False, "error": f"unknown op {op!r}"}

    def listing(self) -> dict[str, Any]:
        return {
            n: {"node": d.spec.node, "pid": d.pid, "start": d.start, "state": d.state, "exit_code": d.exit_code, "restarts": d.restarts}
            for n, d in self.daemons.items()
        }

    async def shutdown(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        try:
            await self.stop(list(self.daemons))
            await self.stop_inits()
            await self.stop_adopted()
        finally:
            self.done.set()

    async def stop_inits(self) -> None:
        """Kill each node's init: the kernel then kills whatever is left in the node's PID namespace."""
        for pid in list(self.inits.values()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + STOP_GRACE
        while self.inits and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
            self.reap()

    async def stop_adopted(self) -> None:
        """Daemons' detached helpers (smbd's samba-dcerpcd) were adopted by this subreaper: stop and reap them too."""
        for signum in (signal.SIGTERM, signal.SIGKILL):
            adopted = _children(os.getpid())
            for pid in adopted:
                _signal_group(pid, signum)
            deadline = time.monotonic() + STOP_GRACE / 2
            while _children(os.getpid()) and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
                self.reap()
            if not _children(os.getpid()):
                return

    async def serve_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                try:
                    answer = await self.handle(json.loads(line))
                except (ValueError, TypeError, KeyError) as exc:
                    answer = {"ok": False, "error": str(exc)}
                writer.write(json.dumps(answer).encode() + b"\n")
                await writer.drain()
        finally:
            writer.close()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGCHLD, self.reap)
        loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(self.shutdown()))
        loop.add_signal_handler(signal.SIGINT, lambda: asyncio.ensure_future(self.shutdown()))
        sock_path = self.lab_dir / "supervisor.sock"
        with contextlib.suppress(FileNotFoundError):
            sock_path.unlink()
        server = await asyncio.start_unix_server(self.serve_client, path=str(sock_path))
        self.save()
        await self.done.wait()
        server.close()
        with contextlib.suppress(FileNotFoundError):
            sock_path.unlink()


def main() -> None:
    lab_dir = Path(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1)
    pid = os.getpid()
    (lab_dir / "supervisor.pid").write_text(f"{pid} {process_start_time(pid)}\n")
    asyncio.run(Supervisor(lab_dir).run())
    with contextlib.suppress(FileNotFoundError):
        (lab_dir / "supervisor.pid").unlink()


def json_request(sock_path: Path, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
    """One JSON line to a Unix socket, one JSON line back (the supervisor's socket, a switch's management socket)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(sock_path))
        sock.sendall(json.dumps(payload).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    answer: dict[str, Any] = json.loads(data or b"{}")
    return answer


class SupervisorClient:
    """Talks to a lab's supervisor over its socket."""

    def __init__(self, sock_path: Path, timeout: float = 15.0) -> None:
        self.sock_path = sock_path
        self.timeout = timeout

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        return json_request(self.sock_path, payload, self.timeout)

    def reachable(self) -> bool:
        try:
            return bool(self.request({"op": "list"}).get("ok"))
        except (OSError, ValueError):
            return False


if __name__ == "__main__":
    main()

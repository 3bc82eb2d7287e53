"""`Lab`: a site realised on this machine. The Python API under the CLI.

    lab = Lab("default")
    lab.up(load_site("cabinet-martin"))
    lab.run("pc-accueil", ["ping", "-c1", "10.10.10.1"])
    lab.down()

`up` is safe to interrupt at any point (Ctrl-C, crash, ``kill -9``): every resource is recorded before it
is created, and `down` — or the next `up` — removes whatever exists, using the record and the lab's
naming (``ol-<lab>-*`` namespaces, processes inside them, the supervisor by its PID file).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from officelab.core.deadline import wait_for
from officelab.core.errors import LabError, OfficeLabError
from officelab.runtime import kernel, netns, nodefiles, ports
from officelab.runtime.archive import tar
from officelab.runtime.build import Netlink, build_network, create_namespaces
from officelab.runtime.kernel import require_root
from officelab.runtime.netns import NodeContext
from officelab.runtime.place import NodePlace
from officelab.runtime.plan import DaemonPlan, LabPlan, Readiness, Stage, compile_plan
from officelab.runtime.readiness import is_ready
from officelab.runtime.state import (
    DEFAULT_LAB,
    LIVE_CHANGES,
    NETNS_DIR,
    LabDir,
    LabRecord,
    home,
    netns_name,
    netns_prefix,
    process_start_time,
)
from officelab.runtime.status import LabStatus, lab_status
from officelab.runtime.supervisor import DaemonSpec, SupervisorClient
from officelab.runtime.teardown import remove_namespaces, stop_supervisor
from officelab.runtime.vlan import BpfTagging, VlanRealisation
from officelab.site.loader import load_text
from officelab.site.model import Site

Progress = Callable[[str], None]
READY_TIMEOUT = 30.0


def _quiet(_: str) -> None:
    pass


def failpoint(lab_dir: Path, name: str) -> None:
    """Test hook: with OFFICELAB_FAILPOINT=name, stop here (announced by a file) so a test can crash `up`
    at a known point of the boot. Never set in normal use."""
    if os.environ.get("OFFICELAB_FAILPOINT") != name:
        return
    (lab_dir / "failpoint").write_text(name)
    wait_for(lambda: False, 120.0, interval=0.05)


class Lab:
    """A lab: one site realised in network namespaces on this machine."""

    def __init__(self, name: str = DEFAULT_LAB, vlans: VlanRealisation | None = None) -> None:
        self.dir = LabDir(name)
        self.name = name
        self.vlans = vlans or BpfTagging(home() / "cache" / "bpf")
        self._supervisor: subprocess.Popen[bytes] | None = None

    # ------------------------------------------------------------------ queries
    @property
    def record(self) -> LabRecord:
        return self.dir.read()

    def is_up(self) -> bool:
        return self.record.state == "up"

    def site(self) -> Site:
        """The site this lab was booted from (the copy taken at `up`)."""
        copy = self.dir.path / "site.yaml"
        if not copy.exists():
            raise OfficeLabError(f"lab {self.name} is not up: run `officelab up --lab {self.name}`")
        return load_text(copy.read_text(), str(copy))

    def plan(self) -> LabPlan:
        return compile_plan(self.site(), self.name, self.dir.path)

    def context(self, node: str) -> NodeContext:
        """How to enter ``node`` (raises if the lab has no such node)."""
        record = self.record
        ns = netns_name(self.name, node)
        if record.state not in ("up", "booting") or not (NETNS_DIR / ns).exists():
            if record.state != "up":
                raise OfficeLabError(f"lab {self.name} is not up: run `officelab up --lab {self.name}`")
            raise OfficeLabError(f"lab {self.name} has no node {node!r}: see `officelab status --lab {self.name}`")
        ctx = NodeContext(netns=ns, hostname=node, node_dir=str(self.dir.node_dir(node)))
        if ctx.init_pid is None and self.dir.socket.exists():
            # a node that runs nothing of its own gets its files and its process 1 at first use
            nodefiles.materialise(self.dir.path, node)
            self._start_inits({node: ns})
        return ctx

    # ------------------------------------------------------------------ up
    def up(self, site: Site, site_text: str, progress: Progress = _quiet, snapshot: Path | None = None) -> None:
        """Realise ``site``; tear everything down again if anything fails or is interrupted."""
        require_root()
        with self.dir.lock():
            if self.leftovers():
                progress("cleaning up a previous run of this lab")
                self._teardown(progress)
            start = time.monotonic()
            plan = compile_plan(site, self.name, self.dir.path)
            record = LabRecord(
                lab=self.name, site=site.name, state="booting", namespaces=[n.netns for n in plan.nodes], started_at=time.time()
            )
            self.dir.write(record)  # write-ahead: everything below is findable by `down`
            try:
                self._boot(plan, site_text, record, progress, snapshot)
            except BaseException as exc:
                progress("boot failed: tearing the lab down")
                with contextlib.suppress(Exception):
                    self._teardown(_quiet)
                if isinstance(exc, OSError):
                    raise LabError(f"boot failed: {exc}") from None
                raise
            record.state = "up"
            record.extra["boot_seconds"] = round(time.monotonic() - start, 3)
            self.dir.write(record)
            progress(f"lab {self.name} up in {record.extra['boot_seconds']:.1f} s")

    def _boot(self, plan: LabPlan, site_text: str, record: LabRecord, progress: Progress, snapshot: Path | None = None) -> None:
        for stale in ("processes.json", "supervisor.sock", "supervisor.pid", "failpoint", nodefiles.PENDING, *LIVE_CHANGES):
            with contextlib.suppress(FileNotFoundError):
                (self.dir.path / stale).unlink()
        for stale_dir in ("nodes", "inits"):
            shutil.rmtree(self.dir.path / stale_dir, ignore_errors=True)
        (self.dir.path / "site.yaml").write_text(site_text)
        busy = {d.node for d in plan.daemons} | {c.node for c in plan.commands}
        # Beside the kernel making the namespaces and laying the cables: the nodes' files (then a snapshot's state),
        # then, once the supervisor answers, the process 1 of each node that runs something (it builds the node's
        # view of the file system).
        failed = threading.Event()  # the side stops waiting for a supervisor that will not come
        with ThreadPoolExecutor(max_workers=1) as pool:
            nodes = pool.submit(
                self._prepare_nodes, plan, {n.name: n.netns for n in plan.nodes if n.name in busy}, snapshot, progress, failed
            )
            try:
                create_namespaces(plan, progress)
                self._start_supervisor(record)  # after the namespaces: the inits wait for it, so they find them
                build_network(plan, self.vlans, progress)
            except BaseException:
                failed.set()
                raise
            nodes.result()
        failpoint(self.dir.path, "network")
        for command in plan.commands:
            result = self.run(command.node, list(command.argv))
            if result.returncode != 0:
                raise LabError(f"{command.what} on {command.node} failed: {(result.stderr or result.stdout).strip()[:400]}")
            progress(f"{command.what} loaded on {command.node}")
        self._run_hooks(plan, None, progress)
        for stage in Stage:
            daemons = [d for d in plan.daemons if d.stage is stage]
            if daemons:
                self._start_daemons(plan, daemons)
                failpoint(self.dir.path, f"daemons-{stage.value}")
                self.wait_daemons_ready(plan, daemons)
                progress(f"{len(daemons)} {stage.label} ready")
            self._run_hooks(plan, stage, progress)

    def _run_hooks(self, plan: LabPlan, stage: Stage | None, progress: Progress) -> None:
        for hook in (h for h in plan.hooks if h.after is stage):
            start = time.monotonic()
            hook.run(self, plan, progress)
            progress(f"{hook.what} ({time.monotonic() - start:.1f} s)")

    def _prepare_nodes(
        self, plan: LabPlan, busy: dict[str, str], snapshot: Path | None, progress: Progress, failed: threading.Event
    ) -> None:
        nodefiles.write_apart(plan, busy)
        nodefiles.defer(plan, self.dir.path, {n.name for n in plan.nodes} - busy.keys())
        if snapshot is not None:
            with tarfile.open(snapshot) as archive:
                saved = [name for name in LIVE_CHANGES if name in archive.getnames()]
            tar(["-xzpf", str(snapshot), "-C", str(self.dir.path), "nodes", *saved])
            progress(f"state restored from snapshot {snapshot.stem}")
        client = SupervisorClient(self.dir.socket)  # spawned by the main thread once the namespaces exist
        if not wait_for(lambda: client.reachable() or failed.is_set(), 10.0) or not client.reachable():
            raise LabError(f"the lab supervisor did not start: see {self.dir.path / 'supervisor.log'}")
        self._start_inits(busy)

    def _start_supervisor(self, record: LabRecord) -> None:
        log = open(self.dir.path / "supervisor.log", "ab")  # noqa: SIM115 - handed to the child
        try:
            self._supervisor = subprocess.Popen(
                [sys.executable, "-m", "officelab.runtime.supervisor", str(self.dir.path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                close_fds=True,
            )
        finally:
            log.close()
        record.supervisor_pid = self._supervisor.pid
        record.supervisor_start = process_start_time(self._supervisor.pid)
        self.dir.write(record)

    def _start_inits(self, nodes_netns: dict[str, str]) -> None:
        """These nodes' PID namespace and process 1, by the supervisor (which keeps and reaps them): at boot for the
        nodes that run daemons or commands, while the cables are laid; for the others when first used."""
        nodes = [{"node": node, "netns": netns} for node, netns in nodes_netns.items()]
        answer = SupervisorClient(self.dir.socket, timeout=60).request({"op": "init", "nodes": nodes})
        if not answer.get("ok"):
            raise LabError(f"the supervisor could not start the nodes' init processes: {answer.get('error')}")

    def _start_daemons(self, plan: LabPlan, daemons: Sequence[DaemonPlan]) -> None:
        specs = [
            asdict(
                DaemonSpec(
                    name=d.key,
                    node=d.node,
                    argv=d.argv,
                    netns=plan.netns(d.node),
                    node_dir=str(plan.node_dir(d.node)),
                    env=d.env,
                    confined=d.confined,
                    masked=d.masked,
                )
            )
            for d in daemons
        ]
        answer = SupervisorClient(self.dir.socket).request({"op": "start", "daemons": specs})
        if not answer.get("ok"):
            raise LabError(f"the supervisor refused to start daemons: {answer.get('error')}")

    def daemons(self) -> dict[str, dict[str, Any]]:
        """Daemon name → state, pid, exit code (from the supervisor)."""
        client = SupervisorClient(self.dir.socket, timeout=5)
        try:
            answer = client.request({"op": "list"})
        except (OSError, ValueError):
            return {}
        result: dict[str, dict[str, Any]] = answer.get("daemons", {})
        return result

    def _ready(self, plan: LabPlan, daemon: DaemonPlan, check: Readiness, nl: Netlink) -> bool:
        info = self.daemons().get(daemon.key, {})
        if info.get("state") != "running":
            return False
        return is_ready(check, int(info["pid"]), plan.netns(daemon.node), nl, lambda: NodePlace(daemon.node, self.context(daemon.node)))

    def wait_daemons_ready(self, plan: LabPlan, daemons: Sequence[DaemonPlan]) -> None:
        """Wait, with a deadline, until these daemons are running and ready (raises LabError otherwise)."""
        pending = [(d, c) for d in daemons for c in d.ready]
        if not pending:
            return
        deadline = time.monotonic() + READY_TIMEOUT
        with Netlink().session() as nl:
            while pending:
                pending = [(d, c) for d, c in pending if not self._ready(plan, d, c, nl)]
                if not pending:
                    return
                if time.monotonic() > deadline:
                    break
                failed = [
                    d
                    for d, _ in pending
                    if self.daemons().get(d.key, {}).get("state") == "exited" and self.daemons().get(d.key, {}).get("restarts", 0) >= 5
                ]
                if failed:
                    break
                time.sleep(0.02)
        daemon, check = pending[0]
        tail = self.log_tail(daemon.node, daemon.name)
        raise LabError(
            f"{daemon.name} on {daemon.node} not ready: no {check.describe()} within {READY_TIMEOUT:.0f} s"
            + (f"; its log ends: {tail}" if tail else "")
        )

    def log_tail(self, node: str, daemon: str, lines: int = 3) -> str:
        """The last lines of a daemon's log (its node's log/<daemon>.log), on one line."""
        try:
            text = (self.dir.node_dir(node) / "log" / f"{daemon}.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(text[-lines:])

    # ------------------------------------------------------------------ running things on nodes
    def run(
        self, node: str, argv: list[str], timeout: float = 60, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a command on a node and wait for it (the API's `officelab exec`). ``input`` and ``env`` carry what must
        not be on a command line (a password). The command has no terminal: a prompt reads ``input``."""
        ctx = self.context(node)
        environment = {**os.environ, **ctx.environment(), **env} if env else None  # an env given replaces the node's
        options: dict[str, Any] = {"capture_output": True, "text": True, "start_new_session": True, "check": False}
        try:
            with kernel.in_pidns(ctx.pidns):
                return subprocess.run(argv, preexec_fn=ctx.enter, timeout=timeout, input=input, env=environment, **options)
        except FileNotFoundError:
            raise OfficeLabError(f"{argv[0]}: command not found") from None

    def popen(self, node: str, argv: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        """Start a command on a node without waiting (captures, load generators)."""
        ctx = self.context(node)
        with kernel.in_pidns(ctx.pidns):
            return subprocess.Popen(argv, preexec_fn=ctx.enter, **kwargs)

    # ------------------------------------------------------------------ status and faults
    def status(self) -> LabStatus:
        return lab_status(self)

    def set_link(self, endpoint: str, up: bool) -> str:
        """Pull (or plug back) the cable at ``node:port``. Returns the port that was switched."""
        return ports.set_link(self, endpoint, up)

    def set_port_vlan(self, endpoint: str, vlan: int | str) -> None:
        """Put a switch's access port in another VLAN (a technician's change, or a fault to find)."""
        ports.set_port_vlan(self, endpoint, vlan)

    def control(self, op: str, names: list[str], **extra: Any) -> dict[str, Any]:
        """Ask the supervisor to stop, resume or signal daemons (``node/daemon`` names)."""
        known = self.daemons()
        unknown = [n for n in names if n not in known]
        if unknown:
            raise OfficeLabError(f"no daemon {', '.join(unknown)} in lab {self.name} (known: {', '.join(sorted(known))})")
        answer = SupervisorClient(self.dir.socket).request({"op": op, "names": names, **extra})
        if not answer.get("ok"):
            raise LabError(f"supervisor: {answer.get('error')}")
        return answer

    def stop_daemon(self, name: str) -> None:
        """Fault injection: stop a daemon (``fw/dnsmasq``); it stays stopped until `start_daemon`."""
        self.control("stop", [name])

    def start_daemon(self, name: str) -> None:
        """Start a daemon stopped by `stop_daemon` and wait until it is running."""
        self.control("resume", [name])
        if not wait_for(lambda: self.daemons().get(name, {}).get("state") == "running", 10):
            raise LabError(f"{name} did not start again: see its log")

    # ------------------------------------------------------------------ down
    def leftovers(self) -> bool:
        """Is anything of this lab present (after a crash, or while up)?"""
        record = self.dir.read()
        return record.state != "down" or bool(netns.listed(netns_prefix(self.name))) or (self.dir.path / "supervisor.pid").exists()

    def down(self, progress: Progress = _quiet) -> None:
        """Stop every daemon and remove every namespace and link of the lab. Idempotent."""
        require_root()
        with self.dir.lock():
            self._teardown(progress)

    def _teardown(self, progress: Progress) -> None:
        record = self.dir.read()
        if record.state != "down":
            record.state = "stopping"
            self.dir.write(record)
        stop_supervisor(self.dir, record)
        if self._supervisor is not None:  # our own child: reaped
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._supervisor.wait(timeout=5)
            self._supervisor = None
        removed, stray = remove_namespaces(self.name, record.namespaces)
        for stale in ("processes.json", "supervisor.sock", "supervisor.pid", "failpoint", nodefiles.PENDING, *LIVE_CHANGES):
            with contextlib.suppress(FileNotFoundError):
                (self.dir.path / stale).unlink()
        shutil.rmtree(self.dir.path / "inits", ignore_errors=True)
        record.state, record.namespaces, record.supervisor_pid, record.supervisor_start = "down", [], 0, 0
        self.dir.write(record)
        progress(f"lab {self.name} down: {removed} namespaces removed" + (f", {stray} stray processes killed" if stray else ""))

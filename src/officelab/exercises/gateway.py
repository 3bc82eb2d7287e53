"""A class's SSH entry point: one OpenSSH server for the class, one key per learner, and every login forced into
`officelab learner`, which reaches that learner's lab only — the briefing, check, hint, submit, the physical acts,
and a shell on one of their nodes. Never a shell on the host, never another lab.

The server's files are in ``$OFFICELAB_HOME/classes/<class>/ssh/``: its host key, ``authorized_keys`` (each key
``restrict,pty,command="…learner --learner NAME"``), the learners' private keys for the trainer to hand out
(``keys/<learner>``), its configuration and log. `class stop` stops it by its PID (checked against its start time)."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

from officelab.core.deadline import wait_for
from officelab.core.errors import OfficeLabError
from officelab.runtime.state import home, process_alive, process_start_time

SSHD = "/usr/sbin/sshd"
PRIVSEP = Path("/run/sshd")
"""OpenSSH's privilege-separation directory (compiled in): made if the host has none, removed again at stop."""


def folder(class_name: str) -> Path:
    return home() / "classes" / class_name / "ssh"


def _keygen(path: Path, comment: str) -> str:
    if not path.exists():
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], check=True, capture_output=True)
    return Path(f"{path}.pub").read_text().strip()


def entry_command(class_name: str, learner: str) -> str:
    """The command every login of ``learner`` is forced into."""
    env = f"OFFICELAB_HOME={shlex.quote(str(home()))}"
    grades = os.environ.get("OFFICELAB_GRADES_URL")
    if grades:
        env += f" OFFICELAB_GRADES_URL={shlex.quote(grades)}"
    python = shlex.quote(sys.executable)
    # Nothing of the login's environment, but the command the client asked for (one word: it is parsed, never run).
    clean = 'env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=xterm SSH_ORIGINAL_COMMAND="$SSH_ORIGINAL_COMMAND"'
    return f"{clean} {env} {python} -m officelab.cli learner --class {class_name} --learner {learner}"


def _listen(address: str) -> tuple[str, int]:
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise OfficeLabError(f"--ssh {address!r}: expected ADDRESS:PORT, e.g. 127.0.0.1:2222 (or 0.0.0.0:2222 for the classroom's network)")
    return host or "0.0.0.0", int(port)


def start(class_name: str, learners: list[str], address: str) -> dict[str, object]:
    """Start the class's SSH server on ``address``; returns what `stop` needs (kept in the class record)."""
    host, port = _listen(address)
    base = folder(class_name)
    (base / "keys").mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(base, 0o700)
    _keygen(base / "host_key", f"officelab-class-{class_name}")
    lines = []
    for learner in learners:
        public = _keygen(base / "keys" / learner, f"{learner}@{class_name}")
        forced = entry_command(class_name, learner)
        if "\\" in forced:
            raise OfficeLabError(f"the entry command cannot hold a backslash (authorized_keys has no escape for it): {forced}")
        forced = forced.replace('"', '\\"')  # authorized_keys' own quoting of a quote inside command="…"
        lines.append(f'restrict,pty,command="{forced}" {public}')
    (base / "authorized_keys").write_text("\n".join(lines) + "\n")
    os.chmod(base / "authorized_keys", 0o600)
    (base / "sshd_config").write_text(
        "\n".join(
            [
                f"ListenAddress {host}:{port}",
                f"HostKey {base / 'host_key'}",
                f"PidFile {base / 'sshd.pid'}",
                f"AuthorizedKeysFile {base / 'authorized_keys'}",
                "AllowUsers root",
                "PermitRootLogin forced-commands-only",  # a key, and its forced command, or nothing
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "AllowTcpForwarding no",
                "AllowStreamLocalForwarding no",
                "AllowAgentForwarding no",
                "X11Forwarding no",
                "PermitTunnel no",
                "PermitUserEnvironment no",
                "PermitUserRC no",
                "PrintMotd no",
                "PrintLastLog no",
                "LogLevel VERBOSE",
                "",
            ]
        )
    )
    made_privsep = not PRIVSEP.exists()
    if made_privsep:
        PRIVSEP.mkdir(mode=0o755)
    log = open(base / "sshd.log", "ab")  # noqa: SIM115 — the daemon writes it after we return
    try:
        process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(base / "sshd_config")], stdout=log, stderr=log, start_new_session=True)
    finally:
        log.close()
    state: dict[str, object] = {
        "pid": process.pid,
        "start": process_start_time(process.pid),
        "address": f"{host}:{port}",
        "privsep": made_privsep,
    }

    def listening() -> bool:
        if process.poll() is not None:
            raise OfficeLabError(f"the SSH entry point did not start: {(base / 'sshd.log').read_text().strip().splitlines()[-1:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1" if host == "0.0.0.0" else host, port), timeout=0.5):
            return True
        return False

    try:
        wait_for(listening, 10.0, interval=0.1)
    except BaseException:
        stop_state(state)
        raise
    return state


def _descendants(pid: int) -> list[tuple[int, int]]:
    """The processes under ``pid`` (the sessions of logged-in learners), with their start times."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int(Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], list(children.get(pid, []))
    while stack:
        child = stack.pop()
        found.append((child, process_start_time(child)))
        stack.extend(children.get(child, []))
    return found


def stop_state(state: dict[str, object]) -> None:
    """Stop the server and the learners' sessions still open under it (by PID, checked against start times)."""
    pid, start = int(str(state.get("pid", 0))), int(str(state.get("start", 0)))
    if pid and process_alive(pid, start):
        sessions = _descendants(pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        for child, child_start in sessions:
            if process_alive(child, child_start):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGTERM)
        wait_for(lambda: not process_alive(pid, start) and not any(process_alive(c, s) for c, s in sessions), 10.0, interval=0.05)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
    if state.get("privsep") and not _other_servers(pid):
        with contextlib.suppress(OSError):
            PRIVSEP.rmdir()  # only if still empty


def _other_servers(pid: int) -> bool:
    """Whether another class's entry point runs (it needs the privilege-separation directory too)."""
    for file in (home() / "classes").glob("*.json"):
        with contextlib.suppress(OSError, ValueError, TypeError):
            state = json.loads(file.read_text()).get("gateway") or {}
            other, start = int(state.get("pid", 0)), int(state.get("start", 0))
            if other and other != pid and process_alive(other, start):
                return True
    return False


def stop(record: object) -> None:
    """Stop a class's SSH server, if it has one (``record``: its `ClassRecord`)."""
    state = getattr(record, "gateway", None)
    if state:
        stop_state(state)

"""The switch's SSH server, through real clients on loopback: netmiko, paramiko, asyncssh and OpenSSH.

The command interpreter is a small fake IOS here (`FakeTerminal`): what is tested is the server's part, the
line editor, paging, questions, sessions and authentication. Nothing waits a fixed time: every step reads
until an expected text, or waits on a condition, with a deadline.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import asyncssh
import paramiko
import pytest
from netmiko import ConnectHandler

from officelab.devices.switchos.server import ERASE_MORE, MORE, Server, serve
from officelab.devices.switchos.terminal import Reply

HOST = "127.0.0.1"
PASSWORD = "cisco"
SECRET = "s3cr3tword"
BANNER = "Authorized access only"
RUNNING = "\n".join(
    ["Building configuration...", "", "Current configuration : 1234 bytes", "!", "version 15.2", "hostname sw1", "!"]
    + [f"interface GigabitEthernet0/{i}\n switchport access vlan 10\n!" for i in range(1, 25)]
    + ["end"]
)
VERSION = "Cisco IOS Software, C2960 Software, Version 15.2(7)E\nsw1 uptime is 1 minute"
KEYWORDS = ["show", "running-config", "version", "configure", "terminal", "enable", "exit"]
T = TypeVar("T")


class FakeDevice:
    def __init__(self, idle_timeout: float = 0) -> None:
        self.idle_timeout = idle_timeout
        self.attempts = 0
        self.opened = 0
        self.closed = 0
        self.open_now = 0
        self.most_open = 0
        self.double_closes = 0
        self.config: list[str] = []
        self.cond = threading.Condition()

    def authenticate(self, user: str, password: str) -> bool:
        with self.cond:
            self.attempts += 1
        return password == PASSWORD

    def banner(self) -> str:
        return BANNER

    def open_session(self, user: str, peer: str) -> FakeTerminal:
        with self.cond:
            self.opened += 1
            self.open_now += 1
            self.most_open = max(self.most_open, self.open_now)
        return FakeTerminal(self, user, peer)

    def session_closed(self) -> None:
        with self.cond:
            self.closed += 1
            self.open_now -= 1
            self.cond.notify_all()

    def wait(self, predicate: Callable[[], bool], timeout: float = 10) -> bool:
        with self.cond:
            return self.cond.wait_for(predicate, timeout)


class FakeTerminal:
    """A minimal IOS: ``sw1>``, ``enable``, ``configure terminal``, a few show commands."""

    def __init__(self, device: FakeDevice, user: str, peer: str) -> None:
        self.device, self.user, self.peer = device, user, peer
        self.length, self.width = 24, 80
        self.mode = "user"
        self.pending = ""
        self.timeout = device.idle_timeout
        self.closed = False

    @property
    def prompt(self) -> str:
        return {"user": "sw1>", "enable": "sw1#", "config": "sw1(config)#"}[self.mode]

    @property
    def idle_timeout(self) -> float:
        return self.timeout

    def run(self, line: str) -> Reply:
        words = line.split()
        cmd = " ".join(words)
        if not words:
            return Reply()
        if self.mode == "config":
            if cmd in ("end", "exit"):
                self.mode = "enable"
            else:
                self.device.config.append(cmd)
            return Reply()
        if cmd == "enable":
            if self.mode == "enable":
                return Reply()
            self.pending = "enable"
            return Reply(ask_secret="Password: ")
        if cmd == "configure terminal" and self.mode == "enable":
            self.mode = "config"
            return Reply(output="Enter configuration commands, one per line.  End with CNTL/Z.")
        if len(words) == 3 and words[0] == "terminal" and words[1] in ("length", "width"):
            setattr(self, words[1], int(words[2]))
            return Reply()
        if len(words) == 2 and words[0] == "exec-timeout":
            self.timeout = float(words[1])
            return Reply()
        outputs = {
            "show run": RUNNING,
            "show running-config": RUNNING,
            "show version": VERSION,
            "show big": "\n".join(f"line {i}" for i in range(20000)),
            "whoami": f"user {self.user} from {self.peer}",
            "write mem": "Building configuration...\n[OK]",
        }
        if cmd in outputs:
            return Reply(output=outputs[cmd])
        if cmd == "reload":
            self.pending = "reload"
            return Reply(confirm="Proceed with reload? [confirm]")
        if cmd in ("exit", "logout"):
            return Reply(close=True)
        return Reply(output="% Invalid input detected at '^' marker.")

    def answer(self, text: str) -> Reply:
        pending, self.pending = self.pending, ""
        if pending == "enable":
            if text == SECRET:
                self.mode = "enable"
                return Reply()
            return Reply(output="% Access denied")
        if pending == "reload" and text in ("", "y", "yes"):
            return Reply(output="Reloading...", close=True)
        return Reply()

    def help(self, text: str) -> str:
        return f"HELP for '{text}'\n  <cr>"

    def complete(self, text: str) -> str:
        head, _, last = text.rpartition(" ")
        matches = [k for k in KEYWORDS if last and k.startswith(last)]
        return f"{head} {matches[0]} ".lstrip() if len(matches) == 1 else text

    def end(self) -> str:
        if self.mode == "config":
            self.mode = "enable"
            return "\n"
        return ""

    def close(self) -> None:
        if self.closed:
            self.device.double_closes += 1
            return
        self.closed = True
        self.device.session_closed()


class Running:
    """A server on its own event loop, in a background thread (netmiko and paramiko are synchronous)."""

    def __init__(self, device: FakeDevice, key: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: Server = self.call(serve(device, HOST, 0, key))
        self.port = self.server.port

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def close(self) -> None:
        self.call(self.server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("switch") / "ssh_host_rsa_key"


@pytest.fixture
def device() -> FakeDevice:
    return FakeDevice()


@pytest.fixture
def switch(device: FakeDevice, key_path: Path) -> Iterator[Running]:
    running = Running(device, key_path)
    yield running
    running.close()
    assert device.double_closes == 0


class Shell:
    """paramiko's invoke_shell, as netmiko opens it, read until expected texts."""

    def __init__(self, port: int) -> None:
        self.client = paramiko.SSHClient()
        self.client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        self.client.connect(HOST, port, username="admin", password=PASSWORD, look_for_keys=False, allow_agent=False, timeout=10)
        self.chan = self.client.invoke_shell(term="vt100", width=80, height=24)
        self.buffer = ""

    def send(self, text: str) -> None:
        self.chan.sendall(text.encode())

    def expect(self, pattern: str, timeout: float = 10) -> str:
        """Everything received up to and including ``pattern``."""
        deadline = time.monotonic() + timeout
        while pattern not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{pattern!r} never came: {self.buffer[-500:]!r}")
            self.chan.settimeout(remaining)
            try:
                data = self.chan.recv(65536)
            except TimeoutError:
                continue
            if not data:
                raise EOFError(self.buffer)
            self.buffer += data.decode()
        end = self.buffer.index(pattern) + len(pattern)
        out, self.buffer = self.buffer[:end], self.buffer[end:]
        return out

    def close(self) -> None:
        self.client.close()


async def connect(port: int, **options: Any) -> asyncssh.SSHClientConnection:
    defaults: dict[str, Any] = {"username": "admin", "password": PASSWORD, "known_hosts": None, "client_keys": None, "config": None}
    return await asyncssh.connect(HOST, port, agent_path=None, **{**defaults, **options})


class AsyncShell:
    """An asyncssh client with a PTY: raw text in, what comes back read until expected texts."""

    def __init__(self, conn: asyncssh.SSHClientConnection, process: asyncssh.SSHClientProcess[str]) -> None:
        self.conn, self.process = conn, process

    @classmethod
    async def open(cls, port: int, **options: Any) -> AsyncShell:
        conn = await connect(port, **options)
        return cls(conn, await conn.create_process(term_type="xterm", term_size=(80, 24)))

    def write(self, text: str) -> None:
        self.process.stdin.write(text)

    async def expect(self, pattern: str, timeout: float = 10) -> str:
        return await asyncio.wait_for(self.process.stdout.readuntil(pattern), timeout)

    async def exactly(self, n: int, timeout: float = 10) -> str:
        return await asyncio.wait_for(self.process.stdout.readexactly(n), timeout)

    async def rest(self, timeout: float = 10) -> str:
        """Everything until the server closes the channel."""
        return await asyncio.wait_for(self.process.stdout.read(), timeout)

    def close(self) -> None:
        self.conn.close()


def test_netmiko_cisco_ios_driver(switch: Running, device: FakeDevice) -> None:
    conn = ConnectHandler(
        device_type="cisco_ios", host=HOST, port=switch.port, username="admin", password=PASSWORD, secret=SECRET, conn_timeout=10
    )
    assert conn.find_prompt() == "sw1>"
    conn.enable()
    assert conn.find_prompt() == "sw1#"
    assert conn.send_command("show run") == RUNNING
    lines = ["interface GigabitEthernet0/1", "description uplink", "vlan 10"]
    output = conn.send_config_set(lines)
    assert all(line in output for line in lines)
    assert device.config == lines
    assert "[OK]" in conn.save_config()
    assert conn.find_prompt() == "sw1#"
    conn.disconnect()
    assert device.wait(lambda: device.closed == 1)


def test_paging_more_space_enter_and_q(switch: Running) -> None:
    shell = Shell(switch.port)
    assert shell.chan.get_transport().host_key_type in ("rsa-sha2-512", "rsa-sha2-256")
    assert shell.expect("sw1>").endswith(f"{BANNER}\r\n\r\nsw1>")
    shell.send("terminal length 10\n")
    shell.expect("sw1>")
    shell.send("show run\n")
    lines = RUNNING.split("\n")
    assert shell.expect(MORE) == "show run\r\n" + "".join(line + "\r\n" for line in lines[:9]) + MORE
    shell.send(" ")
    assert shell.expect(MORE) == ERASE_MORE + "".join(line + "\r\n" for line in lines[9:18]) + MORE
    shell.send("\r")
    assert shell.expect(MORE) == ERASE_MORE + lines[18] + "\r\n" + MORE
    shell.send("q")
    assert shell.expect("sw1>") == ERASE_MORE + "sw1>"
    shell.send("show version\n")
    assert shell.expect("sw1>") == "show version\r\n" + VERSION.replace("\n", "\r\n") + "\r\nsw1>"
    shell.close()


def test_help_completion_and_editing_keys(switch: Running) -> None:
    async def session() -> None:
        sh = await AsyncShell.open(switch.port)
        await sh.expect("sw1>")
        sh.write("show ?")
        assert await sh.expect("sw1>show ") == "show ?\r\nHELP for 'show '\r\n  <cr>\r\nsw1>show "
        sh.write("\x15")  # Ctrl-U
        assert await sh.exactly(15) == "\b \b" * 5
        sh.write("sh\t")
        assert await sh.exactly(5) == "show "
        sh.write("ru\t")
        assert await sh.exactly(15) == "running-config "
        sh.write("\x03")  # Ctrl-C
        assert await sh.expect("sw1>") == "^C\r\nsw1>"
        sh.write("e\t\x7f")  # ambiguous: Tab leaves it, then backspace
        assert await sh.exactly(4) == "e\b \b"
        sh.write("terminal width 100\r\n")  # CRLF: one Enter
        assert await sh.expect("sw1>") == "terminal width 100\r\nsw1>"
        sh.write("\x1b[A")  # Up: the last line again
        assert await sh.exactly(18) == "terminal width 100"
        sh.write("\x1b[B")  # Down: back to the empty line
        assert await sh.exactly(54) == "\b \b" * 18
        sh.write("\x10\x7f\x7f\x7f80\r")  # Ctrl-P, edited
        assert await sh.expect("sw1>") == "terminal width 100\b \b\b \b\b \b80\r\nsw1>"
        sh.write("whoami\r")
        assert await sh.expect("sw1>") == "whoami\r\nuser admin from 127.0.0.1\r\nsw1>"
        sh.close()

    asyncio.run(session())


def test_enable_secret_is_not_echoed_and_ctrl_z_ends_config(switch: Running) -> None:
    async def session() -> None:
        sh = await AsyncShell.open(switch.port)
        await sh.expect("sw1>")
        sh.write("enable\r")
        assert await sh.expect("Password: ") == "enable\r\nPassword: "
        sh.write("wrong\r")
        assert await sh.expect("sw1>") == "\r\n% Access denied\r\nsw1>"
        sh.write(f"enable\r{SECRET}\r")
        transcript = await sh.expect("sw1#")
        assert transcript == "enable\r\nPassword: \r\nsw1#"
        assert SECRET not in transcript
        sh.write("configure terminal\r")
        assert (await sh.expect("sw1(config)#")).endswith("CNTL/Z.\r\nsw1(config)#")
        sh.write("\x1a")
        assert await sh.expect("sw1#") == "^Z\r\nsw1#"
        sh.write("reload\r")
        assert await sh.expect("[confirm]") == "reload\r\nProceed with reload? [confirm]"
        sh.write("\r")
        assert await sh.rest() == "\r\nReloading...\r\n"
        sh.close()

    asyncio.run(session())


def test_three_wrong_passwords_drop_the_connection(switch: Running, device: FakeDevice) -> None:
    class Stubborn(asyncssh.SSHClient):
        tries = 0

        def password_auth_requested(self) -> str | None:
            Stubborn.tries += 1
            return "wrong" if Stubborn.tries <= 6 else None

    async def attempt() -> None:
        await connect(switch.port, password=None, client_factory=Stubborn, password_auth=True, kbdint_auth=False)

    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(attempt())
    assert device.attempts == 3
    assert device.opened == 0


def test_idle_timeout_closes_the_session(switch: Running, device: FakeDevice) -> None:
    async def session() -> float:
        sh = await AsyncShell.open(switch.port)
        await sh.expect("sw1>")
        sh.write("exec-timeout 1\r")  # re-read after each command
        await sh.expect("sw1>")
        start = time.monotonic()
        assert await sh.rest() == "\r\n"
        await asyncio.wait_for(sh.process.wait_closed(), 10)
        sh.close()
        return time.monotonic() - start

    assert asyncio.run(session()) >= 0.9
    assert device.wait(lambda: device.closed == 1)


def test_exec_request_runs_one_command(switch: Running, device: FakeDevice) -> None:
    async def run(command: str, typed: str | None = None) -> asyncssh.SSHCompletedProcess:
        async with await connect(switch.port) as conn:
            result = await asyncio.wait_for(conn.run(command, input=typed), 10)
        return result

    result = asyncio.run(run("show version"))
    assert result.stdout == VERSION + "\n"
    assert result.exit_status == 0
    assert device.wait(lambda: device.closed == 1)
    assert asyncio.run(run("reload", "\n")).stdout == "Proceed with reload? [confirm]\nReloading...\n"
    assert device.wait(lambda: device.closed == 2)


def test_ten_concurrent_sessions(switch: Running, device: FakeDevice) -> None:
    async def sessions() -> list[str]:
        shells = await asyncio.gather(*(AsyncShell.open(switch.port, username=f"user{i}") for i in range(10)))
        await asyncio.gather(*(sh.expect("sw1>") for sh in shells))
        assert switch.server.sessions == 10
        for sh in shells:
            sh.write("whoami\rexit\r")
        outputs = await asyncio.gather(*(sh.rest() for sh in shells))
        for sh in shells:
            sh.close()
        return outputs

    outputs = asyncio.run(sessions())
    for i, output in enumerate(outputs):
        assert output == f"whoami\r\nuser user{i} from 127.0.0.1\r\nsw1>exit\r\n"
    assert device.most_open == 10
    assert device.wait(lambda: device.closed == 10)


def test_host_key_is_kept_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "ssh_host_rsa_key"

    async def public_key(port: int) -> bytes:
        async with await connect(port) as conn:
            key = conn.get_server_host_key()
        assert key is not None and key.get_algorithm() == "ssh-rsa"
        return key.export_public_key()

    keys = []
    for _ in range(2):
        running = Running(FakeDevice(), path)
        keys.append(asyncio.run(public_key(running.port)))
        running.close()
    assert keys[0] == keys[1]
    assert path.stat().st_mode & 0o777 == 0o600


def test_every_ended_session_is_closed(switch: Running, device: FakeDevice) -> None:
    # A client that vanishes in the middle of a long output.
    shell = Shell(switch.port)
    shell.expect("sw1>")
    shell.send("terminal length 0\nshow big\n")
    shell.expect("line 100\r\n")
    shell.close()
    assert device.wait(lambda: device.closed == 1)

    # A reload: the server ends every open session itself.
    async def reload() -> None:
        shells = [await AsyncShell.open(switch.port) for _ in range(3)]
        for sh in shells:
            await sh.expect("sw1>")
        switch.loop.call_soon_threadsafe(switch.server.close_sessions)
        for sh in shells:
            await sh.rest()
            sh.close()

    asyncio.run(reload())
    assert device.wait(lambda: device.closed == 4)

    # One still open when the server stops (the fixture closes it).
    async def left_open() -> AsyncShell:
        sh = await AsyncShell.open(switch.port)
        await sh.expect("sw1>")
        return sh

    asyncio.run(left_open())
    switch.call(switch.server.close())
    assert device.wait(lambda: device.closed == 5)
    assert device.opened == 5
    assert switch.server.sessions == 0


@pytest.mark.skipif(shutil.which("ssh") is None, reason="needs the OpenSSH client")
def test_openssh_client_as_oxidized_uses_it(switch: Running, tmp_path: Path) -> None:
    askpass = tmp_path / "askpass"
    askpass.write_text(f"#!/bin/sh\necho {PASSWORD}\n")
    askpass.chmod(0o700)
    env = {**os.environ, "SSH_ASKPASS": str(askpass), "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"}
    options = ["StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null", "PreferredAuthentications=password", "LogLevel=ERROR"]
    command = ["ssh", "-tt", "-F", "/dev/null", "-p", str(switch.port), *(f"-o{o}" for o in options), f"admin@{HOST}"]
    typed = b"terminal length 0\nterminal width 0\nshow running-config\nexit\n"
    result = subprocess.run(command, input=typed, capture_output=True, timeout=30, env=env, check=False)
    assert result.returncode == 0, result.stderr
    output = result.stdout.decode()
    assert "sw1>show running-config\r\n" + RUNNING.replace("\n", "\r\n") + "\r\nsw1>exit\r\n" in output
    assert "--More--" not in output


def test_nothing_listens_after_close(device: FakeDevice, key_path: Path) -> None:
    running = Running(device, key_path)
    port = running.port
    running.close()
    with pytest.raises(OSError), socket.create_connection((HOST, port), timeout=5):
        pass

"""The switch's SSH server: one `Terminal` per session, driven through an IOS-like line editor.

Real tools use it unmodified: netmiko's ``cisco_ios`` (PTY and shell, every key echoed, the prompt last),
Oxidized (``terminal length 0``, ``show running-config``, ``exit``), a person with ``ssh -tt``, and exec requests
(``ssh sw "show version"``: one command line, its output, the channel closes).

asyncssh's line editor is off (``line_editor=False``): this module edits lines itself over the raw channel, since
IOS needs what that editor lacks: ``?`` and Tab answered by the interpreter on the keypress while the typed text
stays, single keys read at ``--More--``, no-echo secrets, Ctrl-Z, LF or CRLF as one Enter, echo without a PTY.

The host key is RSA 2048, as ``crypto key generate rsa modulus 2048`` gives a real switch, so every client takes
it (paramiko 5 and OpenSSH through rsa-sha2-512/256; Oxidized's net-ssh lacks ed25519 without an optional gem).
Generated once, it is kept at the path given to `serve`: the clients' known_hosts stay valid across restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

import asyncssh
from asyncssh.connection import SSHConnection

from officelab.devices.switchos.terminal import Device, Reply, Terminal

MAX_TRIES = 3
"""Passwords refused on one connection before it is dropped."""
HISTORY = 20
"""Command lines the Up arrow recalls."""
MORE = " --More-- "
ERASE_MORE = "\b" * len(MORE) + " " * len(MORE) + "\b" * len(MORE)
UP, DOWN = "\x10", "\x0e"
"""Ctrl-P and Ctrl-N: the arrows are read as these."""
_SOFT_EXCEPTIONS = (asyncssh.TerminalSizeChanged, asyncssh.BreakReceived, asyncssh.SignalReceived)
_GONE = (OSError, asyncssh.Error, asyncio.IncompleteReadError)
"""What a write or a read raises once the client is gone (BrokenPipeError, ConnectionLost…)."""


class _End(Exception):
    """The session is over: end of input, idle timeout, or a Reply that closes it."""


def load_host_key(path: Path) -> asyncssh.SSHKey:
    """The key at ``path``, generated (RSA 2048, mode 0600) when there is none yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # never replaces a key another process wrote meanwhile
        tmp.unlink()
    return asyncssh.read_private_key(path)


class _Auth(asyncssh.SSHServer):
    """One connection's authentication: passwords only, `MAX_TRIES` of them."""

    def __init__(self, server: Server) -> None:
        self._server = server
        self._conn: asyncssh.SSHServerConnection | None = None
        self._failures = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._server._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._server._connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return self._failures < MAX_TRIES

    def validate_password(self, username: str, password: str) -> bool:
        if self._failures < MAX_TRIES and self._server.device.authenticate(username, password):
            return True
        self._failures += 1
        if self._failures >= MAX_TRIES and self._conn is not None:
            conn = self._conn  # after the failure is sent: the client reads PermissionDenied
            asyncio.get_running_loop().call_soon(conn.disconnect, asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "Too many failures")
        return False


class _Session:
    """One SSH channel running one `Terminal`."""

    def __init__(self, server: Server, process: asyncssh.SSHServerProcess[str], terminal: Terminal) -> None:
        self._server = server
        self._process = process
        self.terminal = terminal
        self.conn: SSHConnection = process.channel.get_connection()
        self._pending, self._after_cr, self._nl = "", False, "\r\n"
        self._history: list[str] = []
        self._out: list[str] = []
        self._paged = self._echo = True
        self._ended = False

    # -- output --------------------------------------------------------------

    def _raw(self, text: str) -> None:
        self._out.append(text)

    async def _flush(self) -> None:
        """Send what was written since the last flush in one go (one packet per burst, not one per echoed key)."""
        if self._out:
            text, self._out = "".join(self._out), []
            self._process.stdout.write(text)
        await self._process.stdout.drain()  # flow control,
        await asyncio.sleep(0)  # the other sessions' turn, and a client gone meanwhile noticed

    def _write(self, text: str) -> None:
        self._raw(text.replace("\r\n", "\n").replace("\n", self._nl))

    async def _page(self, text: str) -> None:
        """Print ``text``, ``length - 1`` lines at a time with ``--More--`` between pages."""
        if not text:
            return
        lines = text.replace("\r\n", "\n").split("\n")
        if lines[-1] == "":
            lines.pop()
        length = self.terminal.length if self._paged else 0
        room = max(length - 1, 1) if length > 0 else len(lines)
        done, take = 0, room
        while True:
            for first in range(done, min(done + take, len(lines)), 100):
                self._raw("".join(line + self._nl for line in lines[first : min(first + 100, done + take)]))
                await self._flush()
            done += take
            if done >= len(lines):
                return
            self._raw(MORE)
            key = await self._key()
            self._raw(ERASE_MORE)
            if key not in " \r":
                return
            take = room if key == " " else 1

    # -- input ---------------------------------------------------------------

    async def _fill(self) -> None:
        """Wait for input (at most the terminal's idle timeout, read anew each time)."""
        await self._flush()
        while not self._pending:
            timeout = self.terminal.idle_timeout
            try:
                data = await asyncio.wait_for(self._process.stdin.read(1024), timeout if timeout > 0 else None)
            except _SOFT_EXCEPTIONS:
                continue
            except TimeoutError:
                self._raw("\r\n")
                raise _End from None
            if not data:
                raise _End
            self._pending = data

    async def _char(self) -> str:
        if not self._pending:
            await self._fill()
        ch, self._pending = self._pending[0], self._pending[1:]
        return ch

    async def _key(self) -> str:
        """The next key: Enter as ``\\r`` (CR, LF, CRLF or CR NUL), the arrows Up/Down as Ctrl-P/Ctrl-N, others ignored."""
        while True:
            ch = await self._char()
            after_cr, self._after_cr = self._after_cr, ch == "\r"
            if after_cr and ch in "\n\0":
                continue
            if ch == "\n":
                return "\r"
            if ch != "\x1b":
                return ch
            ch = await self._char()
            if ch not in "[O":
                continue  # ESC + a letter: IOS's word moves, not supported
            while not ("@" <= ch <= "~") or ch in "[O":
                ch = await self._char()
            if ch in "AB":
                return UP if ch == "A" else DOWN

    def _replace(self, old: str, new: str) -> str:
        """Redraw the typed text ``old`` as ``new``: back over what differs, write the rest."""
        same = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
        self._raw("\b \b" * (len(old) - same) + new[same:])
        return new

    async def _edit(self) -> str:
        """Read one command line, echoed, with IOS's editing keys."""
        text, draft, recalled = "", "", len(self._history)
        while True:
            ch = await self._key()
            if ch == "\r":
                self._raw("\r\n")
                if text.strip() and (not self._history or self._history[-1] != text):
                    self._history = [*self._history, text][-HISTORY:]
                return text
            if ch in "\x7f\b":
                if text:
                    text = self._replace(text, text[:-1])
            elif ch == "\x15":  # Ctrl-U
                text = self._replace(text, "")
            elif ch == "\x17":  # Ctrl-W
                kept = text.rstrip()
                text = self._replace(text, kept[: kept.rfind(" ") + 1])
            elif ch == "\x03":  # Ctrl-C
                self._raw("^C\r\n" + self.terminal.prompt)
                text, recalled = "", len(self._history)
            elif ch == "\x1a":  # Ctrl-Z
                out = self.terminal.end()
                if out:
                    self._raw("^Z")
                    self._write(out)
                    self._raw(self.terminal.prompt)
                    text, recalled = "", len(self._history)
            elif ch == "?":
                self._raw("?\r\n")
                help_text = self.terminal.help(text)
                await self._page(help_text if help_text.endswith("\n") else help_text + "\n")
                self._raw(self.terminal.prompt + text)
            elif ch == "\t":
                text = self._replace(text, self.terminal.complete(text))
            elif ch == UP and recalled > 0:
                draft = text if recalled == len(self._history) else draft
                recalled -= 1
                text = self._replace(text, self._history[recalled])
            elif ch == DOWN and recalled < len(self._history):
                recalled += 1
                text = self._replace(text, self._history[recalled] if recalled < len(self._history) else draft)
            elif ch >= " ":
                text += ch
                self._raw(ch)

    async def _question(self, echo: bool) -> str | None:
        """The line answering ``Password:`` (no echo) or ``[confirm]``; None when Ctrl-C abandons it."""
        text, echo = "", echo and self._echo
        while True:
            ch = await self._key()
            if ch == "\r":
                self._write("\n")
                return text
            if ch == "\x03":
                self._write("^C\n")
                return None
            if ch in "\x7f\b\x15":
                kept = text[:-1] if ch != "\x15" else ""
                if echo:
                    self._replace(text, kept)
                text = kept
            elif ch >= " ":
                text += ch
                if echo:
                    self._raw(ch)

    async def _reply(self, reply: Reply) -> None:
        """Print a Reply, ask what it asks (recursively), end the session if it says so."""
        while True:
            await self._page(reply.output)
            if reply.close:
                raise _End
            question = reply.ask_secret or reply.confirm
            if not question:
                return
            self._write(question)
            answer = await self._question(echo=not reply.ask_secret)
            if answer is None:
                return
            reply = await asyncio.to_thread(self.terminal.answer, answer)

    # -- the session ---------------------------------------------------------

    async def shell(self, banner: str) -> None:
        if banner:
            self._write(banner if banner.endswith("\n") else banner + "\n")
        self._raw("\r\n" + self.terminal.prompt)
        while True:
            line = await self._edit()
            await self._reply(await asyncio.to_thread(self.terminal.run, line))
            self._raw(self.terminal.prompt)

    async def exec(self, command: str) -> None:
        """One command line (IOS runs exec requests): its output, no paging, questions answered from stdin."""
        self._paged = self._echo = False
        if self._process.get_terminal_type() is None:
            self._nl = "\n"  # no PTY: the client's own terminal turns LF into CRLF, and echoes
        await self._reply(await asyncio.to_thread(self.terminal.run, command.strip()))

    def end(self) -> None:
        """Forget the session (`Terminal.close`) and close its channel; idempotent."""
        if self._ended:
            return
        self._ended = True
        self._server._sessions.discard(self)
        try:
            self.terminal.close()
        finally:
            with contextlib.suppress(*_GONE):
                self._process.exit(0)

    async def run(self, banner: str) -> None:
        try:
            if self._process.subsystem:
                return
            if self._process.command is not None:
                await self.exec(self._process.command)
            else:
                await self.shell(banner)
        except (_End, *_GONE):
            pass
        finally:
            with contextlib.suppress(*_GONE):
                await self._flush()
            self.end()
            with contextlib.suppress(*_GONE, TimeoutError):
                await asyncio.wait_for(self._process.wait_closed(), 5)
            if not any(s.conn is self.conn for s in self._server._sessions):
                self.conn.close()  # IOS: one vty, one connection


class Server:
    """A listening switch SSH server; `serve` starts one."""

    def __init__(self, device: Device) -> None:
        self.device = device
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._connections: set[asyncssh.SSHServerConnection] = set()
        self._sessions: set[_Session] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The TCP port listened on (the one the system chose when `serve` was given 0)."""
        return self._acceptor.get_port() if self._acceptor else 0

    @property
    def sessions(self) -> int:
        """Open sessions (shells and exec requests running)."""
        return len(self._sessions)

    async def _process(self, process: asyncssh.SSHServerProcess[str]) -> None:
        peer = process.get_extra_info("peername") or ("", 0)
        terminal = self.device.open_session(str(process.get_extra_info("username") or ""), str(peer[0]))
        session = _Session(self, process, terminal)
        self._sessions.add(session)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await session.run(self.device.banner())
        finally:
            if task is not None:
                self._tasks.discard(task)

    def close_sessions(self) -> None:
        """End every open session now (a reload): `Terminal.close` for each, their connections dropped.

        Call it from the server's event loop (a command runs in a worker thread: `Terminal.run` may wait on the
        network, a transfer or the kernel, and other sessions go on meanwhile)."""
        for session in list(self._sessions):
            session.end()
            session.conn.close()

    async def close(self) -> None:
        """Stop listening, end every session and connection, and wait for them to finish."""
        if self._acceptor is not None:
            self._acceptor.close()
        self.close_sessions()
        for conn in list(self._connections):
            conn.close()
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
            self._acceptor = None
        tasks = self._tasks - {asyncio.current_task()}
        if tasks:
            await asyncio.wait(tasks, timeout=5)


async def serve(device: Device, host: str, port: int, host_key: Path) -> Server:
    """Listen on ``host``:``port`` (0: any free port, see `Server.port`) with the key kept at ``host_key`` (made if missing)."""
    server = Server(device)
    key = await asyncio.get_running_loop().run_in_executor(None, load_host_key, host_key)
    server._acceptor = await asyncssh.listen(
        host,
        port,
        server_factory=lambda: _Auth(server),
        server_host_keys=[key],
        process_factory=server._process,
        line_editor=False,
        encoding="utf-8",
        errors="replace",
        kbdint_auth=False,
    )
    return server

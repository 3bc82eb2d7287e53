"""A node's console over a websocket: a browser's terminal (xterm.js) to a pseudo-terminal that runs the node's
shell, the same shell as `officelab shell` (`exercises.console.node_shell`), journaled the same way while the lab
runs an exercise.

Protocol, at ``/api/labs/{lab}/nodes/{node}/console``: the client's first message is JSON ``{"token": …, "cols": …,
"rows": …}`` (a browser cannot put a bearer token on a websocket, and a token in the URL would end up in logs);
then each binary or text frame is typed into the terminal, except a JSON text frame ``{"resize": [cols, rows]}``;
the server sends what the terminal prints as binary frames, and closes with 1000 when the shell ends. A refusal
closes before any shell starts: 4400 (no greeting), 4401 (no session), 4403 (not your lab), 4404 (no such lab or
node, or the lab is not up), with the reason.

A trainer may watch a learner's open console read-only: the greeting ``{"token": …, "watch": true}`` joins the
newest console open on that node, shows its recent output, then what it prints; what the trainer types is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import signal
import struct
import termios
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect

from officelab.api import accounts
from officelab.core.deadline import wait_for
from officelab.core.errors import OfficeLabError
from officelab.exercises.console import node_shell
from officelab.runtime.lab import Lab

GREETING_SECONDS = 10.0
HANGUP_SECONDS = 3.0
SCROLLBACK = 64 * 1024
"""What a trainer who starts watching sees of the console's past output, in bytes."""


@dataclass
class OpenConsole:
    """A console being used: what it printed lately, and the trainers watching it."""

    lab: str
    node: str
    account: str
    recent: bytearray = field(default_factory=bytearray)
    watchers: set[asyncio.Queue[bytes]] = field(default_factory=set)

    def printed(self, data: bytes) -> None:
        self.recent += data
        del self.recent[: max(0, len(self.recent) - SCROLLBACK)]
        for watcher in self.watchers:
            watcher.put_nowait(data)


OPEN: list[OpenConsole] = []
"""The consoles open in this server, oldest first."""


def open_consoles(lab: str) -> list[dict[str, str]]:
    """The consoles open on ``lab``'s nodes: node and account."""
    return [{"node": c.node, "account": c.account} for c in OPEN if c.lab == lab]


async def console(websocket: WebSocket, lab: str, node: str) -> None:
    """Authenticate the greeting, start the node's shell on a terminal, relay both ways until either side ends."""
    await websocket.accept()
    try:
        hello = json.loads(await asyncio.wait_for(websocket.receive_text(), GREETING_SECONDS))
    except (TimeoutError, ValueError, KeyError, WebSocketDisconnect):
        hello = None
    if not isinstance(hello, dict):
        await websocket.close(4400, 'send {"token": …} first')
        return
    account = accounts.account_of(websocket.app.state.accounts, str(hello.get("token", "")))
    if account is None:
        await websocket.close(4401, "log in first (POST /api/login): no session, or it expired")
        return
    if not account.may_see(lab):
        await websocket.close(4403, f"lab {lab} is not yours")
        return
    if hello.get("watch"):
        await _watch(websocket, lab, node, account.trainer)
        return
    try:
        context = Lab(lab).context(node)
    except OfficeLabError as exc:
        await websocket.close(4404, str(exc)[:120])  # a close reason is at most 123 bytes
        return
    with node_shell(lab, node) as how:
        pid, master = context.spawn_terminal(how.argv, {**how.env, "TERM": "xterm-256color"}, how.fds)
        opened = OpenConsole(lab, node, account.name)
        OPEN.append(opened)
        try:
            _resize(master, hello.get("cols"), hello.get("rows"))
            await _relay(websocket, master, opened)
        finally:
            OPEN.remove(opened)
            for watcher in opened.watchers:
                watcher.put_nowait(b"")
            os.close(master)  # the terminal hangs up: the shell gets SIGHUP
            await asyncio.to_thread(_reap, pid)


async def _watch(websocket: WebSocket, lab: str, node: str, trainer: bool) -> None:
    """Show a trainer the newest console open on the node, read-only, until it closes or the trainer goes."""
    if not trainer:
        await websocket.close(4403, "watching a console is a trainer's")
        return
    watched = next((c for c in reversed(OPEN) if c.lab == lab and c.node == node), None)
    if watched is None:
        await websocket.close(4404, f"no console is open on {node} in lab {lab}")
        return
    feed: asyncio.Queue[bytes] = asyncio.Queue()
    watched.watchers.add(feed)
    try:
        await websocket.send_bytes(bytes(watched.recent))

        async def to_trainer() -> None:
            while data := await feed.get():
                await websocket.send_bytes(data)
            await websocket.close(1000, "the console was closed")

        async def dropped() -> None:  # what a watcher types goes nowhere; its going away ends the watch
            while (await websocket.receive())["type"] != "websocket.disconnect":
                pass

        await _first_of(to_trainer(), dropped())
    finally:
        watched.watchers.discard(feed)


async def _first_of(*jobs: Coroutine[Any, Any, None]) -> None:
    """Run the jobs until one ends, then cancel the others (a websocket that went away ends them all)."""
    tasks = [asyncio.create_task(job) for job in jobs]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task


async def _relay(websocket: WebSocket, master: int, opened: OpenConsole) -> None:
    loop = asyncio.get_running_loop()
    printed: asyncio.Queue[bytes] = asyncio.Queue()

    def readable() -> None:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the shell ended and the terminal closed
            data = b""
        if not data:
            loop.remove_reader(master)
        else:
            opened.printed(data)
        printed.put_nowait(data)

    async def to_browser() -> None:
        while data := await printed.get():
            await websocket.send_bytes(data)
        await websocket.close(1000, "the shell ended")

    async def from_browser() -> None:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            typed = message.get("bytes") or b""
            text = message.get("text")
            if text is not None:
                size = _resize_request(text)
                if size is not None:
                    _resize(master, *size)
                    continue
                typed = text.encode()
            if typed:
                os.write(master, typed)

    loop.add_reader(master, readable)
    try:
        await _first_of(to_browser(), from_browser())
    finally:
        loop.remove_reader(master)


def _resize_request(text: str) -> tuple[Any, Any] | None:
    if not text.startswith('{"resize"'):
        return None
    with contextlib.suppress(ValueError, TypeError, KeyError):
        cols, rows = json.loads(text)["resize"]
        return cols, rows
    return None


def _resize(master: int, cols: Any, rows: Any) -> None:
    """Set the terminal's size (what `stty size` and full-screen programs read); ignored unless both are sane."""
    if isinstance(cols, int) and isinstance(rows, int) and 0 < cols <= 1000 and 0 < rows <= 1000:
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _reap(pid: int) -> None:
    """Wait for the shell (it got SIGHUP when its terminal closed), then kill it if it lingers; always reaped."""

    def gone() -> bool:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return True
        return done == pid

    if not wait_for(gone, HANGUP_SECONDS):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

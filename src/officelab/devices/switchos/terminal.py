"""What the SSH server and the command interpreter agree on: a session's terminal, line by line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass
class Reply:
    """What a typed line gives back."""

    output: str = ""
    """Text to print, lines separated by ``\\n`` (the server writes ``\\r\\n``); paged when the length is not 0."""
    ask_secret: str = ""
    """Not empty: print this prompt (``Password: ``), read one line *without echo*, give it to `Terminal.answer`."""
    confirm: str = ""
    """Not empty: print this prompt (``Proceed with reload? [confirm]``), read one line (echoed), give it to `answer`."""
    close: bool = False
    """End the session once the output is written (``exit`` at the exec level, ``reload``)."""


class Terminal(Protocol):
    """One user's command-line session on the switch."""

    length: int
    """Lines per page (``terminal length``); 0: no paging."""
    width: int
    """Columns (``terminal width``)."""

    @property
    def prompt(self) -> str:
        """``sw-floor>``, ``sw-floor#``, ``sw-floor(config-if)#``…"""
        ...

    @property
    def idle_timeout(self) -> float:
        """Seconds without input before the session is closed (``exec-timeout``); 0: never."""
        ...

    def run(self, line: str) -> Reply: ...

    def answer(self, text: str) -> Reply:
        """The line read after a Reply's ``ask_secret`` or ``confirm``."""
        ...

    def help(self, text: str) -> str:
        """What ``?`` typed after ``text`` prints (``text`` as typed so far, without the ``?``)."""
        ...

    def complete(self, text: str) -> str:
        """The line after Tab: its last word completed when exactly one keyword fits, else ``text`` unchanged."""
        ...

    def end(self) -> str:
        """Ctrl-Z: back to privileged mode from any configuration mode; returns what to print (``\\n`` or "")."""
        ...

    def close(self) -> None:
        """The session is over (logout, timeout, closed connection): the switch forgets it (``show users``)."""
        ...


class Device(Protocol):
    """The switch as the SSH server sees it."""

    def authenticate(self, user: str, password: str) -> bool: ...

    def banner(self) -> str:
        """The message of the day, shown when a session opens ("" for none)."""
        ...

    def open_session(self, user: str, peer: str) -> Terminal: ...

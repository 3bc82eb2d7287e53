"""The IOS command-line grammar: commands as token sequences, matched with abbreviations, help and completion.

A command is written as its syntax, ``"switchport access vlan VID"``: lower-case words are keywords (typed as any
unambiguous prefix, ``sw acc vl 20``), upper-case words are parameters (`PARAMS`). Matching a line against a
mode's commands gives the command and its arguments, or the error IOS prints, with the position of the word
the ``^`` marker goes under.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from officelab.devices.switchos.config import parse_vlan_list

_MAC = re.compile(r"^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$")


@dataclass(frozen=True)
class Param:
    """A parameter's kind, the label ``?`` shows for it, and its help."""

    label: str
    help: str
    check: Callable[[str], Any]
    """The value from the word (raises ValueError when the word is not one)."""
    rest: bool = False
    """Takes the rest of the line (descriptions, lists with blanks)."""


def _int(lo: int, hi: int) -> Callable[[str], int]:
    def check(word: str) -> int:
        value = int(word)
        if not lo <= value <= hi:
            raise ValueError(word)
        return value

    return check


def _ip(word: str) -> str:
    return str(ipaddress.IPv4Address(word))


def _mac(word: str) -> str:
    if not _MAC.match(word):
        raise ValueError(word)
    return word.lower()


def _word(word: str) -> str:
    return word


PARAMS: dict[str, Param] = {
    "VID": Param("<1-4094>", "VLAN ID", _int(1, 4094)),
    "VLANS": Param("WORD", "VLAN IDs of the allowed VLANs when this port is in trunking mode", parse_vlan_list),
    "NAME": Param("WORD", "The ascii name for the VLAN", _word),
    "HOSTNAME": Param("WORD", "This system's network name", _word),
    "USER": Param("WORD", "User name", _word),
    "SECRET": Param("LINE", "The UNENCRYPTED (cleartext) secret", _word, rest=True),
    "HASH": Param("WORD", "The HIDDEN secret string", _word),
    "PRIV": Param("<0-15>", "User privilege level", _int(0, 15)),
    "IFACE": Param("WORD", "Interface name (e.g. ge3)", _word),
    "IFRANGE": Param("LINE", "Interfaces: ge1 - 4, ge7", _word, rest=True),
    "TEXT": Param("LINE", "Characters describing this interface", _word, rest=True),
    "COMMAND": Param("LINE", "Exec Command", _word, rest=True),
    "BANNER": Param("LINE", "c banner-text c, where 'c' is a delimiting character", _word, rest=True),
    "IP": Param("A.B.C.D", "IP address", _ip),
    "MASK": Param("A.B.C.D", "IP subnet mask", _ip),
    "MAC": Param("H.H.H", "48 bit mac address", _mac),
    "MAXIMUM": Param("<1-132>", "Maximum addresses", _int(1, 132)),
    "MINUTES": Param("<0-35791>", "Timeout in minutes", _int(0, 35791)),
    "SECONDS": Param("<0-2147483>", "Timeout in seconds", _int(0, 2147483)),
    "LINES": Param("<0-512>", "Number of lines on screen (0 for no pausing)", _int(0, 512)),
    "COLUMNS": Param("<0-512>", "Number of characters on a screen line", _int(0, 512)),
    "FIRST": Param("<0-15>", "First Line number", _int(0, 15)),
    "LAST": Param("<1-15>", "Last Line number", _int(1, 15)),
    "SSID": Param("WORD", "SSID name", _word),
    "PASSPHRASE": Param("LINE", "The WPA pre-shared key", _word, rest=True),
    "DOMAIN": Param("WORD", "Default domain name", _word),
    "URL": Param("WORD", "A URL such as tftp://10.10.99.10/sw-floor.cfg", _word),
}

HELP: dict[str, str] = {}
"""Keyword → its help line (filled by the command tables)."""


@dataclass(frozen=True)
class Command:
    syntax: tuple[str, ...]
    run: Callable[..., Any]
    """``run(session, args)``"""

    @classmethod
    def of(cls, syntax: str, run: Callable[..., Any]) -> Command:
        return cls(tuple(syntax.split()), run)


@dataclass
class Match:
    command: Command
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParseError(Exception):
    message: str
    position: int = -1
    """Character offset of the word the ``^`` goes under (-1: no marker)."""


def _is_param(token: str) -> bool:
    return token.isupper() or token in PARAMS


def _words(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in re.finditer(r"\S+", line)]


def _step(candidates: list[Match], index: int, word: str, rest: str) -> tuple[list[Match], str]:
    """The candidates that accept ``word`` at ``index``; "" or "ambiguous"."""
    keywords = {c.command.syntax[index] for c in candidates if index < len(c.command.syntax) and not _is_param(c.command.syntax[index])}
    lowered = word.lower()
    exact = lowered if lowered in keywords else None
    prefixed = {k for k in keywords if k.startswith(lowered)}
    chosen = exact or (next(iter(prefixed)) if len(prefixed) == 1 else None)
    if chosen is not None:
        return [c for c in candidates if index < len(c.command.syntax) and c.command.syntax[index] == chosen], ""
    found: list[Match] = []
    for c in candidates:
        if index >= len(c.command.syntax) or not _is_param(c.command.syntax[index]):
            continue
        param = PARAMS[c.command.syntax[index]]
        try:
            value = param.check(rest if param.rest else word)
        except (ValueError, TypeError):
            continue
        found.append(Match(c.command, {**c.args, c.command.syntax[index].lower(): value}))
    return found, "ambiguous" if len(prefixed) > 1 and not found else ""


def match(commands: list[Command], line: str) -> Match:
    """The command ``line`` is, with its arguments; raises `ParseError` as IOS would report it."""
    words = _words(line)
    candidates = [Match(c) for c in commands]
    for index, (offset, word) in enumerate(words):
        after, problem = _step(candidates, index, word, line[offset:].rstrip())
        if problem == "ambiguous":
            raise ParseError(f'% Ambiguous command:  "{line.strip()}"')
        if not after:
            raise ParseError("% Invalid input detected at '^' marker.", offset)
        rest = [m for m in after if PARAMS.get(m.command.syntax[index], Param("", "", _word)).rest]
        if rest:
            return rest[0]
        candidates = after
    done = [c for c in candidates if len(c.command.syntax) == len(words)]
    if not done:
        raise ParseError("% Incomplete command.")
    return done[0]


def _next_tokens(commands: list[Command], words: list[tuple[int, str]], line: str) -> tuple[list[Match], int]:
    candidates = [Match(c) for c in commands]
    for index, (offset, word) in enumerate(words):
        candidates, _ = _step(candidates, index, word, line[offset:])
        if not candidates:
            break
    return candidates, len(words)


def help_text(commands: list[Command], text: str) -> str:
    """What ``?`` after ``text`` prints: the next words and what they do, or the keywords a partial word may be."""
    words = _words(text)
    if words and not text[-1:].isspace():
        head, (_, partial) = words[:-1], words[-1]
        candidates, index = _next_tokens(commands, head, text)
        keys = sorted({c.command.syntax[index] for c in candidates if index < len(c.command.syntax)} - set(PARAMS))
        found = [k for k in keys if k.startswith(partial.lower())]
        return "  ".join(found) if found else "% Unrecognized command"
    candidates, index = _next_tokens(commands, words, text)
    if words and not candidates:
        return "% Unrecognized command"
    rows: dict[str, str] = {}
    ends = False
    for c in candidates:
        syntax = c.command.syntax
        if index == len(syntax) or (index > 0 and index - 1 < len(syntax) and PARAMS.get(syntax[index - 1], Param("", "", _word)).rest):
            ends = True
            continue
        if index < len(syntax):
            token = syntax[index]
            if _is_param(token):
                rows.setdefault(PARAMS[token].label, PARAMS[token].help)
            else:
                before = syntax[index - 1] if index else ""
                rows.setdefault(token, HELP.get(f"{before} {token}", HELP.get(token, "")))
    width = max((len(k) for k in rows), default=0) + 2
    lines = [f"  {k.ljust(width)}{v}".rstrip() for k, v in sorted(rows.items(), key=lambda kv: (kv[0].startswith("<"), kv[0]))]
    if ends:
        lines.append("  <cr>")
    return "\n".join(lines) if lines else "% Unrecognized command"


def complete(commands: list[Command], text: str) -> str:
    """``text`` with its last word completed when exactly one keyword fits."""
    words = _words(text)
    if not words or text[-1:].isspace():
        return text
    head, (offset, partial) = words[:-1], words[-1]
    candidates, index = _next_tokens(commands, head, text)
    keys = {c.command.syntax[index] for c in candidates if index < len(c.command.syntax) and not _is_param(c.command.syntax[index])}
    found = [k for k in keys if k.startswith(partial.lower())]
    if len(found) != 1:
        return text
    return text[:offset] + found[0] + " "

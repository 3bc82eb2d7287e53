"""One command-line session on the switch: its mode, prompt, and how a typed line becomes a command.

Modes are IOS's: user exec (``>``), privileged exec (``#``), global configuration and its sub-modes. A line
that does not parse in a configuration sub-mode is tried in global configuration, as IOS does (``vlan 30``
typed under an interface goes to the VLAN). ``do …`` runs an exec command from any configuration mode. Output
filters ``| include``, ``| exclude``, ``| begin`` and ``| section`` apply to any command.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from officelab.devices.switchos import grammar
from officelab.devices.switchos.config import SwitchConfig
from officelab.devices.switchos.terminal import Reply

if TYPE_CHECKING:
    from officelab.devices.switchos.switch import Switch

PROMPTS = {
    "exec": ">",
    "enable": "#",
    "config": "(config)#",
    "config-if": "(config-if)#",
    "config-if-range": "(config-if-range)#",
    "config-vlan": "(config-vlan)#",
    "config-line": "(config-line)#",
    "config-ssid": "(config-ssid)#",
}
PARENT = {"enable": "exec", "config": "enable"}
CONFIG_MODES = {m for m in PROMPTS if m.startswith("config")}
_FILTER = re.compile(r"\s\|\s*([a-z]+)\s+(.*)$", re.IGNORECASE)
FILTERS = ("include", "exclude", "begin", "section")


@dataclass
class Context:
    """What a configuration sub-mode is about."""

    ports: list[str] = field(default_factory=list)
    svi: int | None = None
    vlans: list[int] = field(default_factory=list)
    ssid: str = ""
    radio: str = ""
    line: str = ""
    """``vty`` or ``con`` in line configuration."""


class CliSession:
    """A user's session (a `Terminal` for the SSH server), or the switch's own, loading a configuration."""

    def __init__(
        self,
        switch: Switch,
        tables: Callable[[str, CliSession], list[grammar.Command]],
        user: str = "",
        peer: str = "",
        privilege: int = 1,
        config: SwitchConfig | None = None,
    ) -> None:
        self.switch = switch
        self.tables = tables
        self.user = user
        self.peer = peer
        self.level = privilege
        self.mode = "enable" if privilege >= 15 else "exec"
        self.context = Context()
        self.length = 24
        self.width = 80
        self.pending: Callable[[str], Reply] | None = None
        self.live = config is None
        """A live session acts on the running switch; a loading one only fills ``config``."""
        self._config = config
        self.number = switch.open(user, peer) if user else -1
        self.configured = False

    # ------------------------------------------------------------------ Terminal

    @property
    def config(self) -> SwitchConfig:
        return self._config if self._config is not None else self.switch.config

    @property
    def prompt(self) -> str:
        return f"{self.config.hostname[:63]}{PROMPTS[self.mode]}"

    @property
    def idle_timeout(self) -> float:
        minutes, seconds = self.config.vty.exec_timeout
        return float(minutes * 60 + seconds)

    def run(self, line: str) -> Reply:
        self.switch.touch(self.number)
        line = line.replace("\t", " ")
        if not line.strip() or line.lstrip().startswith("!"):
            return Reply()
        head, filt = line, None
        found = _FILTER.search(line)
        if found:
            how = [f for f in FILTERS if f.startswith(found[1].lower())]
            if len(how) != 1:
                return Reply(output=" " * (len(self.prompt) + found.start(1)) + "^\n% Invalid input detected at '^' marker.")
            head, filt = line[: found.start()], (how[0], found[2])
        reply = self._run(head)
        if filt and reply.output and not is_refusal(reply.output):
            reply.output = _filtered(reply.output, *filt)
        return reply

    def answer(self, text: str) -> Reply:
        pending, self.pending = self.pending, None
        return pending(text) if pending is not None else Reply()

    def help(self, text: str) -> str:
        exec_line = self._after_do(text)
        if exec_line is not None:
            return grammar.help_text(self.commands("enable"), exec_line)
        return grammar.help_text(self.commands(), text)

    def complete(self, text: str) -> str:
        exec_line = self._after_do(text)
        if exec_line is not None:
            return text[: len(text) - len(exec_line)] + grammar.complete(self.commands("enable"), exec_line)
        return grammar.complete(self.commands(), text)

    def _after_do(self, text: str) -> str | None:
        """The exec line after ``do`` in a configuration mode (help and completion are the exec commands')."""
        found = re.match(r"^\s*do\s+", text)
        return text[found.end() :] if found and self.mode in CONFIG_MODES else None

    def end(self) -> str:
        if self.mode in CONFIG_MODES:
            self._leave_config()
            return "\n"
        return ""

    def close(self) -> None:
        if self.number >= 0:
            self.switch.close(self.number)

    # ------------------------------------------------------------------ modes

    def commands(self, mode: str | None = None) -> list[grammar.Command]:
        return self.tables(mode or self.mode, self)

    def enter(self, mode: str, context: Context | None = None) -> None:
        self.mode = mode
        self.context = context or Context()

    def exit(self) -> Reply:
        if self.mode in ("exec", "enable"):
            return Reply(close=True)
        if self.mode == "config":
            self._leave_config()
        else:
            self.enter("config")
        return Reply()

    def _leave_config(self) -> None:
        self.enter("enable")
        if self.live and self.configured:
            origin = f"vty{self.number} ({self.peer})" if self.number >= 0 else "console"
            self.switch.log("SYS", 5, "CONFIG_I", f"Configured from console by {self.user or 'officelab'} on {origin}")
            self.configured = False

    def _run(self, line: str) -> Reply:
        try:
            match = grammar.match(self.commands(), line)
        except grammar.ParseError as error:
            if self.mode in CONFIG_MODES - {"config"}:
                try:
                    match = grammar.match(self.commands("config"), line)
                except grammar.ParseError:
                    return self._error(error, line)
                self.enter("config")
            else:
                return self._error(error, line)
        try:
            result = match.command.run(self, match.args)
        except KeyError as unknown:  # a port, VLAN or SSID the switch does not have
            return Reply(output=f"% Invalid input: {unknown.args[0] if unknown.args else 'unknown name'} does not exist on this switch")
        except Exception as error:
            self.switch.log("SYS", 3, "INTERNAL", f"{line.strip()}: {type(error).__name__}: {error}")
            return Reply(output=f"% Error: {type(error).__name__}: {error}")
        if self.mode in CONFIG_MODES:
            self.configured = True
        if isinstance(result, Reply):
            return result
        return Reply(output=result or "")

    def _error(self, error: grammar.ParseError, line: str) -> Reply:
        if error.position < 0:
            return Reply(output=error.message)
        return Reply(output=" " * (len(self.prompt) + error.position) + "^\n" + error.message)

    def run_lines(self, lines: list[str], file: bool = False) -> list[str]:
        """Type lines in (OfficeLab's own change, or a configuration ``file``, where an unindented line is a global
        command: it leaves the sub-mode the lines before entered); returns the lines refused, with why."""
        refused = []
        for number, raw in enumerate(lines, 1):
            line = raw.rstrip()
            if line.strip() == "end":
                break
            if file and line and not line[0].isspace() and line[0] != "!" and self.mode in CONFIG_MODES - {"config"}:
                self.enter("config")
            reply = self.run(line)
            if is_refusal(reply.output):
                refused.append(f"line {number}: {line.strip()}: {reply.output.splitlines()[-1]}")
        return refused

    def port(self, word: str) -> str:
        """The port a typed name means: its name in any case, or ``GigabitEthernet3``/``gi3`` for ``ge3``."""
        ports = {p.lower(): p for p in self.config.interfaces}
        lowered = word.lower()
        if lowered in ports:
            return ports[lowered]
        head = lowered.rstrip("0123456789/")
        tail = lowered[len(head) :]
        if len(head) >= 2 and "gigabitethernet".startswith(head) and f"ge{tail}" in ports:
            return ports[f"ge{tail}"]
        raise KeyError(word)

    def port_range(self, text: str) -> list[str]:
        """``ge1 - 4, ge7`` (or ``ge1-4,ge7``) → the ports, in order."""
        found: list[str] = []
        for part in text.split(","):
            item = re.sub(r"\s*-\s*", "-", part.strip())
            first, _, last = item.partition("-")
            start = self.port(first)
            if not last:
                found.append(start)
                continue
            head = start.rstrip("0123456789")
            low, high = int(start[len(head) :] or 0), int(last.lstrip("abcdefghijklmnopqrstuvwxyz") or -1)
            if high < low:
                raise KeyError(item)
            found += [self.port(f"{head}{n}") for n in range(low, high + 1)]
        return found


def is_refusal(output: str) -> bool:
    """Is this the switch refusing a line (``% Invalid input…`` under its caret, ``% Incomplete command.``…)?"""
    return any(line.lstrip().startswith("%") for line in output.splitlines()[:3])


def _filtered(output: str, how: str, pattern: str) -> str:
    try:
        regex = re.compile(pattern)
    except re.error:
        return "% Invalid regular expression"
    lines = output.splitlines()
    if how == "include":
        return "\n".join(ln for ln in lines if regex.search(ln))
    if how == "exclude":
        return "\n".join(ln for ln in lines if not regex.search(ln))
    if how == "begin":
        start = next((i for i, ln in enumerate(lines) if regex.search(ln)), len(lines))
        return "\n".join(lines[start:])
    out, inside = [], False
    for ln in lines:
        if not ln.startswith(" "):
            inside = bool(regex.search(ln))
        if inside:
            out.append(ln)
    return "\n".join(out)


def unbanner(lines: list[str]) -> list[str]:
    """A banner's text spans lines up to its delimiter: join it into the one line the grammar takes."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        found = re.match(r"^banner motd (\S.*)$", line.strip())
        if found:
            after = found[1]
            delim = "^C" if after.startswith("^C") else after[0]
            rest = after[len(delim) :]
            body = [rest] if rest else []
            while delim not in (body[-1] if body else "") and i + 1 < len(lines):
                i += 1
                body.append(lines[i])
            text = "\n".join(body)
            text = text[: text.rfind(delim)] if delim in text else text
            out.append("banner motd ^C" + text.strip("\n").replace("\n", "\\n") + "^C")
        else:
            out.append(line)
        i += 1
    return out

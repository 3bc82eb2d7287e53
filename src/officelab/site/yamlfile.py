"""The bounded reading and parsing of a site file: only a regular file, at most `MAX_SITE_BYTES` of it (never a FIFO
or a device), YAML refused past `MAX_DEPTH` levels, `MAX_ALIASES` aliases, `MAX_YAML_VALUES` values (aliases
expanded) and `MAX_TEXT_CHARS` characters a value, each refusal a located `SiteInvalid` before anything is built."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scanner import RoundTripScanner

from officelab.core.errors import Problem, SiteInvalid, cut, shown
from officelab.site.model import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_SITE_BYTES,
    MAX_TEXT_CHARS,
    MAX_YAML_VALUES,
)

Loc = tuple[str | int, ...]


class _Refused(Exception):
    """A limit was hit while parsing: the problem, with the path and line where it was hit."""

    def __init__(self, path: Loc, message: str, hint: str, line: int | None) -> None:
        super().__init__(message)
        self.problem = Problem(path=path, message=message, hint=hint, line=line)


def _line(node_or_event: Any) -> int | None:
    mark = getattr(node_or_event, "start_mark", None)
    return mark.line + 1 if mark is not None else None


class _BoundedComposer(Composer):
    """ruamel's composer, refusing deep nesting, too many aliases and too many values as soon as it meets them,
    and keeping the field path of the node being composed (for a located refusal)."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._path: list[str | int] = []
        self._aliases = 0
        self._values = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Refused(
                    tuple(self._path),
                    f"more than {MAX_ALIASES:,} YAML aliases (`*name`)",
                    "write the values out, or use fewer anchors and aliases",
                    _line(event),
                )
            return super().compose_node(parent, index)
        self._values += 1
        if self._values > MAX_YAML_VALUES:
            raise _Refused(
                tuple(self._path),
                f"more than {MAX_YAML_VALUES:,} YAML values: this is not the description of one site",
                "a site file describes one small-business site; split it, or check that it is the right file",
                _line(event),
            )
        if len(self._path) >= MAX_DEPTH:
            raise _Refused(
                tuple(self._path[:8]),
                f"YAML nested more than {MAX_DEPTH} levels deep",
                "a site file is a few levels deep; check the brackets and the indentation",
                _line(event),
            )
        part: str | int | None = None
        if isinstance(parent, SequenceNode) and isinstance(index, int):
            part = index
        elif isinstance(parent, MappingNode) and isinstance(index, ScalarNode):
            part = str(index.value)
        elif parent is not None:
            part = "?"  # a key, or a value under a complex key
        if part is not None:
            self._path.append(part)
        try:
            return super().compose_node(parent, index)
        except _Refused as exc:
            if not exc.problem.path:  # refused by the scanner, which reads ahead of the composer: say where
                exc.problem = replace(exc.problem, path=tuple(self._path[:8]))
            raise
        finally:
            if part is not None:
                self._path.pop()


class _BoundedScanner(RoundTripScanner):
    """ruamel's scanner, refusing flow collections (``[`` and ``{``) nested deeper than `MAX_DEPTH`: it reads
    ahead of the composer, and deep flow nesting costs it quadratic time long before the composer sees it."""

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:
        if self.flow_level >= MAX_DEPTH:
            raise _Refused(
                (),
                f"YAML nested more than {MAX_DEPTH} levels deep",
                "a site file is a few levels deep; check the brackets and the indentation",
                self.reader.line + 1,
            )
        super().fetch_flow_collection_start(TokenClass, to_push)


class _Unreadable(Exception):
    """A value the YAML constructor could not build (a date such as 2026-13-45), with its node."""

    def __init__(self, node: Node, reason: str) -> None:
        super().__init__(reason)
        self.node = node


class _LocatedConstructor(RoundTripConstructor):
    """ruamel's round-trip constructor, whose failures on odd values name the value that failed."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (YAMLError, _Unreadable):
            raise
        except (ValueError, TypeError, OverflowError, ArithmeticError, LookupError) as exc:
            raise _Unreadable(node, str(exc)) from None


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Composer = _BoundedComposer
    yaml.Scanner = _BoundedScanner
    yaml.Constructor = _LocatedConstructor
    return yaml


def _children(node: Node) -> Iterator[tuple[str | int, Node]]:
    """The nodes under a composed node, each with its path part (a key node under ``?``)."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield "?", key
            yield (str(key.value) if isinstance(key, ScalarNode) else "?"), value
    elif isinstance(node, SequenceNode):
        yield from enumerate(node.value)


def _check_tree(root: Node) -> tuple[list[Problem], dict[int, Loc]]:
    """Walk a composed YAML tree once per distinct node: count the values it holds with every alias expanded
    (refusing at `MAX_YAML_VALUES`, or an alias that contains itself), and find values or keys longer than
    `MAX_TEXT_CHARS`. Returns those problems, and the field path where each node was first met."""
    paths: dict[int, Loc] = {}
    size: dict[int, int] = {}
    entered: set[int] = set()
    problems: list[Problem] = []
    stack: list[tuple[Node, Loc, bool]] = [(root, (), False)]
    while stack:
        node, path, leaving = stack.pop()
        key = id(node)
        if leaving:
            total = 1 + sum(size[id(child)] for _, child in _children(node))
            if total > MAX_YAML_VALUES:
                anchor = getattr(node, "anchor", None)
                what = f"the value anchored `&{cut(str(anchor), 30)}` here" if anchor else "this value"
                raise _Refused(
                    path,
                    f"{what} expands, with its aliases, to more than {MAX_YAML_VALUES:,} YAML values (an alias bomb?)",
                    "an alias (`*name`) repeats its anchor's whole value; write the values out once",
                    _line(node),
                )
            size[key] = total
            continue
        if key in size:
            continue
        if key in entered:
            raise _Refused(path, "an alias refers to a value that contains it (an endless value)", "remove the alias", _line(node))
        entered.add(key)
        paths[key] = path
        if isinstance(node, ScalarNode) and isinstance(node.value, str) and len(node.value) > MAX_TEXT_CHARS:
            is_key = bool(path) and path[-1] == "?"
            what = "this key" if is_key else "this value"
            problems.append(
                Problem(
                    path=path[:-1] if is_key else path,
                    message=f"{what} is {len(node.value):,} characters long, more than the limit of {MAX_TEXT_CHARS:,}",
                    hint=f"it starts with {shown(node.value)}; shorten it",
                    line=_line(node),
                )
            )
        stack.append((node, path, True))
        for part, child in _children(node):
            if id(child) in entered and id(child) not in size:
                raise _Refused(
                    (*path, part), "an alias refers to a value that contains it (an endless value)", "remove the alias", _line(child)
                )
            if id(child) not in size:
                stack.append((child, (*path, part), False))
    return problems, paths


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MiB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KiB"


def _refuse(file: str, message: str, hint: str = "", line: int | None = None, path: Loc = ()) -> NoReturn:
    raise SiteInvalid(Path(file), [Problem(path=path, message=message, hint=hint, line=line, file=file)])


def _too_big(file: str, count: int) -> NoReturn:
    _refuse(
        file,
        f"the file is {_size(count)}, more than the limit of {_size(MAX_SITE_BYTES)}",
        "a site file describes one small-business site (the 1000-host bench site is 134 KiB): check that it is the right file",
    )


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text within the limits, turning syntax errors and refusals into a `SiteInvalid` with the line."""
    # A text far over the limit is not encoded just to be measured: its length in characters says enough.
    size = len(text) if len(text) > 4 * MAX_SITE_BYTES else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SITE_BYTES:
        _too_big(file, size)
    yaml = _yaml()
    paths: dict[int, Loc] = {}
    try:
        constructor, _ = yaml.get_constructor_parser(text)
        node = constructor.composer.get_single_node()
        if node is None:
            return None
        problems, paths = _check_tree(node)
        if problems:
            raise SiteInvalid(Path(file), [Problem(p.path, p.message, p.hint, p.line, file) for p in problems])
        return constructor.construct_document(node)
    except _Unreadable as exc:
        value = exc.node.value if isinstance(exc.node, ScalarNode) else "this value"
        path = paths.get(id(exc.node), ())
        _refuse(file, f"cannot read {shown(value)}: {cut(str(exc), 200)}", "if it is text, quote it", _line(exc.node), path)
    except _Refused as exc:
        p = exc.problem
        raise SiteInvalid(Path(file), [Problem(p.path, p.message, p.hint, p.line, file)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        _refuse(file, f"YAML syntax: {cut(str(exc.problem or exc.context), 200)}", "check indentation and quoting around this line", line)
    except ReaderError as exc:
        position = exc.position if isinstance(exc.position, int) else 0
        line = text.count("\n", 0, position) + 1
        character = exc.character if isinstance(exc.character, int) else 0
        _refuse(
            file,
            f"character #x{character:04x} is not allowed in YAML",
            "a site file is text: check that it is not a binary or damaged file",
            line,
        )
    except YAMLError as exc:
        _refuse(file, f"YAML syntax: {cut(str(exc), 200)}")
    except RecursionError:  # cannot happen within MAX_DEPTH; never a traceback if it does
        _refuse(file, "YAML nested too deeply", "check the brackets and the indentation")
    finally:
        _dispose(yaml)


def _dispose(yaml: YAML) -> None:
    """Break the parser's reference cycles at once (as `YAML.load` does), so a big file's memory goes back now."""
    parser = getattr(yaml, "_parser", None)
    if parser is not None:
        parser.dispose()
    for part, reset in ((getattr(yaml, "_reader", None), "reset_reader"), (getattr(yaml, "_scanner", None), "reset_scanner")):
        if part is not None and hasattr(part, reset):
            getattr(part, reset)()


def read_text_file(file: Path, what: str = "site file") -> str:
    """The text of a file, refused with a located `SiteInvalid` unless it is a regular file of at most
    `MAX_SITE_BYTES` in UTF-8. A FIFO or a device is refused from its `stat`, never opened for a blocking read."""
    name = str(file)
    hint = "check the path, or run `officelab sites` for the built-in sites" if what == "site file" else "check the path"
    try:
        info = os.stat(file)
    except OSError as exc:
        _refuse(name, f"cannot read the {what}: {exc.strerror or exc}", hint)
    kind = _file_kind(info.st_mode)
    if kind:
        _refuse(name, f"cannot read the {what}: it is {kind}, not a regular file", f"give the path of a {what} saved on disk")
    if info.st_size > MAX_SITE_BYTES:
        _too_big(name, info.st_size)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        _refuse(name, f"cannot read the {what}: {exc.strerror or exc}", hint)
    try:
        kind = _file_kind(os.fstat(fd).st_mode)  # replaced between the stat and the open
        if kind:
            _refuse(name, f"cannot read the {what}: it is {kind}, not a regular file", f"give the path of a {what} saved on disk")
        chunks: list[bytes] = []
        remaining = MAX_SITE_BYTES + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        _refuse(name, f"cannot read the {what}: {exc.strerror or exc}", hint)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_SITE_BYTES:  # it grew, or its size was not known
        _too_big(name, len(data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        _refuse(
            name,
            f"the {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start:,})",
            "a site file is text in UTF-8: check that it is not a binary or damaged file, or convert it",
            line,
        )


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in words (empty for a regular file)."""
    if stat.S_ISREG(mode):
        return ""
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((text for test, text in kinds.items() if test(mode)), "not a regular file")

"""Read a site file: YAML with line numbers, typed by the model, checked by the validator.

Every problem — YAML syntax, unknown key, wrong type, broken cross-reference — comes back at once as a
`Problem` naming the file, the line and the field path, never as a traceback.

Hostile or broken input is bounded before it costs anything: only a regular file is read (never a FIFO or a
device, which could block or never end), at most `MAX_SITE_BYTES` of it; the YAML parser refuses nesting
deeper than `MAX_DEPTH`, more than `MAX_ALIASES` aliases and more than `MAX_YAML_VALUES` values, counted as
written while parsing and again with every alias expanded (an alias bomb is refused before it is built); any
value or key longer than `MAX_TEXT_CHARS` is refused at its line. The limits live in `officelab.site.model`.

The module is longer than 400 lines because reading, bounded parsing, typing and locating are one pipeline
sharing the parser's classes and the field paths; the bounded reader and parser (`read_text_file`,
`parse_yaml` and the classes above them) are the part to move out when it grows again.
"""

from __future__ import annotations

import difflib
import os
import stat
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scanner import RoundTripScanner

from officelab.core.errors import MAX_PROBLEMS_SHOWN, Problem, SiteInvalid, cut, shown
from officelab.site.model import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_SITE_BYTES,
    MAX_TEXT_CHARS,
    MAX_YAML_VALUES,
    Site,
)

Validator = Callable[[Site], list[Problem]]

Loc = tuple[str | int, ...]

MAX_PROBLEMS = 10 * MAX_PROBLEMS_SHOWN
"""Problems kept from one file; the others are only counted (`SiteInvalid.more`)."""


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


def locate(data: Any, path: Loc) -> int | None:
    """The 1-based line of the deepest element of ``path`` present in the parsed YAML."""
    line: int | None = None
    node = data
    for part in path:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    if line is None and isinstance(data, CommentedMap | CommentedSeq):
        line = data.lc.line + 1
    return line


def _field_type_at(path: Loc, root: type[BaseModel] = Site) -> Any:
    """The model type expected at ``path`` (best effort, for hints on unknown keys)."""
    current: Any = root
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f for n, f in current.model_fields.items()}
            current = fields[part].annotation if part in fields else None
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    return _unwrap(current)


def _unwrap(tp: Any) -> Any:
    """``X | None`` → ``X``; ``Annotated[X, …]`` → ``X``."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = models[0] if len(models) == 1 else tp
            if len(models) != 1:
                return tp
        else:
            return tp


def _allowed_keys(path: Loc, root: type[BaseModel]) -> list[str]:
    model = _field_type_at(path, root)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or n for n, f in model.model_fields.items()]
    return []


def _problem_from_pydantic(error: ErrorDetails, root: type[BaseModel] = Site) -> Problem:
    loc: Loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith(("function-", "lax-"))))
    # Unions add a branch name (`int`, `constrained-str`) to the path; it means nothing to a person.
    loc = tuple(p for p in loc if p not in ("int", "str", "constrained-str", "list[...]", "dict[...]"))
    kind = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    message = error["msg"].removeprefix("Value error, ")
    hint = ""
    if kind == "extra_forbidden":
        key = cut(str(loc[-1]))
        allowed = _allowed_keys(loc[:-1], root)
        close = difflib.get_close_matches(str(loc[-1])[:100], allowed, n=1)
        message = f"unknown key `{key}`"
        hint = (f"did you mean `{close[0]}`? " if close else "") + (f"allowed here: {', '.join(allowed)}" if allowed else "remove it")
    elif kind == "missing":
        message = f"required key `{cut(str(loc[-1]))}` is missing"
        hint = f"add `{cut(str(loc[-1]))}:` here"
    elif kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        message = f"{shown(value)} is not a valid {_pattern_name(pattern)}"
        hint = _pattern_hint(pattern)
    elif kind == "enum":
        expected = context.get("expected", "")
        message = f"{shown(value)} is not one of the allowed values"
        hint = f"expected {expected}"
    elif kind == "too_long" and "max_length" in context:
        actual = context.get("actual_length")
        count = f"{actual:,}" if isinstance(actual, int) else "too many"
        message = f"{count} items, more than the limit of {context['max_length']:,}"
        hint = "a site file describes one small-business site: check that it is the right file, or split the site"
    elif kind == "value_error":
        pass  # our own validators' messages say what they saw
    elif not isinstance(value, dict | list):
        message = f"{message} (got {shown(value)})"
    return Problem(path=loc, message=message, hint=hint)


def _pattern_name(pattern: str) -> str:
    from officelab.core import model as names_of
    from officelab.site import model

    names = {
        names_of.NAME_PATTERN: "name",
        names_of.IFNAME_PATTERN: "interface name",
        names_of.PORT_PATTERN: "port name",
        names_of.MAC_PATTERN: "MAC address",
        names_of.DURATION_PATTERN: "duration",
        names_of.DOMAIN_PATTERN: "domain name",
        model.ENDPOINT_PATTERN: "link endpoint",
    }
    return names.get(pattern, "value")


def _pattern_hint(pattern: str) -> str:
    from officelab.core import model as names_of
    from officelab.site import model

    hints = {
        names_of.NAME_PATTERN: "lower-case letters, digits and '-', starting with a letter, at most 31 characters",
        names_of.IFNAME_PATTERN: "letters, digits, '.', '_' or '-', at most 15 characters (a Linux limit), no '/'",
        names_of.PORT_PATTERN: "like `ge1`, or a range `ge[1-24]`; at most 15 characters, no '/'",
        names_of.MAC_PATTERN: "six hex pairs separated by ':', e.g. 02:00:00:00:00:01",
        names_of.DURATION_PATTERN: "seconds, or a number followed by s, m, h or d (e.g. 12h), or `infinite`",
        names_of.DOMAIN_PATTERN: "a lower-case DNS name such as cabinet-martin.lan",
        model.ENDPOINT_PATTERN: "`node:port`, e.g. `sw-core:ge1`",
    }
    return hints.get(pattern, f"must match {pattern}")


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


M = TypeVar("M", bound=BaseModel)


def load_model(text: str, file: str, root: type[M], what: str) -> tuple[M, Any]:
    """Parse YAML text into ``root``; every type problem comes back located. Returns the model and the raw YAML."""
    data = parse_yaml(text, file)
    if not isinstance(data, CommentedMap):
        problem = Problem(
            path=(),
            message=f"a {what} is a YAML mapping",
            line=1,
            file=file,
            hint="start from `officelab sites --show cabinet-martin`" if root is Site else "see the documentation",
        )
        raise SiteInvalid(Path(file), [problem])
    try:
        return root.model_validate(data), data
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [_problem_from_pydantic(e, root) for e in errors[:MAX_PROBLEMS]]
        raise SiteInvalid(Path(file), _place(problems, data, file), more=max(0, len(errors) - MAX_PROBLEMS)) from None


def load_text(text: str, file: str = "<site>", also: Sequence[Validator] = ()) -> Site:
    """Load and fully validate a site from YAML text. Raises `SiteInvalid` with every problem found.

    ``also``: validators of a layer above the site's (the recette checks the site's own checks' dependencies),
    whose problems are reported with the others, located in the file the same way."""
    from officelab.site.validate import validate

    site, data = load_model(text, file, Site, "site file (`site`, `vlans`, `nodes`, `links`)")
    problems = validate(site) + [p for extra in also for p in extra(site)]
    if problems:
        placed = _place(problems, data, file)
        raise SiteInvalid(Path(file), placed[:MAX_PROBLEMS], more=max(0, len(placed) - MAX_PROBLEMS))
    return site


def _place(problems: list[Problem], data: Any, file: str) -> list[Problem]:
    placed = [Problem(p.path, p.message, p.hint, locate(data, p.path), file) for p in problems]
    unique = list(dict.fromkeys(placed))
    return sorted(unique, key=lambda p: (p.line or 0, p.field))


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


def load_site(path: Path | str, also: Sequence[Validator] = ()) -> Site:
    """Load a site file, or a built-in site by name (``cabinet-martin``)."""
    from officelab.site.catalog import resolve

    file = resolve(path)
    return load_text(read_text_file(file), str(file), also)

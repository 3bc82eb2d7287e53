"""YAML text to plain values that remember their lines, within limits, in one pass over libyaml's events.

libyaml (PyYAML's C parser) scans and parses; this module composes its events into `YamlMap`/`YamlSeq`/scalars
as they come, so a limit is refused the moment it is crossed, at the line where it was crossed: nesting deeper
than `MAX_DEPTH`, more than `MAX_ALIASES` aliases, more than `MAX_YAML_VALUES` values (an alias counting for the
whole value it repeats, so an alias bomb is refused before it is built), values or keys longer than
`MAX_TEXT_CHARS`. Scalars are resolved by the YAML 1.2 core schema (as ruamel.yaml does: ``no`` and ``on`` are
text, ``00:11:22:33:44:55`` is text, ``010`` is ten); a duplicate key and an undefined or self-containing alias
are refused; the merge key ``<<`` is honoured.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from officelab.core.errors import Problem, cut, shown
from officelab.site.limits import MAX_ALIASES, MAX_DEPTH, MAX_TEXT_CHARS, MAX_YAML_VALUES

Loc = tuple[str | int, ...]

# libyaml when PyYAML was built with it (the PyPI wheels are); the same events from pure Python otherwise.
_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class YamlMap(dict[Any, Any]):
    """A YAML mapping: a dict, with the line where it starts and the line of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}


class YamlSeq(list[Any]):
    """A YAML sequence: a list, with the line where it starts and the line of each item."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class Refused(Exception):
    """A limit was crossed or the YAML cannot be a value: the problem, located."""

    def __init__(self, path: Loc, message: str, hint: str, line: int | None) -> None:
        super().__init__(message)
        self.problem = Problem(path=path[:8], message=message, hint=hint, line=line)


# --------------------------------------------------------------------------- YAML 1.2 core schema

_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL: dict[str, Any] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
}
_TAG = "tag:yaml.org,2002:"


def _int(text: str) -> int:
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _plain(text: str) -> Any:
    """A plain (unquoted, untagged) scalar as the YAML 1.2 core schema reads it."""
    if len(text) <= 6 and text in _SPECIAL:
        return _SPECIAL[text]
    if _INT.fullmatch(text):
        return _int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def _tagged(tag: str, text: str) -> Any:
    """A scalar with an explicit tag (``!!int "8"``): only the core schema's tags are a site file's."""
    name = tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
    read = _plain(text)
    if name == "str":
        return text
    if name == "int" and type(read) is int:
        return read
    if name == "float" and type(read) in (int, float):
        return float(read)
    if (name == "bool" and type(read) is bool) or (name == "null" and read is None):
        return read
    if name in ("int", "float", "bool", "null"):
        raise ValueError(f"not a valid !!{name}")
    raise LookupError(f"the YAML tag {cut(tag, 40)} is not one a site file uses (remove it)")


# --------------------------------------------------------------------------- composing


@dataclass(slots=True)
class _Open:
    """A collection being composed: its value, its path, its size so far, and for a mapping the key waiting for
    its value."""

    value: YamlMap | YamlSeq
    path: Loc
    size: int = 1
    key: Any = None
    key_line: int = 0
    has_key: bool = False
    anchor: str | None = None
    merges: list[tuple[Any, int]] = field(default_factory=list)


@dataclass(slots=True)
class _Anchor:
    value: Any
    size: int
    done: bool


class _Composer:
    """One document's events to a value (see the module's docstring). ``problems`` collects what does not stop
    the reading (long values, duplicate keys, unreadable scalars); a `Refused` stops it."""

    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.anchors: dict[str, _Anchor] = {}
        self.problems: list[Problem] = []
        self.values = 0
        self.aliases = 0
        self.documents = 0
        self.root: Any = None

    def part(self) -> tuple[Loc, bool]:
        """The path of the value about to be composed, and whether it is a mapping's key."""
        if not self.stack:
            return (), False
        top = self.stack[-1]
        if isinstance(top.value, YamlSeq):
            return (*top.path, len(top.value)), False
        if not top.has_key:
            return (*top.path, "?"), True
        return (*top.path, str(top.key) if isinstance(top.key, str | int | float | bool) else "?"), False

    def feed(self, event: Any) -> None:
        kind = type(event)
        if kind is ScalarEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
            self._start(event, kind)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            self._end()
        elif kind is AliasEvent:
            self._alias(event)
        elif kind is DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                raise Refused((), "more than one YAML document (`---`) in the file", "a site file is one document", _line(event))

    def _start(self, event: Any, kind: type) -> None:
        line = _line(event)
        path, is_key = self.part()
        self.values += 1
        if self.values > MAX_YAML_VALUES:
            raise Refused(
                path,
                f"more than {MAX_YAML_VALUES:,} YAML values: this is not the description of one site",
                "a site file describes one small-business site; split it, or check that it is the right file",
                line,
            )
        if kind is ScalarEvent:
            value = self._scalar(event, path, is_key, line)
            size = 1
        else:
            if len(self.stack) >= MAX_DEPTH:
                raise Refused(
                    path,
                    f"YAML nested more than {MAX_DEPTH} levels deep",
                    "a site file is a few levels deep; check the brackets and the indentation",
                    line,
                )
            tag = event.tag
            expected = "map" if kind is MappingStartEvent else "seq"
            if tag not in (None, "!", _TAG + expected):
                self.problems.append(Problem(path, f"the YAML tag {cut(tag, 40)} is not one a site file uses", "remove it", line))
            value = YamlMap(line) if kind is MappingStartEvent else YamlSeq(line)
            self.stack.append(_Open(value, path, anchor=event.anchor))
            size = 0  # counted when it ends
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(value, size or 1, kind is ScalarEvent)
        if kind is ScalarEvent:
            self._attach(value, 1, line)

    def _scalar(self, event: Any, path: Loc, is_key: bool, line: int) -> Any:
        text: str = event.value
        if len(text) > MAX_TEXT_CHARS:
            what = "this key" if is_key else "this value"
            self.problems.append(
                Problem(
                    path[:-1] if is_key else path,
                    f"{what} is {len(text):,} characters long, more than the limit of {MAX_TEXT_CHARS:,}",
                    f"it starts with {shown(text)}; shorten it",
                    line,
                )
            )
            return text[:MAX_TEXT_CHARS]
        tag = event.tag
        try:
            if tag is None and event.implicit[0]:
                return _plain(text)
            if tag is None or tag == "!":
                return text
            return _tagged(tag, text)
        except (ValueError, LookupError) as exc:  # a tag it does not fit, or an integer of more than 4300 digits
            self.problems.append(Problem(path, f"cannot read {shown(text)}: {cut(str(exc), 200)}", "if it is text, quote it", line))
            return None

    def _alias(self, event: Any) -> None:
        line = _line(event)
        path, _ = self.part()
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise Refused(
                path, f"more than {MAX_ALIASES:,} YAML aliases (`*name`)", "write the values out, or use fewer anchors and aliases", line
            )
        anchor = self.anchors.get(event.anchor)
        if anchor is None:
            raise Refused(
                path, f"the alias *{cut(str(event.anchor), 30)} names no anchor above it", "define `&name` before using `*name`", line
            )
        if not anchor.done:
            raise Refused(path, "an alias refers to a value that contains it (an endless value)", "remove the alias", line)
        self._attach(anchor.value, anchor.size, line)

    def _end(self) -> None:
        done = self.stack.pop()
        if isinstance(done.value, YamlMap):
            self._merge(done)
        anchor = self.anchors.get(done.anchor) if done.anchor is not None else None
        if anchor is not None and anchor.value is done.value:
            anchor.done, anchor.size = True, done.size
        self._attach(done.value, done.size, done.value.line)

    def _attach(self, value: Any, size: int, line: int) -> None:
        """Put a finished value in the collection being composed (or make it the document)."""
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.size += size
        if top.size > MAX_YAML_VALUES:
            raise Refused(
                top.path,
                f"this value expands, with its aliases, to more than {MAX_YAML_VALUES:,} YAML values (an alias bomb?)",
                "an alias (`*name`) repeats its anchor's whole value; write the values out once",
                line,
            )
        if isinstance(top.value, YamlSeq):
            top.value.append(value)
            top.value.item_lines.append(line)
        elif not top.has_key:
            top.key, top.key_line, top.has_key = value, line, True
        else:
            top.has_key = False
            self._put(top, top.key, top.key_line, value)

    def _put(self, top: _Open, key: Any, line: int, value: Any) -> None:
        mapping = top.value
        assert isinstance(mapping, YamlMap)
        if key == "<<" and isinstance(value, YamlMap | YamlSeq):
            top.merges.append((value, line))
            return
        try:
            hash(key)
        except TypeError:
            self.problems.append(Problem(top.path, "a key here is a list or a mapping", "a key is a name: write it as text", line))
            return
        if key in mapping:
            self.problems.append(
                Problem(
                    (*top.path, str(key)),
                    f"the key {shown(key)} appears twice in this mapping (first on line {mapping.key_lines[key]})",
                    "keep one of them",
                    line,
                )
            )
            return
        mapping[key] = value
        mapping.key_lines[key] = line

    def _merge(self, done: _Open) -> None:
        """``<<: *defaults`` (or a list of them): their keys, where the mapping does not set its own."""
        mapping = done.value
        assert isinstance(mapping, YamlMap)
        for merged, line in done.merges:
            for source in merged if isinstance(merged, YamlSeq) else [merged]:
                if not isinstance(source, YamlMap):
                    self.problems.append(Problem(done.path, "`<<` merges mappings only", "merge `*name` of a mapping", line))
                    continue
                for key, value in source.items():
                    if key not in mapping:
                        mapping[key] = value
                        mapping.key_lines[key] = source.key_lines.get(key, line)


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def compose(text: str) -> tuple[Any, list[Problem]]:
    """The value of one YAML document and the problems met in it. Raises `Refused` at a crossed limit, and
    PyYAML's own errors (`yaml.MarkedYAMLError`, `yaml.reader.ReaderError`) on a syntax error."""
    composer = _Composer()
    loader = _LOADER(text)
    try:
        while loader.check_event():
            composer.feed(loader.get_event())
    except yaml.MarkedYAMLError as exc:
        # libyaml stops at its own depth (1000), reading ahead of the events this composer has refused at.
        if "nesting depth" not in str(exc.problem):
            raise
        path, _ = composer.part()
        mark = exc.problem_mark
        raise Refused(
            path,
            f"YAML nested more than {MAX_DEPTH} levels deep",
            "a site file is a few levels deep; check the brackets and the indentation",
            mark.line + 1 if mark else None,
        ) from None
    finally:
        loader.dispose()
    return composer.root, composer.problems

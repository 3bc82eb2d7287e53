"""Read a site file: YAML with line numbers, typed by the model, checked by the validator.

Every problem — YAML syntax, unknown key, wrong type, broken cross-reference — comes back at once as a
`Problem` naming the file, the line and the field path, never as a traceback.

Hostile or broken input is bounded before it costs anything: only a regular file is read (never a FIFO or a
device, which could block or never end), at most `MAX_SITE_BYTES` of it; the YAML parser refuses nesting
deeper than `MAX_DEPTH`, more than `MAX_ALIASES` aliases and more than `MAX_YAML_VALUES` values, counted as
written while parsing and again with every alias expanded (an alias bomb is refused before it is built); any
value or key longer than `MAX_TEXT_CHARS` is refused at its line. The limits live in `officelab.site.model`.

The bounded reader and parser are `officelab.site.yamlfile`.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from officelab.core.errors import MAX_PROBLEMS_SHOWN, Problem, SiteInvalid, cut, shown
from officelab.site.model import (
    Site,
)
from officelab.site.yamlfile import parse_yaml, read_text_file
from officelab.site.yamltree import YamlMap, YamlSeq

Validator = Callable[[Site], list[Problem]]

Loc = tuple[str | int, ...]

MAX_PROBLEMS = 10 * MAX_PROBLEMS_SHOWN
"""Problems kept from one file; the others are only counted (`SiteInvalid.more`)."""


def locate(data: Any, path: Loc) -> int | None:
    """The 1-based line of the deepest element of ``path`` present in the parsed YAML."""
    line: int | None = None
    node = data
    for part in path:
        if isinstance(node, YamlMap) and part in node:
            line = node.key_lines[part]
            node = node[part]
        elif isinstance(node, YamlSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    if line is None and isinstance(data, YamlMap | YamlSeq):
        line = data.line
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


M = TypeVar("M", bound=BaseModel)


def load_model(text: str, file: str, root: type[M], what: str) -> tuple[M, Any]:
    """Parse YAML text into ``root``; every type problem comes back located. Returns the model and the raw YAML."""
    data = parse_yaml(text, file)
    if not isinstance(data, YamlMap):
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
        raise SiteInvalid(Path(file), place_problems(problems, data, file), more=max(0, len(errors) - MAX_PROBLEMS)) from None


def load_text(text: str, file: str = "<site>", also: Sequence[Validator] = ()) -> Site:
    """Load and fully validate a site from YAML text. Raises `SiteInvalid` with every problem found.

    ``also``: validators of a layer above the site's (the recette checks the site's own checks' dependencies),
    whose problems are reported with the others, located in the file the same way."""
    from officelab.site.validate import validate

    site, data = load_model(text, file, Site, "site file (`site`, `vlans`, `nodes`, `links`)")
    problems = validate(site) + [p for extra in also for p in extra(site)]
    if problems:
        placed = place_problems(problems, data, file)
        raise SiteInvalid(Path(file), placed[:MAX_PROBLEMS], more=max(0, len(placed) - MAX_PROBLEMS))
    return site


def place_problems(problems: list[Problem], data: Any, file: str) -> list[Problem]:
    """``problems`` located in ``file`` (their lines from the parsed YAML ``data``), without repeats, in file order."""
    placed = [Problem(p.path, p.message, p.hint, locate(data, p.path), file) for p in problems]
    unique = list(dict.fromkeys(placed))
    return sorted(unique, key=lambda p: (p.line or 0, p.field))


def load_site(path: Path | str, also: Sequence[Validator] = ()) -> Site:
    """Load a site file, or a built-in site by name (``cabinet-martin``)."""
    from officelab.site.catalog import resolve

    file = resolve(path)
    return load_text(read_text_file(file), str(file), also)

"""Changes to a site file, as a scenario writes them (`PatchOp`): applied to the file's YAML data, so the changed site
is validated exactly as a site file is, and booted, derived and documented like any other."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

import yaml

from officelab.exercises.model import PatchOp

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)((?:\[[^\]]+\])*)")
_SELECTOR = re.compile(r"\[([^\]]+)\]")
SELECTOR_KEYS = ("name", "login", "number", "node", "id")
"""The keys a bare selector (``[pdurand]``) is tried against, in this order."""


class PatchError(ValueError):
    """A patch step that does not fit the site: what was not found, and what exists there."""


def plain(data: Any) -> Any:
    """Parsed YAML (with its line numbers) as plain dicts and lists."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


def _steps(path: str) -> list[str | tuple[str, str]]:
    """``a.b[k=v][3]`` → ``["a", "b", ("k", "v"), ("", "3")]``: keys, and selectors (key, value)."""
    steps: list[str | tuple[str, str]] = []
    rest = path
    while rest:
        match = _SEGMENT.match(rest)
        if not match:
            raise PatchError(f"cannot read the path {path!r} at {rest!r}: expected `key`, `key[selector]`, separated by '.'")
        steps.append(match.group(1))
        for selector in _SELECTOR.findall(match.group(2)):
            key, sep, value = selector.partition("=")
            steps.append((key.strip(), value.strip()) if sep else ("", selector.strip()))
        rest = rest[match.end() :]
        if rest.startswith("."):
            rest = rest[1:]
            if not rest:
                raise PatchError(f"the path {path!r} ends with '.'")
        elif rest:
            raise PatchError(f"cannot read the path {path!r} at {rest!r}")
    return steps


def _matches(item: Any, key: str, value: str) -> bool:
    if key:
        return isinstance(item, dict) and str(item.get(key)) == value
    if isinstance(item, list):  # a cable: [a, b]
        return value in (str(end) for end in item)
    if isinstance(item, dict):
        return any(str(item.get(k)) == value for k in SELECTOR_KEYS)
    return str(item) == value


def _index(items: list[Any], key: str, value: str, where: str) -> int:
    if not key and value.isdigit():
        if int(value) >= len(items):
            raise PatchError(f"{where}: no item {value} (the list has {len(items)})")
        return int(value)
    found = [i for i, item in enumerate(items) if _matches(item, key, value)]
    if not found:
        raise PatchError(f"{where}: nothing matches [{f'{key}=' if key else ''}{value}]")
    if len(found) > 1:
        raise PatchError(f"{where}: [{value}] matches {len(found)} items: select by a key (`[name=…]`)")
    return found[0]


def _walk(data: Any, steps: list[str | tuple[str, str]], path: str) -> tuple[Any, str | int]:
    """The container holding the last step, and the key or index of the last step in it."""
    node = data
    for n, step in enumerate(steps):
        where = f"{path}: at {'.'.join(s if isinstance(s, str) else f'[{s[1]}]' for s in steps[: n + 1])}"
        last = n == len(steps) - 1
        if isinstance(step, str):
            if not isinstance(node, dict):
                raise PatchError(f"{where}: expected a mapping here")
            if last:
                return node, step
            if step not in node:
                raise PatchError(f"{where}: no key {step!r} (keys here: {', '.join(map(str, node)) or 'none'})")
            node = node[step]
        else:
            if not isinstance(node, list):
                raise PatchError(f"{where}: a selector applies to a list")
            index = _index(node, step[0], step[1], where)
            if last:
                return node, index
            node = node[index]
    raise PatchError(f"{path}: empty path")


def apply(data: Any, ops: Sequence[PatchOp]) -> Any:
    """A copy of ``data`` (a site file's plain data) with ``ops`` applied in order. Raises `PatchError` (with the
    step's number) on the first step that does not fit."""
    result = copy.deepcopy(data)
    for number, op in enumerate(ops):
        try:
            container, key = _walk(result, _steps(op.path), op.path)
            value = plain(op.value)
            if op.remove is not None:
                if isinstance(container, dict) and key not in container:
                    raise PatchError(f"{op.path}: nothing to remove")
                del container[key]
            elif op.set is not None:
                container[key] = value
            elif isinstance(container, dict):
                target = container.setdefault(key, [])
                if not isinstance(target, list):
                    raise PatchError(f"{op.path}: `add` appends to a list, and this is not one (use `set`)")
                target.append(value)
            else:
                raise PatchError(f"{op.path}: `add` appends to a list named by a key (`add: directory.users`)")
        except PatchError as exc:
            raise PatchError(f"step {number + 1}: {exc}") from None
    return result


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter is ten times faster than pure Python's


def dump(data: Any) -> str:
    """Site data as the YAML text of a site file (what the lab keeps as its ``site.yaml``)."""
    return yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=120)

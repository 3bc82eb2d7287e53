"""Property tests: whatever the input, loading a site ends in a valid Site or a clear SiteInvalid."""

from __future__ import annotations

import copy
from io import StringIO
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from officelab.core.errors import SiteInvalid
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_text

_yaml = YAML(typ="safe")
BASE: Any = _yaml.load(builtin_sites()["cabinet-martin"].read_text())
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.text(max_size=12),
    st.lists(st.integers(0, 5), max_size=3),
    st.sampled_from(["10.10.10.1", "10.10.10.0/24", "999.1.1.1", "fw:lan", "users", "trunk", "ge[1-99]", "ge[5-1]"]),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


PATHS = [p for p in _paths(BASE) if p]


def _dump(data: Any) -> str:
    out = StringIO()
    YAML(typ="safe").dump(data, out)
    return out.getvalue()


def _check(text: str) -> None:
    try:
        load_text(text, "fuzz.yaml")
    except SiteInvalid as exc:
        assert exc.problems, "an invalid site must come with at least one problem"
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml"
            assert problem.message
            rendered = str(problem)
            assert rendered.startswith("fuzz.yaml")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(["set", "delete", "duplicate"]), JUNK), min_size=1, max_size=4))
def test_mutated_default_site_never_crashes(mutations: list[tuple[tuple[Any, ...], str, Any]]) -> None:
    data = copy.deepcopy(BASE)
    for path, action, value in mutations:
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            key = path[-1]
            if action == "set":
                parent[key] = value
            elif action == "delete":
                del parent[key]
            elif isinstance(parent, list):
                parent.append(copy.deepcopy(parent[key]))
            else:
                parent[f"{key}x"] = copy.deepcopy(parent[key])
        except (KeyError, IndexError, TypeError):
            continue
    _check(_dump(data))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text: str) -> None:
    _check(text)


def test_mutated_site_problem_points_at_a_line() -> None:
    data = copy.deepcopy(BASE)
    data["nodes"][5]["interfaces"][0]["address"] = "not-an-address"
    try:
        load_text(_dump(data), "fuzz.yaml")
    except SiteInvalid as exc:
        assert all(p.line and p.line > 1 for p in exc.problems)
    else:
        raise AssertionError("a bad address must be rejected")

"""Per-learner variables: drawn from the class's seed and the learner's name (HMAC), so that a learner gets the same
variant every time and neighbours get different ones; substituted (``{{ pc }}``, ``{{ seat.port }}``) in every text of
the scenario but its variables."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import random
from collections.abc import Iterator
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from officelab.exercises.model import Variable

DEFAULT_SEED = "officelab"
MAX_COMBINATIONS = 48
"""Validation tries every combination of values up to this many, then this many drawn ones."""

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def draw(variables: dict[str, Variable], learner: str, seed: str = DEFAULT_SEED) -> dict[str, Any]:
    """The learner's values: HMAC-SHA256(seed, learner) seeds the draw, variable by variable in name order."""
    digest = hmac.new(seed.encode(), learner.encode(), hashlib.sha256).digest()
    rng = random.Random(int.from_bytes(digest, "big"))
    return {name: rng.choice(variables[name].choose) for name in sorted(variables)}


def combinations(variables: dict[str, Variable]) -> Iterator[dict[str, Any]]:
    """Every combination of values (or a sample of them when there are too many): what validation tries."""
    names = sorted(variables)
    total = 1
    for name in names:
        total *= len(variables[name].choose)
    if total <= MAX_COMBINATIONS:
        for values in itertools.product(*(variables[n].choose for n in names)):
            yield dict(zip(names, values, strict=True))
        return
    for n in range(MAX_COMBINATIONS):
        yield draw(variables, f"validation-{n}")


class Unrendered(ValueError):
    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


def render(data: Any, values: dict[str, Any], path: tuple[str | int, ...] = ()) -> Any:
    """``data`` with every string rendered as a template over ``values``. Raises `Unrendered` at the first string
    that names an unknown variable or is not a valid template."""
    if isinstance(data, str):
        if "{{" not in data and "{%" not in data:
            return data
        try:
            return _env.from_string(data).render(values)
        except TemplateError as exc:
            raise Unrendered(path, f"{exc.message or exc}") from None
    if isinstance(data, dict):
        return {k: render(v, values, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [render(v, values, (*path, i)) for i, v in enumerate(data)]
    return data

"""Configuration templates: each domain keeps its own under ``templates/`` beside its ``realise.py``."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined


@cache
def _environment(package: str) -> Environment:
    return Environment(
        loader=PackageLoader(package, "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
        autoescape=False,
    )


def templates(module: str) -> Callable[..., str]:
    """The renderer of the templates of ``module``'s package: ``render = templates(__name__)``."""
    package = module.rpartition(".")[0]

    def render(template: str, **context: object) -> str:
        return _environment(package).get_template(template).render(**context)

    return render

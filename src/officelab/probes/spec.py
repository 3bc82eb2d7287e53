"""`ProbeSpec`: every probe kind of every domain, as one discriminated union on ``kind``.

A site file's ``checks:``, a field plan and the derived recette all use it. The kinds themselves are
declared in each domain's ``model.py``; a new domain's kinds join the union by being registered there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field

from officelab.core.probe import ProbeSpecBase
from officelab.domains import parts


def probe_kinds() -> tuple[type[ProbeSpecBase], ...]:
    """The probe specification classes the domains declare, in registry order."""
    found: list[type[ProbeSpecBase]] = []
    for module in parts("model"):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, ProbeSpecBase)
                and value is not ProbeSpecBase
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return tuple(found)


if TYPE_CHECKING:
    ProbeSpec = ProbeSpecBase
else:
    ProbeSpec = Annotated[Union[probe_kinds()], Field(discriminator="kind")]  # noqa: UP007 - built from the registry

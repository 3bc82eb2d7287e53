"""The base of every section of a site file: unknown keys are errors, values are immutable once loaded."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

NAME_PATTERN = r"^[a-z][a-z0-9-]{0,30}$"
NodeName = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]


class Model(BaseModel):
    """Base of every section: unknown keys are errors, values are immutable after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

"""The base of every probe specification: what a probe is asked to do, as typed, frozen data.

Each domain declares its probe kinds in its ``model.py`` (a site file's ``checks:`` uses them);
`officelab.probes.spec.ProbeSpec` is the union of all of them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProbeSpecBase(BaseModel):
    """One probe kind's parameters; ``kind`` is the discriminator a site file writes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    timeout: float = Field(default=2.0, gt=0, le=60, description="seconds one attempt may take")

"""The names of the trade as typed values (node, interface, VLAN, domain…) and the base of every section of a site file:
unknown keys are errors, values are immutable once loaded."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

NAME_PATTERN = r"^[a-z][a-z0-9-]{0,30}$"
NodeName = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
IFNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$"
PORT_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,14}(\[\d+-\d+\])?$"
MAC_PATTERN = r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$"
DURATION_PATTERN = r"^\d+[smhd]?$|^infinite$"
DOMAIN_PATTERN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"

Name = NodeName
IfName = Annotated[str, StringConstraints(pattern=IFNAME_PATTERN)]
MacAddress = Annotated[str, StringConstraints(pattern=MAC_PATTERN, to_lower=True)]
Duration = Annotated[str, StringConstraints(pattern=DURATION_PATTERN)]
DomainName = Annotated[str, StringConstraints(pattern=DOMAIN_PATTERN, to_lower=True)]
VlanRef = int | Name
"""A VLAN is referred to by its id (``10``) or its name (``users``)."""


class Model(BaseModel):
    """Base of every section: unknown keys are errors, values are immutable after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

"""Address types of the site files: IPv4 written as text, never a bare number."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Annotated

from pydantic import BeforeValidator


def _written_address(value: object) -> object:
    """Addresses are written as text: a bare number or boolean is a typo, not 0.0.0.1."""
    if isinstance(value, bool | int | float):
        raise ValueError(f"expected an address written as text (e.g. 10.10.10.1), got {value!r}")
    return value


Address = Annotated[IPv4Address, BeforeValidator(_written_address)]
Cidr = Annotated[IPv4Interface, BeforeValidator(_written_address)]
Subnet = Annotated[IPv4Network, BeforeValidator(_written_address)]

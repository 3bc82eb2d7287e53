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


LARGEST_SUBNET = 22
"""At most a /22 (1022 hosts) swept or audited at once: one office's subnet, not a range of the internet."""


def field_subnet(text: str, verb: str) -> IPv4Network:
    """The subnet a field-mode command (``--here SUBNET``) works on, or a clear error; ``verb`` says what is done
    to each subnet in turn when it is too large (``audit``, ``scan``)."""
    from officelab.core.errors import OfficeLabError

    try:
        network = IPv4Network(text, strict=False)
    except ValueError as exc:
        raise OfficeLabError(f"--here {text!r}: expected a subnet such as 192.168.1.0/24 ({exc})") from None
    if network.prefixlen < LARGEST_SUBNET:
        hosts = 2 ** (32 - LARGEST_SUBNET) - 2
        raise OfficeLabError(f"--here {text}: at most a /{LARGEST_SUBNET} ({hosts} hosts); {verb} each subnet in turn")
    return network

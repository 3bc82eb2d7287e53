"""The firewall of a router: zones, default policies, rules and NAT (masquerade, port forwards)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from officelab.core.addressing import Address, Cidr
from officelab.core.model import IfName, Model, Name, VlanRef


class ZoneMembers(Model):
    vlans: list[VlanRef] = Field(default_factory=list)
    interfaces: list[IfName] = Field(default_factory=list)
    input: Literal["accept", "drop"] = Field(default="drop", description="traffic to the firewall itself")


class Action(StrEnum):
    ACCEPT = "accept"
    DROP = "drop"
    REJECT = "reject"


class Policy(Model):
    """What happens to traffic from one zone to another when no rule matches."""

    from_: Name = Field(alias="from")
    to: Name
    action: Action


SELF = "self"
"""A rule's ``to`` naming the firewall itself (its input chain), e.g. the VPN port opened on the WAN."""


class Rule(Model):
    """A firewall rule between two zones, or from a zone to the firewall itself (``to: self``)."""

    name: Name
    from_: Name = Field(alias="from")
    to: Name = Field(description="a zone, or `self`: the firewall itself (a service it offers, such as its VPN)")
    proto: Literal["tcp", "udp", "icmp", "any"] = "tcp"
    ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(default_factory=list)
    destination: Cidr | None = None
    action: Action = Action.ACCEPT
    comment: str = ""


class Masquerade(Model):
    out: Name = Field(description="the zone towards which source addresses are translated (the WAN)")
    sources: list[Name] = Field(default_factory=list, description="zones translated; default: every other zone")


class PortForward(Model):
    name: Name
    zone: Name = Field(description="where the traffic arrives from (the WAN zone)")
    proto: Literal["tcp", "udp"] = "tcp"
    port: int = Field(ge=1, le=65535)
    port_end: int | None = Field(default=None, ge=1, le=65535, description="a range: port to port_end (ports kept as they are)")
    to: Address
    to_port: int | None = Field(default=None, ge=1, le=65535)

    @model_validator(mode="after")
    def _range(self) -> PortForward:
        if self.port_end is not None:
            if self.port_end <= self.port:
                raise ValueError("port_end must be above port")
            if self.to_port is not None:
                raise ValueError("a port range keeps its ports: leave out `to_port`")
        return self


class Nat(Model):
    masquerade: list[Masquerade] = Field(default_factory=list)
    forwards: list[PortForward] = Field(default_factory=list)


class FirewallService(Model):
    """Zone-based firewall of a router: zones, default policies, rules and NAT."""

    zones: dict[Name, ZoneMembers]
    policies: list[Policy] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    nat: Nat = Nat()
    default: Action = Action.DROP

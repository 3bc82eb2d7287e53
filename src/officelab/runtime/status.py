"""What `officelab status` reports of a lab: its nodes with their addresses and daemons, its cables."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class NodeStatus:
    name: str
    kind: str
    state: str
    addresses: list[dict[str, str]] = field(default_factory=list)
    daemons: dict[str, str] = field(default_factory=dict)


@dataclass
class LinkStatus:
    a: str
    b: str
    state: str


@dataclass
class LabStatus:
    lab: str
    site: str
    state: str
    nodes: list[NodeStatus] = field(default_factory=list)
    links: list[LinkStatus] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

"""What a switch port does with 802.1Q VLANs: the behaviour both the lab's build and a switch's operating system give
its ports (`officelab.runtime.vlan` makes it true in the kernel)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class PortVlan:
    """What a bridge port does with VLANs."""

    allowed: tuple[int, ...]
    native: int | None
    access: bool

    @classmethod
    def access_port(cls, vid: int) -> PortVlan:
        return cls(allowed=(vid,), native=vid, access=True)

    @classmethod
    def trunk_port(cls, allowed: list[int], native: int | None) -> PortVlan:
        vids = sorted(set(allowed) | ({native} if native is not None else set()))
        return cls(allowed=tuple(vids), native=native, access=False)

    @property
    def key(self) -> str:
        text = f"{'a' if self.access else 't'}:{','.join(map(str, self.allowed))}:{self.native or 0}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]

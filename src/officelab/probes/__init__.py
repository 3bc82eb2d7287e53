"""Probes: one real protocol exchange each, run on a lab node or on this machine, with a structured result.

`run_probe(spec, place)` dispatches on the spec's kind to the implementation registered with `@probe`. Each
domain declares its kinds in its ``model.py`` and implements them in its ``probes.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from officelab.core.probe import ProbeSpecBase
from officelab.probes.place import Place


class Layer(StrEnum):
    """Where a failure sits, bottom-up, in the terms a technician uses."""

    PHYSICAL = "physical"  # cable, carrier, interface
    DATALINK = "data link"  # ARP, VLAN
    NETWORK = "network"  # addressing, routing, ICMP
    TRANSPORT = "transport"  # TCP/UDP ports, firewall filtering
    APPLICATION = "application"  # DHCP, DNS, HTTP…


@dataclass
class ProbeResult:
    """What a probe found: success, the layer it speaks for, what was sent and received, in plain words."""

    ok: bool
    layer: Layer
    summary: str
    sent: str = ""
    received: str = ""
    duration: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result = asdict(self)
        result["layer"] = self.layer.value
        return result


S = TypeVar("S")
Implementation = Callable[[Any, Place], ProbeResult]
_REGISTRY: dict[str, Implementation] = {}


def probe(kind: str) -> Callable[[Callable[[S, Place], ProbeResult]], Callable[[S, Place], ProbeResult]]:
    """Register the implementation of a probe kind."""

    def register(fn: Callable[[S, Place], ProbeResult]) -> Callable[[S, Place], ProbeResult]:
        _REGISTRY[kind] = fn
        return fn

    return register


def _load(spec: ProbeSpecBase) -> Implementation | None:
    """Import the probes of the domain that declares ``spec``'s kind (importing registers them), else every domain's:
    a command that runs a few checks does not pay for every domain's libraries."""
    from officelab.domains import part_of, parts

    part_of(type(spec).__module__, "probes")
    if spec.kind not in _REGISTRY:
        parts("probes")
    return _REGISTRY.get(spec.kind)


def run_probe(spec: ProbeSpecBase, place: Place) -> ProbeResult:
    """Run one probe; never raises for a network outcome (that is a failed result)."""
    implementation = _REGISTRY.get(spec.kind) or _load(spec)
    if implementation is None:
        return ProbeResult(False, Layer.APPLICATION, f"no probe of kind {spec.kind!r} is installed")
    start = time.monotonic()
    try:
        result = implementation(spec, place)
    except OSError as exc:
        result = ProbeResult(False, Layer.NETWORK, f"{place.name}: {exc.strerror or exc}")
    except Exception as exc:  # a probe's bug must not take the whole recette down: it is this check's failure
        result = ProbeResult(False, Layer.APPLICATION, f"the {spec.kind} probe failed: {type(exc).__name__}: {exc}")
    result.duration = round(time.monotonic() - start, 4)
    return result

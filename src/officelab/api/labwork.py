"""Acting on a lab from the workbench: cables, faults (a trainer's), diagnosis — the CLI's `link`, `fault` and
`diagnose`, journaled as they are from the command line while the lab runs an exercise."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from officelab.api.auth import LabName, Trainer, Who
from officelab.faults.store import ActiveFault

router = APIRouter()


class Cable(BaseModel):
    up: bool = Field(description="true: plug the cable back; false: pull it out")


class FaultOrder(BaseModel):
    type: str
    params: dict[str, Any] = Field(default_factory=dict)
    hidden: bool = False


@router.post("/api/labs/{lab}/links/{endpoint}")
def link(lab: LabName, endpoint: str, body: Cable, account: Who) -> dict[str, Any]:
    """Pull a cable out or plug it back at NODE:PORT (`officelab link down|up`)."""
    from officelab.exercises import journal
    from officelab.runtime.lab import Lab

    action = "up" if body.up else "down"
    port = Lab(lab).set_link(endpoint, body.up)
    journal.officelab_command(lab, ["link", action, endpoint], 0)
    return {"endpoint": endpoint, "port": port, "up": body.up}


@router.get("/api/labs/{lab}/faults")
def faults(account: Trainer, lab: LabName) -> list[dict[str, Any]]:
    """The faults injected into the lab, with their ground truth (`officelab fault list`)."""
    from officelab.faults import engine
    from officelab.runtime.lab import Lab

    return [_fault(entry) for entry in engine.active(Lab(lab))]


@router.post("/api/labs/{lab}/faults")
def inject(account: Trainer, lab: LabName, body: FaultOrder) -> dict[str, Any]:
    """Inject a fault of the catalogue with its parameters (`officelab fault inject TYPE -p k=v [--hidden]`)."""
    from officelab.faults import engine
    from officelab.runtime.lab import Lab

    target = Lab(lab)
    return _fault(engine.inject(target, engine.make(target.site(), body.type, body.params), hidden=body.hidden))


@router.delete("/api/labs/{lab}/faults/{fault}")
def clear(account: Trainer, lab: LabName, fault: str) -> list[dict[str, Any]]:
    """Clear one fault (`all`: every one), restoring exactly what was there (`officelab fault clear`)."""
    from officelab.faults import engine
    from officelab.runtime.lab import Lab

    target = Lab(lab)
    if fault != "all" and all(entry.id != fault for entry in engine.active(target)):
        raise HTTPException(404, f"no fault {fault} in lab {lab}")
    return [_fault(entry) for entry in engine.clear(target, None if fault == "all" else [fault])]


@router.get("/api/labs/{lab}/diagnose")
def diagnose(lab: LabName, source: str, target: str, account: Who) -> dict[str, Any]:
    """Walk bottom-up from ``source`` (a host or an AD user) to ``target`` (`officelab diagnose FROM TARGET`)."""
    from officelab.diagnosis.walk import diagnose as walk
    from officelab.exercises import journal
    from officelab.runtime.lab import Lab

    result = walk(Lab(lab), source, target)
    journal.officelab_command(lab, ["diagnose", source, target], 1 if result.found else 0)
    return result.to_dict()


def _fault(entry: ActiveFault) -> dict[str, Any]:
    return {
        "id": entry.id,
        "type": entry.kind,
        "params": entry.params,
        "hidden": entry.hidden,
        "injected_at": entry.injected_at,
        "truth": entry.truth,
    }

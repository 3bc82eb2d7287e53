"""Acting on a lab from the workbench: its map, cables, switch ports, captures, faults (a trainer's), diagnosis,
the journal — the CLI's `status`, `link`, `port set`, `capture`, `fault`, `diagnose` and `exercise journal`,
journaled as they are from the command line while the lab runs an exercise."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field

from officelab.api.auth import LabName, Trainer, Who
from officelab.faults.store import ActiveFault

router = APIRouter()


class Cable(BaseModel):
    up: bool = Field(description="true: plug the cable back; false: pull it out")


class PortChange(BaseModel):
    vlan: int | str | None = Field(default=None, description="make it an access port of this VLAN (id or name)")
    allowed: list[int] | None = Field(default=None, description="make it a trunk carrying these VLAN ids")
    native: int | None = Field(default=None, description="with allowed: the VLAN carried untagged")
    shutdown: bool | None = Field(default=None, description="true: shut the port down; false: `no shutdown`")


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


@router.get("/api/labs/{lab}/map")
def network_map(lab: LabName, account: Who) -> dict[str, Any]:
    """The topology: nodes placed for drawing (kind, state, addresses, daemons, ports), cables (state, VLANs), VLANs."""
    from officelab.runtime.lab import Lab
    from officelab.runtime.netmap import lab_map

    return lab_map(Lab(lab))


@router.post("/api/labs/{lab}/ports/{endpoint}")
def port(account: Trainer, lab: LabName, endpoint: str, body: PortChange) -> dict[str, Any]:
    """Change a switch port live (`officelab port set`): one of an access VLAN, a trunk's VLANs, shutdown."""
    from officelab.runtime.lab import Lab
    from officelab.runtime.ports import set_port_admin, set_port_trunk, set_port_vlan

    target = Lab(lab)
    asked = [name for name in ("vlan", "allowed", "shutdown") if getattr(body, name) is not None]
    if len(asked) != 1:
        raise HTTPException(400, "give exactly one of vlan (an access port), allowed (a trunk) or shutdown")
    if body.shutdown is not None:
        set_port_admin(target, endpoint, not body.shutdown)
    elif body.vlan is not None:
        set_port_vlan(target, endpoint, body.vlan)
    else:
        set_port_trunk(target, endpoint, body.allowed or [], body.native)
    return {"endpoint": endpoint, **body.model_dump(exclude_none=True)}


@router.get("/api/labs/{lab}/ports/{endpoint}/capture")
def capture(lab: LabName, endpoint: str, account: Who, count: int = 100, seconds: float = 5.0, filter: str = "") -> Response:
    """The frames seen at NODE:PORT as a pcap file for Wireshark (`officelab capture`), at most ``count`` packets
    (≤ 10,000) or ``seconds`` (≤ 60)."""
    from officelab.runtime.capture import capture as capture_frames
    from officelab.runtime.lab import Lab

    if not (0 < count <= 10_000 and 0 < seconds <= 60):
        raise HTTPException(400, "count: 1 to 10000 packets; seconds: more than 0, at most 60")
    # tcpdump writes to a file descriptor, so the capture goes through a temporary file
    with tempfile.TemporaryFile() as fh:
        captured = capture_frames(Lab(lab), endpoint, fh, count, seconds, filter)
        fh.seek(0)
        pcap = fh.read()
    name = endpoint.replace(":", "-")
    headers = {"Content-Disposition": f'attachment; filename="{lab}-{name}.pcap"', "X-Captured": captured}
    return Response(pcap, media_type="application/vnd.tcpdump.pcap", headers=headers)


@router.get("/api/labs/{lab}/journal")
def journal_entries(lab: LabName, account: Who) -> list[dict[str, Any]]:
    """What the learner typed and ran, in order (`officelab exercise journal --json`)."""
    from officelab.exercises import journal

    return [asdict(entry) for entry in journal.read(lab)]


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

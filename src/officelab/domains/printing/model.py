"""Printers (node service ``printer:``), print servers (``print:``) and their probe kinds (IPP, a printed job)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from officelab.core.model import Model, NodeName
from officelab.core.probe import ProbeSpecBase
from officelab.domains.directory.model import GroupName

QUEUE = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"


class PrinterDevice(Model):
    """A network printer (an IPP Everywhere printer: ippeveprinter), keeping what it receives."""

    model: str = "OfficeLab IPP Everywhere"
    location: str = ""


class PrintQueue(Model):
    name: Annotated[str, StringConstraints(pattern=QUEUE)]
    printer: NodeName = Field(description="the printer node this queue prints to")
    groups: list[GroupName] = Field(default_factory=list, description="AD groups allowed to print (empty: everyone)")
    description: str = ""


class PrintService(Model):
    """A print server (CUPS) publishing one queue per printer."""

    queues: list[PrintQueue]


class PrintProbe(ProbeSpecBase):
    """A job printed as ``user`` through the print server's ``queue`` (IPP), then looked for in the printer's own
    job list (IPP Get-Jobs at ``printer``): the page must really arrive, not just be accepted."""

    kind: Literal["print"] = "print"
    server: str
    queue: str
    user: str
    printer: str = Field(description="the printer's IPP URI, e.g. ipp://10.10.10.20:631/ipp/print")
    printer_seen_from: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="the lab node that asks the printer for its job list, one the design lets reach the printer "
        "(the print server); default: where the job is sent from",
    )
    timeout: float = Field(default=10.0, gt=0, le=120)


class IppProbe(ProbeSpecBase):
    """An IPP Get-Printer-Attributes to ``uri``: the printer answers and says its state."""

    kind: Literal["ipp"] = "ipp"
    uri: str = Field(pattern=r"^ipps?://")

"""Printing probes, over IPP with the CUPS clients: a printer answers; a job sent through a queue arrives."""

from __future__ import annotations

import re
import time
import uuid

from officelab.domains.printing.model import IppProbe, PrintProbe
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place

POLL = 0.2


def _completed_jobs(place: Place, uri: str, timeout: float) -> str:
    result = place.run(["ipptool", "-tv", "-T", str(max(1, int(timeout))), uri, "get-completed-jobs.test"], timeout=timeout + 5)
    return result.stdout


@probe("ipp")
def ipp_probe(spec: IppProbe, place: Place) -> ProbeResult:
    sent = f"IPP Get-Printer-Attributes to {spec.uri}"
    result = place.run(
        ["ipptool", "-tv", "-T", str(max(1, int(spec.timeout))), spec.uri, "get-printer-attributes.test"], timeout=spec.timeout + 5
    )
    state = re.search(r"printer-state \(enum\) = (\w+)", result.stdout)
    model = re.search(r"printer-make-and-model \(textWithoutLanguage\) = (.+)", result.stdout)
    if result.returncode == 0 and state:
        received = f"printer-state {state[1]}" + (f", {model[1].strip()}" if model else "")
        return ProbeResult(True, Layer.APPLICATION, f"the printer answers IPP ({state[1]})", sent, received)
    out = (result.stdout + result.stderr).strip()
    if "Unable to connect" in out or "No route" in out or "timed out" in out.lower():
        return ProbeResult(False, Layer.TRANSPORT, f"no IPP service at {spec.uri}", sent, out[-200:])
    return ProbeResult(False, Layer.APPLICATION, f"{spec.uri} did not answer Get-Printer-Attributes", sent, out[-200:])


@probe("print")
def print_probe(spec: PrintProbe, place: Place) -> ProbeResult:
    title = f"officelab-{uuid.uuid4().hex[:8]}"
    argv = ["lp", "-h", f"{spec.server}:631", "-d", spec.queue, "-U", spec.user, "-t", title]
    sent = f"IPP Print-Job to queue {spec.queue} on {spec.server} as {spec.user} (job {title})"
    result = place.run(argv, timeout=spec.timeout, input="OfficeLab test page\n")
    out = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        if "Not allowed" in out or "not-authorized" in out or "Forbidden" in out:
            return ProbeResult(
                False, Layer.APPLICATION, f"the print server refuses jobs from {spec.user} on {spec.queue}", sent, out[-200:]
            )
        if "Unable to connect" in out or "No route" in out:
            return ProbeResult(False, Layer.TRANSPORT, f"no print server answers at {spec.server}:631", sent, out[-200:])
        if "does not exist" in out or "not-found" in out:
            return ProbeResult(False, Layer.APPLICATION, f"no queue {spec.queue} on {spec.server}", sent, out[-200:])
        return ProbeResult(
            False, Layer.APPLICATION, f"the job was refused: {out.splitlines()[-1] if out else result.returncode}", sent, out[-200:]
        )
    accepted = out.splitlines()[0] if out else "accepted"
    # A workstation may not be allowed to reach the printers' VLAN (only the print server is): ask the printer
    # from where the design says it is reachable.
    watcher = place.neighbour(spec.printer_seen_from) if spec.printer_seen_from else place
    deadline = time.monotonic() + spec.timeout
    while True:
        if f"job-name (nameWithoutLanguage) = {title}" in _completed_jobs(watcher, spec.printer, 3):
            return ProbeResult(
                True,
                Layer.APPLICATION,
                f"{spec.user}'s job went through {spec.queue} and was printed",
                sent,
                f"{accepted}; the printer lists {title} as completed",
            )
        if time.monotonic() > deadline:
            return ProbeResult(
                False,
                Layer.APPLICATION,
                f"the queue accepted the job but the printer never received it within "
                f"{spec.timeout:.0f} s (printer unreachable from the print server?)",
                sent,
                accepted,
            )
        time.sleep(POLL)  # a job takes a fraction of a second through the filters; poll the printer's job list

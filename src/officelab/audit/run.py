"""Run the audit on a lab: each rule's probes on the lab's nodes (`NodePlace`), the findings gathered."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field

from officelab.audit.checks import run_rules
from officelab.audit.context import Audit
from officelab.audit.model import AuditResult
from officelab.core.errors import OfficeLabError
from officelab.core.probe import ProbeSpecBase
from officelab.probes import ProbeResult, run_probe
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace


@dataclass
class LabProber:
    """Probes and commands on a running lab's nodes."""

    lab: Lab
    places: dict[str, NodePlace] = field(default_factory=dict)

    def place(self, node: str) -> NodePlace:
        if node not in self.places:
            self.places[node] = NodePlace(node, self.lab.context(node))
        return self.places[node]

    def probe(self, node: str, spec: ProbeSpecBase) -> ProbeResult:
        return run_probe(spec, self.place(node))

    def run(self, node: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
        return self.place(node).run(argv, timeout=10)


def audit_lab(lab: Lab) -> AuditResult:
    """The security hygiene audit of a running lab."""
    if not lab.is_up():
        raise OfficeLabError(f"lab {lab.name} is not up: run `officelab up --lab {lab.name}`")
    site = lab.site()
    started, start = time.time(), time.monotonic()
    audit = Audit(site, LabProber(lab))
    run_rules(audit)
    return AuditResult(
        site=site.name,
        lab=lab.name,
        started=started,
        findings=audit.findings,
        unprobed=audit.unprobed,
        probes=audit.probes,
        duration=time.monotonic() - start,
    )

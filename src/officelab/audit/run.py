"""Run the audit on a lab: each rule's probes on the lab's nodes (`NodePlace`), the findings gathered."""

from __future__ import annotations

import time

from officelab.audit.checks import run_rules
from officelab.audit.context import Audit
from officelab.audit.model import AuditResult
from officelab.core.errors import OfficeLabError
from officelab.runtime.lab import Lab
from officelab.runtime.place import LabProber


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

"""Backups' checks: each job's latest snapshot restores byte for byte, on the file server."""

from __future__ import annotations

from officelab.domains.network.checks import ip_checks
from officelab.domains.network.model import CommandProbe
from tests.domains.derived import alone, assert_sound, derivation, without


def test_backup_checks_are_sound() -> None:
    assert_sound("backup", "cabinet-martin", uses=("network",), groups={"backup"})


def test_each_job_is_restored_on_its_source() -> None:
    checks = alone("backup")
    assert set(checks) == {"backup:partages"}
    job = checks["backup:partages"]
    assert job.place == "srv-files" and job.expect and job.group == "backup"
    assert job.depends == ip_checks(derivation("cabinet-martin"), "srv-files") == ("ip:srv-files:eth0", "trunk:sw-core:ge1")
    assert job.criteria == ("TAI-CP4-C2",) and job.deadline == 60
    assert isinstance(job.probe, CommandProbe) and job.probe.argv[-1] == "verify" and job.probe.expect == "identical"


def test_a_site_without_backups_has_no_backup_checks() -> None:
    assert alone("backup", "tpe") == {}
    bare = without("cabinet-martin", ("backups",))
    assert bare.backups == [] and alone("backup", bare) == {}

"""WPA2-Enterprise live, on tests/domains/wireless/enterprise_site.yaml: the laptop logs in as jpetit by
PEAP-MSCHAPv2 through the AP's hostapd to FreeRADIUS on the domain controller, which asks Samba (ntlm_auth); a
wrong password and a disabled account are refused, and each RADIUS fault fails exactly its ground truth, then clears."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.domains.wireless.facts import stations
from officelab.domains.wireless.faults import RadiusSecretMismatch, RadiusServerStopped, WrongPassphrase
from officelab.faults.model import Fault
from officelab.recette.model import Status
from officelab.recette.run import run_on_lab
from officelab.runtime.lab import Lab
from tests.domains.wireless.faulting import failed, fails_its_ground_truth_and_clears
from tests.live.leaks import booted

pytestmark = pytest.mark.live
LAB = "twcorp"
SITE = Path(__file__).with_name("enterprise_site.yaml")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    yield from booted(LAB, SITE)


def test_station_logs_in_through_radius_and_the_directory(lab: Lab) -> None:
    result = run_on_lab(lab)
    assert failed(result) == set(), [(o.check.id, o.cause) for o in result.outcomes if o.status is Status.FAIL]
    ids = {o.check.id for o in result.outcomes if o.status is Status.PASS}
    assert {"wifi:laptop-1", "wifi-login:laptop-1", "wifi-refused:laptop-1", "wifi-disabled:Corp"} <= ids
    (st,) = stations(lab.site())
    status = lab.run(st.node, ["wpa_cli", "-i", st.ifname, "status"]).stdout
    assert "suppPortStatus=Authorized" in status and "EAP-PEAP" in status and "Phase2 method=MSCHAPV2" in status
    assert lab.run(st.node, ["ping", "-c1", "-W2", "10.30.10.1"]).returncode == 0
    # FreeRADIUS's own log: jpetit accepted, stagiaire refused by the domain controller (account disabled).
    log = (lab.dir.node_dir("srv-ad") / "log" / "freeradius.log").read_text()
    assert "Login OK: [jpetit" in log and "Login incorrect" in log and "stagiaire" in log
    assert "currently disabled" in log and "0xc0000072" in log  # NT_STATUS_ACCOUNT_DISABLED, from the DC


@pytest.mark.parametrize(
    "fault",
    [RadiusServerStopped(node="srv-ad"), RadiusSecretMismatch(ssid="Corp"), WrongPassphrase(node="laptop-1")],
    ids=lambda f: f.label(),
)
def test_fault_fails_its_ground_truth_and_clears(lab: Lab, fault: Fault) -> None:
    fails_its_ground_truth_and_clears(lab, fault)

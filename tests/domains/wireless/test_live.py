"""Wi-Fi admission live, on the smallest site with a WPA2-PSK SSID (tests/domains/wireless/wifi_site.yaml): the
station admitted by the real hostapd and let through by the port's nftables set, a stranger's MAC blocked, a
wrong key refused without disturbing the station, and each fault failing exactly its ground truth, then cleared."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.domains.wireless.facts import stations
from officelab.domains.wireless.faults import AuthenticatorStopped, WrongPassphrase
from officelab.faults.model import Fault
from officelab.recette.derive import derive_suite
from officelab.recette.model import Status
from officelab.recette.run import run_on_lab, select
from officelab.runtime.lab import Lab
from tests.domains.wireless.faulting import failed, fails_its_ground_truth_and_clears
from tests.live.leaks import booted

pytestmark = pytest.mark.live
LAB = "twifi"
SITE = Path(__file__).with_name("wifi_site.yaml")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    yield from booted(LAB, SITE)


def test_station_admitted_and_port_enforced(lab: Lab) -> None:
    assert failed(run_on_lab(lab)) == set()
    for st in stations(lab.site()):  # WPA2-PSK (EAP-PSK) and WPA3-SAE (EAP-pwd)
        status = lab.run(st.node, ["wpa_cli", "-i", st.ifname, "status"]).stdout
        assert "suppPortStatus=Authorized" in status and f"EAP-{'PWD' if st.ssid.security == 'wpa3-sae' else 'PSK'}" in status
        assert st.mac in lab.run(st.ap, ["nft", "list", "set", "netdev", "wifi", st.ssid.port.replace("-", "_")]).stdout
        assert lab.run(st.node, ["ping", "-c1", "-W2", "10.20.10.1"]).returncode == 0
    st = stations(lab.site())[0]
    # Another MAC on the same radio port, with an address of the VLAN: dropped by the port, not admitted.
    script = (
        "ip link add stranger link wlan0 address 02:00:5e:00:53:01 type macvlan && ip link set stranger up && "
        "ip addr add 10.20.10.250/24 dev stranger && ip route add 10.20.10.1/32 dev stranger; "
        "ping -c1 -W2 -I stranger 10.20.10.1; rc=$?; ip link del stranger; exit $rc"
    )
    assert lab.run(st.node, ["sh", "-c", script]).returncode != 0


def test_wrong_key_refused_without_disturbing_the_station(lab: Lab) -> None:
    st = stations(lab.site())[0]
    log = lab.dir.node_dir(st.node) / "log" / "wpa_supplicant.log"
    started = len(re.findall("EAP-STARTED", log.read_text()))
    result = run_on_lab(lab, select(derive_suite(lab.site()), ids={f"wifi-refused:{st.node}"}))
    assert result.outcomes and result.outcomes[0].status is Status.PASS, result.outcomes[0].cause
    assert len(re.findall("EAP-STARTED", log.read_text())) == started  # the station's supplicant saw nothing
    assert " wp" not in " " + lab.run(st.node, ["ip", "-br", "link"]).stdout, "the probe's veth is gone"
    assert lab.run(st.node, ["nft", "list", "tables"]).stdout.strip() == "", "and so is its forwarding table"
    assert "suppPortStatus=Authorized" in lab.run(st.node, ["wpa_cli", "-i", st.ifname, "status"]).stdout
    assert lab.run(st.node, ["ping", "-c1", "-W2", "10.20.10.1"]).returncode == 0


@pytest.mark.parametrize(
    "fault",
    [WrongPassphrase(node="tablet-1"), WrongPassphrase(node="laptop-1"), AuthenticatorStopped(ssid="Staff")],
    ids=lambda f: f.label(),
)
def test_fault_fails_its_ground_truth_and_clears(lab: Lab, fault: Fault) -> None:
    fails_its_ground_truth_and_clears(lab, fault)

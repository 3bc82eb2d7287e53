"""The user VPN live, on the smallest site that proves it (site-vpn.yaml: the router/firewall with its OpenVPN
server, a remote worker, a DC, a file server, an admin PC): the remote worker's tunnel comes up at boot with the
pushed DNS, reaches the file share by name and what the policy allows but not the rest, the server refuses a
revoked certificate and a wrong AD password (an LDAP bind to the DC) and accepts a valid one (a real OpenVPN client
each time), and each VPN fault fails exactly
its ground truth, then clears."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.faults import engine
from officelab.faults.model import Fault
from officelab.recette.model import Status, SuiteResult
from officelab.recette.run import run_on_lab
from officelab.runtime.lab import Lab
from officelab.site.loader import load_site
from tests.live.leaks import booted

pytestmark = pytest.mark.live
LAB = "tvpn"
SITE = Path(__file__).with_name("site-vpn.yaml")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    yield from booted(LAB, SITE)


def failed(result: SuiteResult) -> dict[str, str]:
    return {o.check.id: o.cause for o in result.outcomes if o.status is Status.FAIL}


def outcome(result: SuiteResult, check_id: str) -> tuple[Status, str]:
    found = next(o for o in result.outcomes if o.check.id == check_id)
    return found.status, found.cause


def test_tunnel_policy_share_and_revocation(lab: Lab) -> None:
    result = run_on_lab(lab)
    assert failed(result) == {}
    vpn_checks = {o.check.id for o in result.outcomes if o.check.id.startswith("vpn:")}
    assert vpn_checks == {
        "vpn:tunnel:pdurand",
        "vpn:flow:pdurand:servers",
        "vpn:flow:pdurand:mgmt",
        "vpn:share:pdurand",
        "vpn:badpass:pdurand",
        "vpn:accepted:jpetit",
        "vpn:refused:ancien",
    }
    assert outcome(result, "vpn:share:pdurand")[0] is Status.PASS
    status, cause = outcome(result, "vpn:refused:ancien")
    assert status is Status.PASS and "refused" in cause, cause  # the server answered, then refused: not a dead server
    assert "accepted" in outcome(result, "vpn:accepted:jpetit")[1]
    status, cause = outcome(result, "vpn:badpass:pdurand")
    assert status is Status.PASS and "AUTH_FAILED" in cause, cause  # the directory said no, not the certificate
    server_log = (lab.dir.node_dir("fw") / "log" / "openvpn.log").read_text()
    assert "vpn login pdurand: accepted by the directory" in server_log and "vpn login pdurand: refused by the directory" in server_log
    # What the learner reads: the client's tunnel address and pushed DNS, the server's status and log.
    assert "10.8.0." in lab.run("teletravail", ["ip", "-4", "addr", "show", "tun-vpn"]).stdout
    assert "nameserver 10.20.40.5" in lab.run("teletravail", ["cat", "/etc/resolv.conf"]).stdout
    status_file = lab.run("fw", ["cat", "/run/officelab/vpn/openvpn-status.log"]).stdout
    assert "CLIENT_LIST,pdurand," in status_file
    assert "certificate revoked: CN=ancien" in server_log
    # Without the tunnel, the remote worker does not reach the servers (the route is the VPN's).
    routes = lab.run("teletravail", ["ip", "-4", "route", "get", "10.20.40.20"]).stdout
    assert "dev tun-vpn" in routes, routes


def _faults() -> list[Fault]:
    site = load_site(SITE)
    return [cls.candidates(site)[0] for kind, (domain, cls) in engine.catalogue().items() if domain == "vpn"]


@pytest.mark.parametrize("fault", _faults(), ids=lambda f: f.kind)
def test_fault_fails_exactly_its_ground_truth_and_clears(lab: Lab, fault: Fault) -> None:
    entry = engine.inject(lab, fault)
    truth = engine.truth_of(entry)
    assert truth.fails
    try:
        during = failed(run_on_lab(lab))
    finally:
        engine.clear(lab, [entry.id])
    assert sorted(during) == sorted(truth.fails), fault.kind
    assert failed(run_on_lab(lab)) == {}, f"{fault.kind} cleared"

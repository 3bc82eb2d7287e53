"""Building automation and video on the live default site: all derived checks pass, then one fault per part
(broker certificate replaced, broker stopped, camera password changed) fails the right checks with a clear cause."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from officelab.core.deadline import wait_for
from officelab.domains.automation.realise import make_certificates
from officelab.recette.derive import derive_suite
from officelab.recette.model import Status, SuiteResult
from officelab.recette.run import run_on_lab, select
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace
from tests.conftest import cli
from tests.live.leaks import booted

pytestmark = pytest.mark.live
LAB = "tvdi"
GROUPS = ("automation", "video")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    yield from booted(LAB)


def suite(lab: Lab, groups: tuple[str, ...] = GROUPS) -> SuiteResult:
    return run_on_lab(lab, select(derive_suite(lab.site()), groups=groups))


def failed(result: SuiteResult) -> dict[str, str]:
    return {o.check.id: o.cause for o in result.outcomes if o.status is Status.FAIL}


def test_automation_and_video_checks_pass(lab: Lab) -> None:
    result = suite(lab)
    assert failed(result) == {}
    ids = {o.check.id for o in result.outcomes}
    assert {"mqtt:acl:thermostat", "mqtt:rule:chauffage-auto:on", "cam:nvr:cam-entree", "cam:onvif:cam-entree"} <= ids
    assert {"cam:onvif-stream:cam-entree", "cam:onvif-refused:cam-entree"} <= ids, "ONVIF device service, both ways"


def test_controller_applies_its_rule(lab: Lab) -> None:
    log = (lab.dir.node_dir("gtb") / "log" / "controller.log").read_text()
    assert "rule chauffage-auto" in log, "the controller logs its decisions"


def test_broker_certificate_from_another_ca(lab: Lab, tmp_path: Path) -> None:
    pki = lab.dir.node_dir("gtb") / "mosquitto" / "tls"  # the broker's own copy (the CA's key is not on the node)
    originals = {name: (pki / name).read_bytes() for name in ("broker.pem", "broker.key")}
    make_certificates(tmp_path, "10.10.30.5", "gtb")  # a certificate the site's CA never signed
    for name in originals:
        (pki / name).write_bytes((tmp_path / name).read_bytes())
    lab.control("stop", ["gtb/mosquitto"])
    lab.start_daemon("gtb/mosquitto")
    try:
        causes = failed(suite(lab, ("automation",)))
    finally:
        for name, data in originals.items():
            (pki / name).write_bytes(data)
        lab.control("stop", ["gtb/mosquitto"])
        lab.start_daemon("gtb/mosquitto")
    assert set(causes) == {"mqtt:broker"}, causes
    assert "not signed by the site's CA" in causes["mqtt:broker"]


def test_broker_stopped(lab: Lab) -> None:
    lab.stop_daemon("gtb/mosquitto")
    try:
        result = suite(lab, ("automation",))
    finally:
        lab.start_daemon("gtb/mosquitto")
    causes = failed(result)
    assert set(causes) == {"mqtt:broker"} and "no MQTT broker at 10.10.30.5:8883" in causes["mqtt:broker"]
    assert all(o.blocked_by == "mqtt:broker" for o in result.outcomes if o.status is Status.BLOCKED and o.check.group == "automation")


def test_camera_password_changed(lab: Lab) -> None:
    config = lab.dir.node_dir("cam-entree") / "camera.json"
    original = config.read_text()
    config.write_text(json.dumps({**json.loads(original), "password": "Changed-2026"}))
    lab.control("stop", ["cam-entree/camera"])
    lab.start_daemon("cam-entree/camera")
    try:
        causes = failed(suite(lab, ("video",)))
    finally:
        config.write_text(original)
        lab.control("stop", ["cam-entree/camera"])
        lab.start_daemon("cam-entree/camera")
    assert set(causes) == {"cam:rtsp:cam-entree"}, causes
    assert "refused the credentials (RTSP 401)" in causes["cam:rtsp:cam-entree"]


def test_snapshot_command(lab: Lab, tmp_path: Path) -> None:
    picture = tmp_path / "entree.png"
    result = cli("camera", "snapshot", "cam-entree", "-o", str(picture), "--lab", LAB)
    assert result.returncode == 0, result.stderr
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # The camera's name is drawn top left (white text, dark outline) over the test card's white and yellow bars:
    # dark pixels there, none in the same bars lower down.
    def dark_pixels(top: int) -> int:
        crop = ["ffmpeg", "-v", "error", "-i", str(picture), "-vf", f"crop=200:40:20:{top},format=gray", "-f", "rawvideo", "-"]
        return sum(1 for value in subprocess.run(crop, capture_output=True, check=True).stdout if value < 64)

    assert dark_pixels(25) > 100, "no name drawn in the picture"
    assert dark_pixels(200) == 0, "the control area of the test card is not plain bars"
    assert cli("camera", "snapshot", "nosuch", "--lab", LAB).returncode == 2


def active_calls(lab: Lab, node: str) -> int:
    """How many calls the phone's baresip holds, asked on its control port (ctrl_tcp, netstring JSON)."""
    with NodePlace(node, lab.context(node)).inside(), socket.create_connection(("127.0.0.1", 4444), timeout=2) as sock:
        request = json.dumps({"command": "listcalls", "params": "", "token": "t"}).encode()
        sock.sendall(str(len(request)).encode() + b":" + request + b",")
        answer = b""
        while b'"response"' not in answer:
            answer += sock.recv(65536)
    found = re.search(rb"Active calls \((\d+)\)", answer)
    assert found is not None, answer
    return int(found[1])


def idle(lab: Lab, node: str) -> bool:
    return active_calls(lab, node) == 0


def test_telephony_checks_pass(lab: Lab) -> None:
    result = suite(lab, ("telephony",))
    assert failed(result) == {}
    ids = {o.check.id for o in result.outcomes}
    assert {"sip:call:101->102", "sip:call:102->101", "sip:forward:102->100", "sip:refused:101", "sip:voicemail:101->103"} <= ids
    assert {"sip:trunk", "sip:noanswer:102->104", "sip:busy:101->102", "sip:group:102->600", "sip:group:101->601"} <= ids
    assert "sip:out:101->00555123456" in ids
    assert {"sip:in:0555123456->0123456700", "sip:in:0555123456->0123456702"} <= ids
    # every call is over: no phone is left ringing (a lost CANCEL in a ring group once left 104 ringing for ever)
    for node in ("phone-101", "phone-102", "phone-104"):
        assert wait_for(partial(idle, lab, node), 5), f"{node} still has a call"


def test_incoming_call_from_the_operator(lab: Lab) -> None:
    result = cli("call", "0555123456", "0123456700", "--lab", LAB)
    assert result.returncode == 0, result.stderr
    assert "via 0123456700 → 600 → 101" in result.stdout and "101 answered" in result.stdout


def test_trunk_password_wrong(lab: Lab) -> None:
    result = cli("pbx", "trunk", "--password", "Wrong-2026", "--lab", LAB)
    try:
        assert result.returncode == 1 and "refuses the trunk's credentials (403)" in result.stderr, result.stderr
        outcome = suite(lab, ("telephony",))
        causes = failed(outcome)
        call = cli("call", "101", "00555123456", "--lab", LAB)
    finally:
        restored = cli("pbx", "trunk", "--password", "Trunk#Martin2026", "--lab", LAB)
    assert set(causes) == {"sip:trunk"}, causes
    assert "refuses the trunk's credentials" in causes["sip:trunk"]
    blocked = {o.check.id for o in outcome.outcomes if o.status is Status.BLOCKED}
    assert {"sip:out:101->00555123456", "sip:in:0555123456->0123456700"} <= blocked
    assert call.returncode == 1 and "403 Forbidden" in call.stderr, call.stderr
    assert restored.returncode == 0 and "registered at the operator" in restored.stdout, restored.stderr


def test_test_call_and_live_pbx_changes(lab: Lab, tmp_path: Path) -> None:
    result = cli("call", "101", "102", "--lab", LAB)
    assert result.returncode == 0 and "both sides heard each other" in result.stdout, result.stderr
    backup = tmp_path / "pbx.json"
    assert cli("pbx", "backup", str(backup), "--lab", LAB).returncode == 0
    assert cli("pbx", "forward", "104", "102", "--when", "no-answer", "--lab", LAB).returncode == 0
    assert "102" in cli("pbx", "show", "--lab", LAB).stdout.split("104", 1)[1].splitlines()[0]
    result = cli("call", "101", "104", "--lab", LAB)  # nobody answers 104: the live no-answer forward takes it to 102
    assert result.returncode == 0 and "via 104 → 102" in result.stdout and "102 answered" in result.stdout, result.stderr
    assert cli("pbx", "forward", "102", "101", "--lab", LAB).returncode == 0
    result = cli("call", "101", "102", "--lab", LAB)
    assert result.returncode == 2 and "leads back to 101" in result.stderr, "the live forward is followed"
    assert cli("pbx", "restore", str(backup), "--lab", LAB).returncode == 0
    assert "102" in cli("pbx", "show", "--lab", LAB).stdout
    result = cli("call", "101", "102", "--lab", LAB)
    assert result.returncode == 0 and "(via" not in result.stdout, "the backup brought the configuration back"


def test_pbx_stopped(lab: Lab) -> None:
    lab.stop_daemon("srv-ipbx/kamailio")
    try:
        result = suite(lab, ("telephony",))
    finally:
        lab.start_daemon("srv-ipbx/kamailio")
    causes = failed(result)
    assert set(causes) == {"sip:register:101", "sip:register:102", "sip:register:104", "sip:trunk"}, causes
    assert all("no SIP answer from 10.10.20.10:5060" in c for k, c in causes.items() if k != "sip:trunk")
    assert "is Kamailio running?" in causes["sip:trunk"]
    assert {o.check.id for o in result.outcomes if o.status is Status.BLOCKED} >= {
        "sip:call:101->102",
        "sip:forward:102->100",
        "sip:voicemail:101->103",
    }


def test_phone_in_the_wrong_vlan(lab: Lab) -> None:
    # phone-102 (sw-floor:ge18): phone-101 is the one the VLAN's DHCP check runs from.
    lab.set_port_vlan("sw-floor:ge18", "users")
    try:
        result = suite(lab, ("telephony",))
    finally:
        lab.set_port_vlan("sw-floor:ge18", "voice")
    causes = failed(result)
    assert set(causes) == {"ip:phone-102:eth0"}, causes
    assert "wrong VLAN" in causes["ip:phone-102:eth0"]
    assert "sip:call:101->102" in {o.check.id for o in result.outcomes if o.status is Status.BLOCKED}

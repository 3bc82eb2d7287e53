"""Building automation: a mosquitto broker (passwords, per-device ACLs, TLS with the site's own CA), devices that
speak MQTT from their nodes, and a controller that applies the site's rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from officelab.core.errors import LabError
from officelab.domains.automation.facts import CA_ON_NODE, acl, broker_address, port
from officelab.runtime.plan import DaemonPlan, FilePlan, HookPlan, LabPlan, PortListening, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node
from officelab.site.topology import Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab, Progress

render = templates(__name__)


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    site = topo.site
    a = site.automation
    if a is None:
        return
    node_dir = plan.node_dir(node.name)
    common = {"host": broker_address(site), "port": port(site), "tls": a.tls, "ca": str(node_dir / CA_ON_NODE)}
    if node.name == a.broker:
        pki = plan.lab_dir / "pki"
        plan.files.append(
            FilePlan(node.name, "mosquitto/mosquitto.conf", render("mosquitto.conf.j2", node=node.name, dir=node_dir, pki=pki, tls=a.tls))
        )
        plan.files.append(FilePlan(node.name, "mosquitto/acl", acl(site)))
        plan.daemons.append(
            DaemonPlan(
                "mosquitto",
                node.name,
                ["mosquitto", "-c", str(node_dir / "mosquitto/mosquitto.conf")],
                stage=Stage.SERVERS,
                ready=[PortListening("tcp", port(site))],
            )
        )
        plan.hooks.append(HookPlan(None, prepare_broker, "automation broker keys and passwords"))
    if node.name == a.controller:
        config = {
            **common,
            "username": "controller",
            "password": a.controller_password,
            "devices": [{"name": d.name, "topic": a.topic(site.name, d)} for d in a.devices],
            "rules": [r.model_dump(mode="json") for r in a.rules],
        }
        plan.files.append(FilePlan(node.name, "automation/controller.json", json.dumps(config, indent=1), mode=0o600))
        plan.daemons.append(
            DaemonPlan(
                "controller",
                node.name,
                [sys.executable, "-m", "officelab.devices.automation_controller", str(node_dir / "automation/controller.json")],
                stage=Stage.MEMBERS,
            )
        )
    for device in (d for d in a.devices if d.node == node.name):
        config = {**common, "username": device.name, "password": device.password, "type": device.type, "topic": a.topic(site.name, device)}
        plan.files.append(FilePlan(node.name, f"automation/{device.name}.json", json.dumps(config, indent=1), mode=0o600))
        plan.daemons.append(
            DaemonPlan(
                device.name,
                node.name,
                [sys.executable, "-m", "officelab.devices.mqtt_device", str(node_dir / f"automation/{device.name}.json")],
                stage=Stage.MEMBERS,
            )
        )


def _openssl(args: list[str]) -> None:
    result = subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LabError(f"openssl {args[0]}: {result.stderr.strip()[-300:]}")


def make_certificates(pki: Path, broker_ip: str, broker_name: str) -> None:
    """A CA of the site and the broker's certificate (EC P-256), with the broker's address and name in its SAN."""
    pki.mkdir(parents=True, exist_ok=True)
    _openssl(
        [
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "3650",
            "-subj",
            "/CN=OfficeLab site CA",
            "-keyout",
            str(pki / "ca.key"),
            "-out",
            str(pki / "ca.pem"),
        ]
    )
    _openssl(
        [
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-subj",
            f"/CN={broker_name}",
            "-keyout",
            str(pki / "broker.key"),
            "-out",
            str(pki / "broker.csr"),
        ]
    )
    (pki / "san.cnf").write_text(f"subjectAltName=IP:{broker_ip},DNS:{broker_name}\n")
    _openssl(
        [
            "x509",
            "-req",
            "-in",
            str(pki / "broker.csr"),
            "-CA",
            str(pki / "ca.pem"),
            "-CAkey",
            str(pki / "ca.key"),
            "-CAcreateserial",
            "-days",
            "825",
            "-extfile",
            str(pki / "san.cnf"),
            "-out",
            str(pki / "broker.pem"),
        ]
    )


def prepare_broker(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    site = plan.site
    a = site.automation
    assert a is not None
    pki = plan.lab_dir / "pki"
    if not (pki / "broker.pem").exists():
        make_certificates(pki, broker_address(site), a.broker)
    ca = (pki / "ca.pem").read_text()
    for node in plan.nodes:  # every node trusts the site's CA (devices, controller, and probes run from anywhere)
        target = plan.node_dir(node.name) / CA_ON_NODE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(ca)
    passwd = plan.node_dir(a.broker) / "mosquitto" / "passwd"
    passwd.write_text("")
    for user, password in [("controller", a.controller_password), *((d.name, d.password) for d in a.devices)]:
        result = subprocess.run(["mosquitto_passwd", "-b", str(passwd), user, password], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise LabError(f"mosquitto_passwd {user}: {result.stderr.strip()}")

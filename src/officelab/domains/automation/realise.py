"""Building automation: a mosquitto broker (passwords, per-device ACLs, TLS with the site's own CA), devices that
speak MQTT from their nodes, and a controller that applies the site's rules."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from officelab.domains.automation.facts import CA_ON_NODE, acl, broker_address, port
from officelab.runtime.pki import issue, san_line
from officelab.runtime.plan import DaemonPlan, FilePlan, HookPlan, LabPlan, PortListening, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node, Site
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
        pki = node_dir / "mosquitto" / "tls"  # the broker's own copy: the CA key stays in the lab's state
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


def broker_names(site: Site) -> list[str]:
    """The names a client may use for the broker, most specific first: its name in the site's DNS domain (what the
    lab's DNS answers for it), in the AD domain when it is a member (what the DC's DNS answers), the site's own
    aliases of it (CNAME records, or A records of its address), and its short name."""
    a = site.automation
    assert a is not None
    domain, address = site.site.domain, broker_address(site)
    names = [f"{a.broker}.{domain}"]
    d = site.directory
    if d is not None and (a.broker == d.controller or a.broker in d.computers):
        names.append(f"{a.broker}.{d.domain}")
    for node in site.nodes:
        dns = node.services.dns
        for record in dns.records if dns is not None and not node.kind.on_internet else []:
            target = record.value.rstrip(".")
            if (record.type == "CNAME" and target in (a.broker, names[0])) or (record.type == "A" and target == address):
                names.append(domain if record.name == "@" else f"{record.name}.{domain}")
    names.append(a.broker)
    return list(dict.fromkeys(names))


def make_certificates(pki: Path, broker_ip: str, broker_name: str, fqdns: Sequence[str] = ()) -> None:
    """The broker's certificate (EC P-256) from the CA of ``pki`` (the lab's, made if it is not there yet), its
    subjectAltName naming every way a client may reach it: each of ``fqdns`` (the first is also its CN),
    ``broker_name`` and ``broker_ip``. A client that checks the broker's name (as TLS clients must) then accepts it by
    the name DNS gives it as well as by its address."""
    names = list(dict.fromkeys([*fqdns, broker_name]))
    (pki / "san.cnf").parent.mkdir(parents=True, exist_ok=True)
    (pki / "san.cnf").write_text(san_line(broker_ip, names))
    issue(pki, "broker", names[0], san_line(broker_ip, names))


def prepare_broker(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    site = plan.site
    a = site.automation
    assert a is not None
    pki = plan.lab_dir / "pki"
    names = broker_names(site)
    san = pki / "san.cnf"
    # A lab dir kept from an earlier `up` may hold a certificate for other names: make it again when they differ.
    if not (pki / "broker.pem").exists() or not san.exists() or san.read_text() != san_line(broker_address(site), names):
        make_certificates(pki, broker_address(site), a.broker, names)
    ca = (pki / "ca.pem").read_text()
    tls = plan.node_dir(a.broker) / "mosquitto" / "tls"  # what the broker node may see (not the CA's key)
    tls.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in ("ca.pem", "broker.pem", "broker.key"):
        (tls / name).write_bytes((pki / name).read_bytes())
        (tls / name).chmod(0o600)
    for node in plan.nodes:  # every node trusts the site's CA (devices, controller, and probes run from anywhere)
        target = plan.node_dir(node.name) / CA_ON_NODE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(ca)
    passwd = plan.node_dir(a.broker) / "mosquitto" / "passwd"
    users = [("controller", a.controller_password), *((d.name, d.password) for d in a.devices)]
    passwd.write_text("".join(f"{user}:{password_hash(password)}\n" for user, password in users))
    passwd.chmod(0o600)


def password_hash(password: str, salt: bytes | None = None) -> str:
    """A mosquitto password file entry's hash (``$7$``: PBKDF2-SHA512, 101 iterations, as `mosquitto_passwd` writes
    it), made here so that no password is ever on a command line."""
    salt = salt if salt is not None else os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 101)
    return f"$7$101${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"

"""Faults of building automation: the broker's ACL opened to a device, a device with a wrong password, the
broker stopped."""

from __future__ import annotations

import json
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.domains.automation.facts import broker_address
from officelab.domains.automation.realise import broker_names, make_certificates
from officelab.faults import truth as t
from officelab.faults.mechanisms import DaemonStopped, edit_file, reload, restart, restore_file
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TRI-CT", "TAI-CP11", "TRI-CP7", "TAI-CP4")


def _devices(site: Site) -> dict[str, str]:
    """Device name → its node."""
    return {d.name: d.node for d in site.automation.devices} if site.automation else {}


def _broker(site: Site) -> str:
    assert site.automation is not None
    return site.automation.broker


class _DeviceFault(Fault):
    kept_in_state: ClassVar[bool] = True
    evidence: ClassVar[str]

    device: str = Field(description="an automation device (thermostat)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(device=d) for d in _devices(site) if t.ids(site, f"{cls.evidence}:{d}")]

    def problems(self, site: Site) -> list[str]:
        devices = _devices(site)
        return [] if self.device in devices else [f"{self.device} is not a device of the site ({', '.join(devices) or 'none'})"]


class AclOpened(_DeviceFault):
    kind: ClassVar[str] = "mqtt-acl-opened"
    title_fr: ClassVar[str] = "ACL du broker MQTT trop ouverte"
    title_en: ClassVar[str] = "MQTT broker ACL opened"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    evidence: ClassVar[str] = "mqtt:acl"

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = f"mqtt:acl:{self.device}"
        return t.place_of(site, check), check, self.device

    def truth(self, site: Site) -> GroundTruth:
        broker = _broker(site)
        return GroundTruth(
            f"l'ACL du broker ({broker}) permet à {self.device} d'écrire sur tous les sujets",
            f"the broker's ACL ({broker}) lets {self.device} write every topic",
            f"{broker}: mosquitto acl, user {self.device}",
            f"limiter {self.device} à ses propres sujets dans l'ACL",
            f"restrict {self.device} to its own topics in the ACL",
            t.ids(site, f"mqtt:acl:{self.device}"),
        )

    def inject(self, lab: Lab) -> Undo:
        broker = _broker(lab.site())
        undo = edit_file(lab, broker, "mosquitto/acl", f"user {self.device}\n", f"user {self.device}\ntopic readwrite #\n")
        reload(lab, f"{broker}/mosquitto")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        reload(lab, f"{undo['node']}/mosquitto")


class DeviceWrongPassword(_DeviceFault):
    kind: ClassVar[str] = "device-wrong-password"
    title_fr: ClassVar[str] = "Objet connecté avec un mauvais mot de passe"
    title_en: ClassVar[str] = "Device with a wrong password"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    evidence: ClassVar[str] = "mqtt:data"

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return t.place_of(site, f"mqtt:data:{self.device}"), f"mqtt:{self.device}", self.device

    def truth(self, site: Site) -> GroundTruth:
        node = _devices(site)[self.device]
        data = f"mqtt:data:{self.device}"
        # The broker keeps the device's last (retained) state; its availability topic says it is offline, which
        # the data check reads too. What needs its data is blocked under it.
        uses = tuple(c.id for c in t.checks(site) if c.id.startswith(("mqtt:rule:", "mqtt:command:")) and data in c.all_depends())
        return GroundTruth(
            f"{self.device} ({node}) se connecte au broker avec un mauvais mot de passe : il est refusé",
            f"{self.device} ({node}) connects to the broker with a wrong password: it is refused",
            f"{node}: MQTT credentials of {self.device}",
            f"corriger le mot de passe MQTT de {self.device}",
            f"correct {self.device}'s MQTT password",
            t.ids(site, data),
            uses,
        )

    def inject(self, lab: Lab) -> Undo:
        node = _devices(lab.site())[self.device]
        relative = f"automation/{self.device}.json"
        config = json.loads((lab.dir.node_dir(node) / relative).read_text())
        old = f'"password": {json.dumps(config["password"])}'
        undo = edit_file(lab, node, relative, old, f'"password": {json.dumps("Faux" + secrets.token_hex(4))}')
        restart(lab, f"{node}/{self.device}")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        restart(lab, f"{undo['node']}/{self.device}")


class BrokerStopped(DaemonStopped):
    kind: ClassVar[str] = "mqtt-broker-stopped"
    title_fr: ClassVar[str] = "Broker MQTT arrêté"
    title_en: ClassVar[str] = "MQTT broker stopped"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    daemon_name: ClassVar[str] = "MQTT broker"

    @classmethod
    def target(cls, site: Site) -> str | None:
        return f"{site.automation.broker}/mosquitto" if site.automation else None

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return t.place_of(site, "mqtt:broker"), "mqtt:broker", _broker(site)

    def truth(self, site: Site) -> GroundTruth:
        broker = _broker(site)
        return GroundTruth(
            f"le broker MQTT (mosquitto sur {broker}) est arrêté",
            f"the MQTT broker (mosquitto on {broker}) is stopped",
            f"{broker}/mosquitto",
            f"redémarrer mosquitto sur {broker}",
            f"start mosquitto on {broker} again",
            t.ids(site, "mqtt:broker"),
        )


CERTIFICATE = ("broker.pem", "broker.key")


class BrokerCertificateOtherCa(Fault):
    """The broker's certificate replaced by one that another CA signed (a certificate renewed from the wrong
    authority), then the broker restarted: the clients, which trust only the site's CA, refuse the TLS session."""

    kind: ClassVar[str] = "broker-certificate-other-ca"
    title_fr: ClassVar[str] = "Certificat du broker signé par une autre autorité"
    title_en: ClassVar[str] = "Broker certificate from another CA"
    layer: ClassVar[Layer] = Layer.TRANSPORT
    difficulty: ClassVar[int] = 3
    competencies: ClassVar[tuple[str, ...]] = (*SKILLS, "TRI-CP4")
    kept_in_state: ClassVar[bool] = True

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls()] if site.automation is not None and site.automation.tls else []

    def problems(self, site: Site) -> list[str]:
        return [] if self.candidates(site) else ["this site has no MQTT broker over TLS"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return t.place_of(site, "mqtt:broker"), "mqtt:broker", "site's CA"

    def truth(self, site: Site) -> GroundTruth:
        broker = _broker(site)
        return GroundTruth(
            f"le certificat du broker MQTT ({broker}) est signé par une autre autorité que celle du site : TLS refusé",
            f"the MQTT broker's certificate ({broker}) is signed by another CA than the site's: TLS refused",
            f"{broker}: mosquitto certificate",
            "réinstaller un certificat du broker signé par l'autorité du site, puis redémarrer mosquitto",
            "install a broker certificate signed by the site's CA again, then restart mosquitto",
            t.ids(site, "mqtt:broker"),
        )

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        broker = _broker(site)
        tls = lab.dir.node_dir(broker) / "mosquitto" / "tls"
        with tempfile.TemporaryDirectory() as other:
            make_certificates(Path(other), broker_address(site), broker, broker_names(site))
            for name in CERTIFICATE:
                (tls / name).write_bytes((Path(other) / name).read_bytes())
        restart(lab, f"{broker}/mosquitto")
        return {"node": broker}

    def clear(self, lab: Lab, undo: Undo) -> None:
        # The site's certificate is still in the lab's PKI, where `up` made it (the node never sees the CA key).
        tls, pki = lab.dir.node_dir(undo["node"]) / "mosquitto" / "tls", lab.dir.path / "pki"
        for name in CERTIFICATE:
            (tls / name).write_bytes((pki / name).read_bytes())
        restart(lab, f"{undo['node']}/mosquitto")


def catalogue() -> tuple[type[Fault], ...]:
    return (AclOpened, DeviceWrongPassword, BrokerStopped, BrokerCertificateOtherCa)

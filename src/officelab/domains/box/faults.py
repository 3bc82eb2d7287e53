"""Faults of the internet box, made as a user would on its page: a setting changed in the box's settings file,
then the admin daemon restarted, which makes the live box what the settings say (nftables, dnsmasq). A port
forward sent to the wrong device, remote administration turned on, the DHCP range moved away from the plan, the
password reset to the factory one."""

from __future__ import annotations

import json
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from officelab.core.errors import OfficeLabError
from officelab.domains.box.facts import SETTINGS, boxes
from officelab.faults import truth as t
from officelab.faults.mechanisms import restart
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TAI-CP7", "TRI-CT")


class _SettingChanged(Fault):
    """A change of the box's settings file, applied by restarting its admin daemon (as saving on its page does)."""

    kept_in_state: ClassVar[bool] = True
    checks: ClassVar[tuple[str, ...]]
    box: str = Field(default="", description="the box (default: the site's only one)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(box=node.name) for node, _, _ in boxes(t.topology(site)) if cls(box=node.name).problems(site) == []]

    def node(self, site: Site) -> str:
        found = [n.name for n, _, _ in boxes(t.topology(site))]
        return self.box or (found[0] if found else "")

    def problems(self, site: Site) -> list[str]:
        found = [n.name for n, _, _ in boxes(t.topology(site))]
        if self.node(site) not in found:
            return [f"no internet box {self.box!r} on the site (boxes: {', '.join(found) or 'none'})"]
        missing = [c for c in self.fails(site) if not t.ids(site, c)]
        return [f"the recette has no check {', '.join(missing)} for this fault"] if missing else []

    def fails(self, site: Site) -> tuple[str, ...]:
        return tuple(c.format(box=self.node(site)) for c in self.checks)

    def change(self, site: Site, settings: dict[str, Any]) -> None:
        raise NotImplementedError

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        node = self.node(site)
        path = lab.dir.node_dir(node) / SETTINGS
        old = path.read_text()
        settings = json.loads(old)
        self.change(site, settings)
        path.write_text(json.dumps(settings, indent=2) + "\n")
        restart(lab, f"{node}/box-admin")
        return {"node": node, "settings": old}

    def clear(self, lab: Lab, undo: Undo) -> None:
        (lab.dir.node_dir(undo["node"]) / SETTINGS).write_text(undo["settings"])
        restart(lab, f"{undo['node']}/box-admin")

    def truth(self, site: Site) -> GroundTruth:
        node = self.node(site)
        fr, en, fix_fr, fix_en = self.words(site)
        return GroundTruth(fr, en, f"{node}: page d'administration", fix_fr, fix_en, t.ids(site, *self.fails(site)))

    def words(self, site: Site) -> tuple[str, str, str, str]:
        raise NotImplementedError


class ForwardWrongHost(_SettingChanged):
    """A port forward of the box sent to another address of the LAN (a device that was replaced, a typo)."""

    kind: ClassVar[str] = "box-forward-wrong-host"
    title_fr: ClassVar[str] = "Redirection de la box vers le mauvais appareil"
    title_en: ClassVar[str] = "Box port forward to the wrong device"
    layer: ClassVar[Layer] = Layer.NETWORK
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    name: str = Field(default="", description="the port forward (default: the box's first planned one)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        found = [cls(box=n.name, name=f.name) for n, b, _ in boxes(t.topology(site)) for f in b.forwards]
        return [f for f in found if f.problems(site) == []]

    def forward(self, site: Site) -> str:
        planned = [f.name for n, b, _ in boxes(t.topology(site)) if n.name == self.node(site) for f in b.forwards]
        return self.name or (planned[0] if planned else "")

    def fails(self, site: Site) -> tuple[str, ...]:
        return (f"forward:{self.forward(site)}",)

    def change(self, site: Site, settings: dict[str, Any]) -> None:
        fwd = next((f for f in settings["forwards"] if f["name"] == self.forward(site)), None)
        if fwd is None:
            raise OfficeLabError(f"the box has no port forward {self.forward(site)!r} in its settings (changed on its page?)")
        fwd["to"] = str(IPv4Address(fwd["to"]) + 100)

    def words(self, site: Site) -> tuple[str, str, str, str]:
        name = self.forward(site)
        return (
            f"la redirection {name} de la box envoie vers une autre adresse du LAN",
            f"the box's port forward {name} sends to another LAN address",
            f"remettre l'adresse de l'appareil prévu dans la redirection {name} (page Redirections de ports)",
            f"put the planned device's address back in forward {name} (port forwarding page)",
        )


class RemoteAdmin(_SettingChanged):
    """Remote administration turned on: the admin page answers on the WAN address, the firewall lets it in."""

    kind: ClassVar[str] = "box-remote-admin"
    title_fr: ClassVar[str] = "Administration à distance de la box ouverte"
    title_en: ClassVar[str] = "Box remote administration open"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    checks: ClassVar[tuple[str, ...]] = ("box:wan:{box}",)

    def change(self, site: Site, settings: dict[str, Any]) -> None:
        settings["remote_admin"] = True

    def words(self, site: Site) -> tuple[str, str, str, str]:
        return (
            "l'administration à distance est ouverte : la page de la box répond depuis internet",
            "remote administration is on: the box's page answers from the internet",
            "fermer l'administration à distance de la box",
            "turn the box's remote administration off",
        )


class DhcpRangeMoved(_SettingChanged):
    """The DHCP range moved to the top of the LAN, away from the plan: new devices get unplanned addresses."""

    kind: ClassVar[str] = "box-dhcp-range-moved"
    title_fr: ClassVar[str] = "Plage DHCP de la box modifiée"
    title_en: ClassVar[str] = "Box DHCP range changed"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    checks: ClassVar[tuple[str, ...]] = ("box:dhcp:{box}",)

    def change(self, site: Site, settings: dict[str, Any]) -> None:
        s = next(s for n, _, s in boxes(t.topology(site)) if n.name == self.node(site))
        top = int(s.vlan.subnet.broadcast_address)
        settings["dhcp_start"], settings["dhcp_end"] = str(IPv4Address(top - 40)), str(IPv4Address(top - 10))

    def words(self, site: Site) -> tuple[str, str, str, str]:
        return (
            "la plage DHCP de la box a été déplacée hors du plan d'adressage",
            "the box's DHCP range was moved out of the addressing plan",
            "remettre la plage DHCP prévue (page DHCP)",
            "put the planned DHCP range back (DHCP page)",
        )


class FactoryPassword(_SettingChanged):
    """The box's admin password back to the factory one (a reset)."""

    kind: ClassVar[str] = "box-factory-password"
    title_fr: ClassVar[str] = "Mot de passe d'usine de la box"
    title_en: ClassVar[str] = "Box back to its factory password"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    checks: ClassVar[tuple[str, ...]] = ("box:factory:{box}", "box:login:{box}")

    def change(self, site: Site, settings: dict[str, Any]) -> None:
        from officelab.devices.box.settings import hash_password  # the daemon's own hash, so its login accepts it

        node = next(b for n, b, _ in boxes(t.topology(site)) if n.name == self.node(site))
        settings["password"] = hash_password(node.factory_password)

    def words(self, site: Site) -> tuple[str, str, str, str]:
        return (
            "la box accepte encore son mot de passe d'usine",
            "the box still accepts its factory password",
            "changer le mot de passe administrateur (page Mot de passe)",
            "change the admin password (password page)",
        )


def catalogue() -> tuple[type[Fault], ...]:
    return (ForwardWrongHost, RemoteAdmin, DhcpRangeMoved, FactoryPassword)

"""Faults of the DNS service: a record wrong or missing, a wrong forwarder, and the DNS and DHCP server stopped."""

from __future__ import annotations

import json
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.domains.network.faults.cabling import TROUBLESHOOT
from officelab.domains.network.faults.dhcp import DnsmasqEdit, dnsmasq_node, scopes
from officelab.faults import truth as t
from officelab.faults.mechanisms import DaemonStopped, edit_file, reload, restore_file
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab


def _records(site: Site) -> list[str]:
    """Names with a record in the site's DNS that a check resolves (`dnsrec:NAME`)."""
    return [c.id.split(":", 1)[1] for c in t.checks(site) if c.id.startswith("dnsrec:") and "." not in c.id.split(":", 1)[1]]


class _RecordFault(Fault):
    kept_in_state: ClassVar[bool] = True
    name: str = Field(description="a host name of the site's DNS (srv-files)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(name=n) for n in _records(site)] if dnsmasq_node(site) else []

    def problems(self, site: Site) -> list[str]:
        names = _records(site)
        return [] if self.name in names else [f"{self.name} has no record the recette resolves ({', '.join(names[:6])}…)"]

    def address(self, site: Site) -> str:
        node = site.node(self.name)
        from officelab.site.topology import fixed_address

        return str(fixed_address(node, reserved=True) or (node.management.address.ip if node.management else ""))

    def edit(self, lab: Lab, new: str) -> Undo:
        site = lab.site()
        node = dnsmasq_node(site)
        assert node is not None
        old = f"{self.address(site)}\t{self.name}.{site.site.domain} {self.name}\n"
        undo = edit_file(lab, node, "hosts.site", old, new)
        reload(lab, f"{node}/dnsmasq")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        reload(lab, f"{undo['node']}/dnsmasq")

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        node = t.place_of(site, f"dnsrec:{self.name}")
        return (node, self.name, self.name) if node else None

    def record_truth(self, site: Site, what_fr: str, what_en: str) -> GroundTruth:
        node = dnsmasq_node(site)
        # What resolves it, or a CNAME to it (intranet → srv-app), or asks for its address.
        uses = [i for i in t.addressing(site, {self.name}) if i != f"dnsrec:{self.name}"]
        return GroundTruth(
            f"{node} : {what_fr}",
            f"{node}: {what_en}",
            f"{node}: DNS {self.name}.{site.site.domain}",
            f"corriger l'enregistrement A de {self.name} ({self.address(site)})",
            f"correct {self.name}'s A record ({self.address(site)})",
            t.ids(site, f"dnsrec:{self.name}"),
            tuple(uses),
        )


class DnsRecordMissing(_RecordFault):
    kind: ClassVar[str] = "dns-record-missing"
    title_fr: ClassVar[str] = "Enregistrement DNS absent"
    title_en: ClassVar[str] = "DNS record missing"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP5", "TAI-CP7")

    def truth(self, site: Site) -> GroundTruth:
        return self.record_truth(site, f"l'enregistrement A de {self.name} a été supprimé", f"{self.name}'s A record was removed")

    def inject(self, lab: Lab) -> Undo:
        return self.edit(lab, "")


class DnsRecordWrong(_RecordFault):
    kind: ClassVar[str] = "dns-record-wrong"
    title_fr: ClassVar[str] = "Enregistrement DNS erroné"
    title_en: ClassVar[str] = "Wrong DNS record"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP5", "TAI-CP7")

    def wrong(self, site: Site) -> str:
        right = IPv4Address(self.address(site))
        return str(right + 1 if (int(right) & 0xFF) < 250 else right - 1)

    def truth(self, site: Site) -> GroundTruth:
        return self.record_truth(
            site,
            f"{self.name} résout en {self.wrong(site)} au lieu de {self.address(site)}",
            f"{self.name} resolves to {self.wrong(site)} instead of {self.address(site)}",
        )

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        return self.edit(lab, f"{self.wrong(site)}\t{self.name}.{site.site.domain} {self.name}\n")


class DnsDhcpServerStopped(DaemonStopped):
    kind: ClassVar[str] = "dns-dhcp-server-stopped"
    title_fr: ClassVar[str] = "Serveur DNS/DHCP arrêté"
    title_en: ClassVar[str] = "DNS and DHCP server stopped"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP5")
    daemon_name: ClassVar[str] = "DNS/DHCP server (dnsmasq)"

    @classmethod
    def target(cls, site: Site) -> str | None:
        node = dnsmasq_node(site)
        return f"{node}/dnsmasq" if node else None

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        scope = next(iter(scopes(site)), None)
        node = t.place_of(site, f"dhcp:vlan{scope}") if scope else ""
        return (node, t.other_server(site, node), f"VLAN {scope}") if node else None

    def truth(self, site: Site) -> GroundTruth:
        node = dnsmasq_node(site)
        dns = tuple(c.id for c in t.checks(site) if c.id.startswith(("dns:", "dnsrec:", "web:", "ptr:")))
        return GroundTruth(
            f"le service DNS/DHCP (dnsmasq) de {node} est arrêté",
            f"the DNS/DHCP service (dnsmasq) on {node} is stopped",
            f"{node}/dnsmasq",
            f"redémarrer dnsmasq sur {node}",
            f"start dnsmasq on {node} again",
            t.ids(site, *(f"dhcp:vlan{v}" for v in scopes(site))),
            (
                *dns,
                *(
                    c.id
                    for c in t.checks(site)
                    if c.group in ("directory", "shares", "printing", "telephony", "automation", "video", "backup")
                ),
            ),
        )


class DnsForwarderWrong(DnsmasqEdit):
    """The site's DNS server forwards the names it does not own to a wrong upstream resolver (a typo in its
    configuration): the site's own names still resolve, the internet's do not."""

    kind: ClassVar[str] = "dns-forwarder-wrong"
    title_fr: ClassVar[str] = "Redirecteur DNS erroné"
    title_en: ClassVar[str] = "Wrong DNS forwarder"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 3
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP5", "TAI-CP7")

    forwarder: str = Field(default="", description="the wrong upstream resolver (default: the planned one + 1)")

    @staticmethod
    def planned(site: Site) -> str | None:
        node = dnsmasq_node(site)
        dns = site.node(node).services.dns if node else None
        return str(dns.forwarders[0]) if dns is not None and dns.forwarders else None

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls()] if cls.planned(site) else []

    def wrong(self, site: Site) -> str:
        planned = self.planned(site)
        assert planned is not None
        return self.forwarder or str(IPv4Address(planned) + 1)

    def problems(self, site: Site) -> list[str]:
        if self.planned(site) is None:
            return ["the site's DNS server has no forwarder"]
        try:
            IPv4Address(self.wrong(site))
        except ValueError:
            return [f"forwarder must be an IPv4 address, not {self.forwarder!r}"]
        return [] if self.wrong(site) != self.planned(site) else ["that is the planned forwarder"]

    def public_names(self, site: Site) -> tuple[str, ...]:
        """The checks that resolve a name of the internet through the site's DNS."""
        internet = {z.name for n in site.nodes if n.kind.on_internet and n.services.dns for z in n.services.dns.zones}
        return tuple(
            c.id
            for c in t.checks(site)
            if any(f"{k}://" in json.dumps(c.probe.model_dump(mode="json")) for k in ("http", "https"))
            and any(zone in json.dumps(c.probe.model_dump(mode="json")) for zone in internet)
        )

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = next(iter(self.public_names(site)), None)
        return (t.place_of(site, check), check, self.wrong(site)) if check else None

    def truth(self, site: Site) -> GroundTruth:
        node = dnsmasq_node(site)
        return GroundTruth(
            f"le serveur DNS {node} redirige vers {self.wrong(site)} au lieu de {self.planned(site)}",
            f"DNS server {node} forwards to {self.wrong(site)} instead of {self.planned(site)}",
            f"{node}: DNS forwarder {self.wrong(site)}",
            f"remettre le redirecteur {self.planned(site)} (server=) et redémarrer le service",
            f"set the forwarder back to {self.planned(site)} (server=) and restart the service",
            self.public_names(site),
            (),
        )

    def line(self, site: Site) -> tuple[str, str]:
        return f"server={self.planned(site)}\n", f"server={self.wrong(site)}\n"

"""Faults of the DHCP and DNS service: a scope removed, a wrong router or DNS option, a DNS record wrong or missing,
the DNS and DHCP server stopped."""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.faults import truth as t
from officelab.faults.mechanisms import DaemonStopped, edit_file, reload, restart, restore_file
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site
from officelab.site.topology import HostPort, Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

from officelab.domains.network.faults.cabling import TROUBLESHOOT, elsewhere


def _dnsmasq_node(site: Site) -> str | None:
    return next((n.name for n in site.nodes if n.services.dhcp is not None), None) or next(
        (n.name for n in site.nodes if n.services.dns is not None and not n.kind.on_internet), None
    )


def _scopes(site: Site) -> dict[int, str]:
    """VLAN id → the dnsmasq tag of its scope, for the VLANs with DHCP."""
    return {v.id: f"vlan{v.id}" for v in site.vlans if v.dhcp is not None} if _dnsmasq_node(site) else {}


def _dhcp_hosts(site: Site, vid: int) -> list[HostPort]:
    return [hp for hp in Topology(site).hosts if hp.iface.dhcp and hp.vlan is not None and hp.vlan.id == vid]


class _DhcpFault(Fault):
    """A change to one VLAN's DHCP scope in the DHCP server's configuration, then the server restarted (dnsmasq
    reads its scopes at start). The leases already given outlive it; a renewal may not."""

    kept_in_state: ClassVar[bool] = True

    vlan: int = Field(description="the VLAN id of a DHCP scope")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(vlan=v) for v in _scopes(site)]

    def problems(self, site: Site) -> list[str]:
        scopes = _scopes(site)
        return [] if self.vlan in scopes else [f"VLAN {self.vlan} has no DHCP scope (scopes: {', '.join(map(str, scopes)) or 'none'})"]

    def line(self, site: Site) -> tuple[str, str]:
        """The configuration line changed: (as it is, as the fault makes it)."""
        raise NotImplementedError

    def inject(self, lab: Lab) -> Undo:
        node = _dnsmasq_node(lab.site())
        assert node is not None
        old, new = self.line(lab.site())
        undo = edit_file(lab, node, "dnsmasq.conf", old, new)
        restart(lab, f"{node}/dnsmasq")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        restart(lab, f"{undo['node']}/dnsmasq")

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        node = t.place_of(site, f"dhcp:vlan{self.vlan}")
        return (node, t.other_server(site, node), f"VLAN {self.vlan}") if node else None

    def cut(self, site: Site, what_fr: str, what_en: str, fix_fr: str, fix_en: str, where: str) -> GroundTruth:
        hosts = _dhcp_hosts(site, self.vlan)
        names = {h.node.name for h in hosts}
        may = (*(f"ip:{h.node.name}:{h.iface.name}" for h in hosts), *(f"gw:{n}" for n in sorted(names)), *elsewhere(site, names))
        return GroundTruth(what_fr, what_en, where, fix_fr, fix_en, t.ids(site, f"dhcp:vlan{self.vlan}"), tuple(may))


def _scope_lines(site: Site, vid: int, option: str) -> str:
    return f"dhcp-option=tag:vlan{vid},option:{option},"


class DhcpScopeRemoved(_DhcpFault):
    kind: ClassVar[str] = "dhcp-scope-removed"
    title_fr: ClassVar[str] = "Étendue DHCP supprimée"
    title_en: ClassVar[str] = "DHCP scope removed"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP5", "TAI-CP7")

    def line(self, site: Site) -> tuple[str, str]:
        return f"dhcp-range=set:vlan{self.vlan},", f"#dhcp-range=set:vlan{self.vlan},"

    def truth(self, site: Site) -> GroundTruth:
        node = _dnsmasq_node(site)
        return self.cut(
            site,
            f"le serveur DHCP ({node}) n'a plus d'étendue pour le VLAN {self.vlan} : aucun bail n'est donné",
            f"the DHCP server ({node}) has no scope for VLAN {self.vlan} any more: no lease is given",
            f"recréer l'étendue du VLAN {self.vlan} sur {node}",
            f"create VLAN {self.vlan}'s scope again on {node}",
            f"{node}: dhcp-range vlan{self.vlan}",
        )


class DhcpWrongRouter(_DhcpFault):
    kind: ClassVar[str] = "dhcp-wrong-router"
    title_fr: ClassVar[str] = "Option DHCP routeur erronée"
    title_en: ClassVar[str] = "Wrong DHCP router option"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP5")

    option: ClassVar[str] = "router"

    def _vlan(self, site: Site) -> tuple[str, str]:
        vlan = next(v for v in site.vlans if v.id == self.vlan)
        right = str(vlan.gateway)
        wrong = next(str(a) for a in reversed(list(vlan.subnet.hosts())) if str(a) != right)
        return right, wrong

    def line(self, site: Site) -> tuple[str, str]:
        right, wrong = self._vlan(site)
        prefix = _scope_lines(site, self.vlan, self.option)
        return f"{prefix}{right}\n", f"{prefix}{wrong}\n"

    def truth(self, site: Site) -> GroundTruth:
        right, wrong = self._vlan(site)
        node = _dnsmasq_node(site)
        return self.cut(
            site,
            f"le serveur DHCP ({node}) annonce le routeur {wrong} au lieu de {right} dans le VLAN {self.vlan}",
            f"the DHCP server ({node}) hands out router {wrong} instead of {right} in VLAN {self.vlan}",
            f"corriger l'option routeur (3) de l'étendue du VLAN {self.vlan}",
            f"correct the router option (3) of VLAN {self.vlan}'s scope",
            f"{node}: dhcp-option router vlan{self.vlan}",
        )


class DhcpWrongDns(DhcpWrongRouter):
    kind: ClassVar[str] = "dhcp-wrong-dns"
    title_fr: ClassVar[str] = "Option DHCP DNS erronée"
    title_en: ClassVar[str] = "Wrong DHCP DNS option"
    option: ClassVar[str] = "dns-server"

    def line(self, site: Site) -> tuple[str, str]:
        node = _dnsmasq_node(site)
        assert node is not None
        prefix = _scope_lines(site, self.vlan, self.option)
        _, wrong = self._vlan(site)
        return prefix, f"{prefix}{wrong},"  # the wrong server first: clients ask it first

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return None  # the leases given keep the right DNS until they are renewed: nothing to see from a host yet

    def truth(self, site: Site) -> GroundTruth:
        _, wrong = self._vlan(site)
        node = _dnsmasq_node(site)
        return self.cut(
            site,
            f"le serveur DHCP ({node}) annonce le serveur DNS {wrong}, qui n'en est pas un, dans le VLAN {self.vlan}",
            f"the DHCP server ({node}) hands out DNS server {wrong}, which is none, in VLAN {self.vlan}",
            f"corriger l'option serveurs DNS (6) de l'étendue du VLAN {self.vlan}",
            f"correct the DNS servers option (6) of VLAN {self.vlan}'s scope",
            f"{node}: dhcp-option dns-server vlan{self.vlan}",
        )


def _records(site: Site) -> list[str]:
    """Names with a record in the site's DNS that a check resolves (`dnsrec:NAME`)."""
    return [c.id.split(":", 1)[1] for c in t.checks(site) if c.id.startswith("dnsrec:") and "." not in c.id.split(":", 1)[1]]


class _RecordFault(Fault):
    kept_in_state: ClassVar[bool] = True
    name: str = Field(description="a host name of the site's DNS (srv-files)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(name=n) for n in _records(site)] if _dnsmasq_node(site) else []

    def problems(self, site: Site) -> list[str]:
        names = _records(site)
        return [] if self.name in names else [f"{self.name} has no record the recette resolves ({', '.join(names[:6])}…)"]

    def address(self, site: Site) -> str:
        node = site.node(self.name)
        from officelab.site.topology import fixed_address

        return str(fixed_address(node, reserved=True) or (node.management.address.ip if node.management else ""))

    def edit(self, lab: Lab, new: str) -> Undo:
        site = lab.site()
        node = _dnsmasq_node(site)
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
        node = _dnsmasq_node(site)
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
        node = _dnsmasq_node(site)
        return f"{node}/dnsmasq" if node else None

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        scope = next(iter(_scopes(site)), None)
        node = t.place_of(site, f"dhcp:vlan{scope}") if scope else ""
        return (node, t.other_server(site, node), f"VLAN {scope}") if node else None

    def truth(self, site: Site) -> GroundTruth:
        node = _dnsmasq_node(site)
        dns = tuple(c.id for c in t.checks(site) if c.id.startswith(("dns:", "dnsrec:", "web:", "ptr:")))
        return GroundTruth(
            f"le service DNS/DHCP (dnsmasq) de {node} est arrêté",
            f"the DNS/DHCP service (dnsmasq) on {node} is stopped",
            f"{node}/dnsmasq",
            f"redémarrer dnsmasq sur {node}",
            f"start dnsmasq on {node} again",
            t.ids(site, *(f"dhcp:vlan{v}" for v in _scopes(site))),
            (
                *dns,
                *(
                    c.id
                    for c in t.checks(site)
                    if c.group in ("directory", "shares", "printing", "telephony", "automation", "video", "backup")
                ),
            ),
        )

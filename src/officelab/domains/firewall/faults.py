"""Faults of the firewall, made in its live nftables ruleset as an administrator's change would be: a rule or a
zones' policy removed, a forbidden flow opened, the NAT removed, a port forward removed. Each deleted rule is
kept with its position, so that clearing puts it back where it was."""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.domains.firewall.facts import zone_interfaces, zone_of
from officelab.domains.firewall.model import Action, FirewallService
from officelab.faults import truth as t
from officelab.faults.mechanisms import NFT_TABLE as TABLE
from officelab.faults.mechanisms import delete_rules as _delete
from officelab.faults.mechanisms import nft_rules as _rules
from officelab.faults.mechanisms import put_back_rules as _put_back
from officelab.faults.mechanisms import run
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Node, Site
from officelab.site.topology import Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TRI-CT", "TAI-CP11", "TRI-CP4")


def _firewall(site: Site) -> tuple[Node, FirewallService] | None:
    node = next((n for n in site.nodes if n.services.firewall is not None), None)
    return (node, node.services.firewall) if node is not None and node.services.firewall is not None else None


def _set(interfaces: list[str]) -> list[str]:
    return ["{", ", ".join(f'"{i}"' for i in interfaces), "}"]


def _hosts_in(site: Site, zone: str) -> set[str]:
    found = _firewall(site)
    if found is None:
        return set()
    router, fw = found
    topo = Topology(site)
    return {hp.node.name for hp in topo.hosts if zone_of(topo, router, fw, hp.node.name, hp.iface.name) == zone}


def _flows(site: Site, source: str, target: str, expect: bool) -> tuple[str, ...]:
    return tuple(c.id for c in t.checks(site) if c.id.startswith(f"flow:{source}->{target}:") and c.expect is expect)


def _from_zone(site: Site, zone: str) -> tuple[str, ...]:
    """The checks run from the zone's hosts: any of them may cross the changed flow."""
    hosts = _hosts_in(site, zone)
    return tuple(c.id for c in t.checks(site) if any(v.place in hosts for v in c.vantages))


class _RuleRemoved(Fault):
    """A rule deleted from the firewall's live ruleset (found by its comment), put back where it was."""

    chain: ClassVar[str]

    def rule(self, site: Site) -> str:
        """The comment of the rule(s) it deletes, as the ruleset names them."""
        raise NotImplementedError

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        found = _firewall(site)
        assert found is not None
        return _delete(lab, found[0].name, self.chain, self.rule(site))

    def clear(self, lab: Lab, undo: Undo) -> None:
        _put_back(lab, undo)


class PolicyRemoved(_RuleRemoved):
    chain: ClassVar[str] = "forward"

    kind: ClassVar[str] = "firewall-rule-removed"
    title_fr: ClassVar[str] = "Règle de pare-feu supprimée"
    title_en: ClassVar[str] = "Firewall rule removed"
    layer: ClassVar[Layer] = Layer.TRANSPORT
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    source: str = Field(description="the zone the allowed traffic comes from (users)")
    target: str = Field(description="the zone it goes to (servers)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        found = _firewall(site)
        policies = found[1].policies if found else []
        return [cls(source=p.from_, target=p.to) for p in policies if p.action is Action.ACCEPT and _flows(site, p.from_, p.to, True)]

    def problems(self, site: Site) -> list[str]:
        if any(f.source == self.source and f.target == self.target for f in self.candidates(site) if isinstance(f, PolicyRemoved)):
            return []
        return [f"no accepting policy {self.source} -> {self.target} that the recette checks"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        flow = _flows(site, self.source, self.target, True)[0]
        return t.place_of(site, flow), flow, f"policy {self.source} -> {self.target}"

    def truth(self, site: Site) -> GroundTruth:
        found = _firewall(site)
        assert found is not None
        return GroundTruth(
            f"la règle du pare-feu {found[0].name} qui autorise {self.source} → {self.target} a été supprimée",
            f"the rule of firewall {found[0].name} allowing {self.source} → {self.target} was removed",
            f"{found[0].name}: forward {self.source} -> {self.target}",
            f"rétablir la règle {self.source} → {self.target} (accept)",
            f"put the {self.source} → {self.target} rule back (accept)",
            _flows(site, self.source, self.target, True),
            _from_zone(site, self.source),
        )

    def rule(self, site: Site) -> str:
        return f"policy {self.source} -> {self.target}"


class FlowOpened(Fault):
    kind: ClassVar[str] = "firewall-flow-opened"
    title_fr: ClassVar[str] = "Flux interdit ouvert dans le pare-feu"
    title_en: ClassVar[str] = "Forbidden flow opened in the firewall"
    layer: ClassVar[Layer] = Layer.TRANSPORT
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    source: str = Field(description="the zone the forbidden traffic comes from (guests)")
    target: str = Field(description="the zone it must not reach (users)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        found = _firewall(site)
        zones = list(found[1].zones) if found else []
        return [cls(source=a, target=b) for a in zones for b in zones if a != b and _flows(site, a, b, False)]

    def problems(self, site: Site) -> list[str]:
        return (
            []
            if _flows(site, self.source, self.target, False)
            else [f"the recette checks no forbidden flow {self.source} -> {self.target}"]
        )

    def truth(self, site: Site) -> GroundTruth:
        found = _firewall(site)
        assert found is not None
        return GroundTruth(
            f"une règle ajoutée en tête du pare-feu {found[0].name} accepte {self.source} → {self.target}, que la politique interdit",
            f"a rule added on top of firewall {found[0].name} accepts {self.source} → {self.target}, which the policy forbids",
            f"{found[0].name}: forward, first rule",
            f"supprimer la règle qui accepte {self.source} → {self.target}",
            f"remove the rule accepting {self.source} → {self.target}",
            _flows(site, self.source, self.target, False),
        )

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        found = _firewall(site)
        assert found is not None
        router, fw = found
        zones = zone_interfaces(Topology(site), router, fw)
        first = next((h for h, text in _rules(lab, router.name, "forward") if "ct state" not in text), None)
        where = ["insert", "rule", *TABLE, "forward", *(["position", str(first)] if first else [])]
        words = ["iifname", *_set(zones[self.source]), "oifname", *_set(zones[self.target]), "accept", "comment", '"opened by hand"']
        run(lab, router.name, ["nft", *where, *words], "adding the rule")
        return {"node": router.name}

    def clear(self, lab: Lab, undo: Undo) -> None:
        _delete(lab, undo["node"], "forward", "opened by hand")


class NatRemoved(_RuleRemoved):
    chain: ClassVar[str] = "postrouting"

    kind: ClassVar[str] = "nat-removed"
    title_fr: ClassVar[str] = "Traduction d'adresses (NAT) supprimée"
    title_en: ClassVar[str] = "Address translation (NAT) removed"
    layer: ClassVar[Layer] = Layer.NETWORK
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        found = _firewall(site)
        return [cls()] if found and found[1].nat.masquerade and cls._internet_flows(site) else []

    @staticmethod
    def _internet_flows(site: Site) -> tuple[str, ...]:
        found = _firewall(site)
        outs = {m.out for m in found[1].nat.masquerade} if found else set()
        return tuple(c.id for c in t.checks(site) if c.id.startswith("flow:") and c.expect and c.id.split(":")[1].split("->")[1] in outs)

    def problems(self, site: Site) -> list[str]:
        return [] if self.candidates(site) else ["this site's firewall has no NAT that the recette checks"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        flow = self._internet_flows(site)[0]
        return t.place_of(site, flow), flow, "postrouting"

    def truth(self, site: Site) -> GroundTruth:
        found = _firewall(site)
        assert found is not None
        out = found[1].nat.masquerade[0].out
        inside = {h for zone in found[1].zones if zone != out for h in _hosts_in(site, zone)}
        return GroundTruth(
            f"le pare-feu {found[0].name} ne traduit plus les adresses privées vers {out} (masquerade supprimé)",
            f"firewall {found[0].name} no longer translates private addresses towards {out} (masquerade removed)",
            f"{found[0].name}: postrouting NAT to {out}",
            f"rétablir la traduction d'adresses (masquerade) vers {out}",
            f"put the address translation (masquerade) towards {out} back",
            self._internet_flows(site),
            tuple(c.id for c in t.checks(site) if any(v.place in inside for v in c.vantages)),
        )

    def rule(self, site: Site) -> str:
        found = _firewall(site)
        assert found is not None
        return f"NAT to {found[1].nat.masquerade[0].out}"


class PortForwardRemoved(_RuleRemoved):
    chain: ClassVar[str] = "prerouting"

    kind: ClassVar[str] = "port-forward-removed"
    title_fr: ClassVar[str] = "Redirection de port supprimée"
    title_en: ClassVar[str] = "Port forward removed"
    layer: ClassVar[Layer] = Layer.NETWORK
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    name: str = Field(description="a port forward of the site (web-dmz)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        found = _firewall(site)
        forwards = found[1].nat.forwards if found else []
        return [cls(name=f.name) for f in forwards if t.ids(site, f"forward:{f.name}")]

    def problems(self, site: Site) -> list[str]:
        names = [f.name for f in self.candidates(site) if isinstance(f, PortForwardRemoved)]
        return [] if self.name in names else [f"no port forward {self.name} that the recette checks ({', '.join(names) or 'none'})"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = f"forward:{self.name}"
        return t.place_of(site, check), check, f"forward {self.name}"

    def truth(self, site: Site) -> GroundTruth:
        found = _firewall(site)
        assert found is not None
        forward = next(f for f in found[1].nat.forwards if f.name == self.name)
        return GroundTruth(
            f"la redirection {self.name} ({forward.proto}/{forward.port} → {forward.to}) a été supprimée du pare-feu {found[0].name}",
            f"port forward {self.name} ({forward.proto}/{forward.port} → {forward.to}) was removed from firewall {found[0].name}",
            f"{found[0].name}: prerouting forward {self.name}",
            f"rétablir la redirection {self.name}",
            f"put port forward {self.name} back",
            t.ids(site, f"forward:{self.name}"),
        )

    def rule(self, site: Site) -> str:
        return f"forward {self.name}"


class PortForwardElsewhere(PortForwardRemoved):
    """A port forward's rule replaced, where it was, by one that sends the traffic to a wrong address (a typo)."""

    kind: ClassVar[str] = "port-forward-elsewhere"
    title_fr: ClassVar[str] = "Redirection de port vers une mauvaise adresse"
    title_en: ClassVar[str] = "Port forward pointing elsewhere"
    difficulty: ClassVar[int] = 3

    to: str = Field(default="", description="the wrong internal address (default: the planned one + 1)")

    def planned(self, site: Site) -> str:
        found = _firewall(site)
        assert found is not None
        return str(next(f for f in found[1].nat.forwards if f.name == self.name).to)

    def wrong(self, site: Site) -> str:
        return self.to or str(IPv4Address(self.planned(site)) + 1)

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = f"forward:{self.name}"
        return t.place_of(site, check), check, self.wrong(site)

    def truth(self, site: Site) -> GroundTruth:
        found = _firewall(site)
        assert found is not None
        planned, wrong = self.planned(site), self.wrong(site)
        return GroundTruth(
            f"la redirection {self.name} du pare-feu {found[0].name} envoie vers {wrong} au lieu de {planned}",
            f"port forward {self.name} on firewall {found[0].name} sends to {wrong} instead of {planned}",
            f"{found[0].name}: forward {self.name} → {wrong}",
            f"corriger la destination de la redirection {self.name} ({planned})",
            f"correct the destination of port forward {self.name} ({planned})",
            t.ids(site, f"forward:{self.name}"),
        )

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        undo = super().inject(lab)
        wrong = {
            **undo,
            "rules": [{**r, "text": r["text"].replace(f"to {self.planned(site)}", f"to {self.wrong(site)}")} for r in undo["rules"]],
        }
        _put_back(lab, wrong)
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        _delete(lab, undo["node"], undo["chain"], self.rule(lab.site()))
        _put_back(lab, undo)


def catalogue() -> tuple[type[Fault], ...]:
    return (PolicyRemoved, FlowOpened, NatRemoved, PortForwardRemoved, PortForwardElsewhere)

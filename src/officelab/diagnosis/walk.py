"""The bottom-up walk, as a technician is taught it: from the source's cable up to the service, one probe per
step, each compared with the site's design, stopping at the first broken layer and localising the fault there
(this node's interface, this switch port, this trunk, this DHCP answer, this DNS record, this firewall rule, this
service). It looks at the live lab as a technician would: probes from the node, and the switches' and the
firewall's running configuration; never at the faults a trainer injected."""

from __future__ import annotations

import re
import time
from ipaddress import IPv4Address, ip_address
from typing import TYPE_CHECKING

from officelab.core.errors import OfficeLabError
from officelab.core.probe import ProbeSpecBase
from officelab.diagnosis.model import Diagnosis, Step
from officelab.diagnosis.target import Target, node_at, resolve
from officelab.domains.firewall.facts import Flow, decision, nat_address, uplink_zone, zone_of, zone_of_address
from officelab.domains.firewall.model import Action
from officelab.domains.network.facts import uplink_trunks
from officelab.domains.network.model import ArpProbe, DnsProbe, HttpProbe, IpConfigProbe, LinkProbe, PingProbe, TcpProbe
from officelab.probes import Layer, ProbeResult, run_probe
from officelab.runtime.place import NodePlace
from officelab.runtime.ports import port_behaviour
from officelab.site.model import Site, split_endpoint
from officelab.site.topology import HostPort, Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab


class Stop(Exception):
    """The walk found the broken layer."""


class Walk:
    def __init__(self, lab: Lab, source: str, target: Target) -> None:
        self.lab, self.site = lab, lab.site()
        self.topo = Topology(self.site)
        self.target = target
        ports = self.topo.ports_of(self.site.node(source)) if source in {n.name for n in self.site.nodes} else []
        if not ports:
            hosts = ", ".join(sorted({hp.node.name for hp in self.topo.hosts})[:8])
            raise OfficeLabError(f"{source!r} is not a host of the site with a cabled interface (e.g. {hosts}…)")
        self.host: HostPort = ports[0]
        self.source = source
        self.diagnosis = Diagnosis(source, target.text)

    # ------------------------------------------------------------------ helpers
    def probe(self, spec: ProbeSpecBase, node: str | None = None) -> ProbeResult:
        where = node or self.source
        return run_probe(spec, NodePlace(where, self.lab.context(where)))

    def step(self, layer: Layer, fr: str, en: str, ok: bool, evidence: str, probe: str = "") -> bool:
        self.diagnosis.steps.append(Step(layer, fr, en, ok, evidence, probe))
        return ok

    def conclude(self, cause_fr: str, cause_en: str, where: str, fix_fr: str, fix_en: str, *criteria: str) -> None:
        d = self.diagnosis
        d.found, d.cause_fr, d.cause_en, d.where, d.fix_fr, d.fix_en = True, cause_fr, cause_en, where, fix_fr, fix_en
        d.criteria = ("TRI-CT", "TAI-CP11", *criteria)
        raise Stop

    @property
    def ifname(self) -> str:
        return self.host.iface.name

    def cable_end(self) -> str | None:
        endpoint = f"{self.source}:{self.ifname}"
        link = next((lk for lk in self.site.links if endpoint in (lk.a, lk.b)), None)
        return None if link is None else (link.b if link.a == endpoint else link.a)

    # ------------------------------------------------------------------ the layers
    def physical(self) -> None:
        result = self.probe(LinkProbe(interface=self.ifname))
        self.step(Layer.PHYSICAL, f"lien de {self.ifname}", f"{self.ifname} link", result.ok, result.summary, "link")
        if result.ok:
            return
        end = self.cable_end()
        if "administratively down" in result.summary:
            self.conclude(
                f"l'interface {self.ifname} de {self.source} est désactivée",
                f"interface {self.ifname} of {self.source} is down (administratively)",
                f"{self.source}:{self.ifname}",
                f"réactiver l'interface : ip link set {self.ifname} up (et sa route par défaut)",
                f"bring it up: ip link set {self.ifname} up (and its default route)",
                "TAI-CP3",
            )
        self.conclude(
            f"pas de porteuse sur {self.ifname} : le câble vers {end} est débranché ou ce port est désactivé",
            f"no carrier on {self.ifname}: the cable to {end} is unplugged or that port is shut down",
            f"{self.source}:{self.ifname} ↔ {end}",
            f"vérifier le câble et l'état du port {end} (no shutdown)",
            f"check the cable and the state of port {end} (no shutdown)",
            "TRI-CP3",
        )

    def switching(self) -> None:
        """The access port and the trunks up to the router carry the host's VLAN, as the design says."""
        vlan = self.host.vlan
        end = self.cable_end()
        if vlan is None or end is None or not self.site.node(split_endpoint(end)[0]).kind.bridges:
            return
        live = port_behaviour(self.lab, end)
        if live is not None and live.access and live.native != vlan.id:
            self.step(Layer.DATALINK, f"VLAN du port {end}", f"VLAN of port {end}", False, f"{end} is in VLAN {live.native}")
            self.conclude(
                f"le port {end} est dans le VLAN {live.native} ; le plan prévoit le VLAN {vlan.id} pour {self.source}",
                f"port {end} is in VLAN {live.native}; the site plans VLAN {vlan.id} for {self.source}",
                end,
                f"remettre le port {end} dans le VLAN {vlan.id} (switchport access vlan {vlan.id})",
                f"put port {end} back in VLAN {vlan.id} (switchport access vlan {vlan.id})",
                "TRI-CP3",
            )
        self.step(Layer.DATALINK, f"VLAN du port {end}", f"VLAN of port {end}", True, f"{end}: VLAN {vlan.id}, as planned")
        for port, other in uplink_trunks(self.site, split_endpoint(end)[0]):
            self.trunk_carries(port, other, vlan.id)
            if self.site.node(split_endpoint(other)[0]).kind.bridges:
                self.trunk_carries(other, port, vlan.id)

    def trunk_carries(self, port: str, other: str, vid: int) -> None:
        """This end of a trunk carries VLAN ``vid``, with the same native VLAN as the other end."""
        live = port_behaviour(self.lab, port)
        if live is None:
            return
        title_fr, title_en = f"trunk {port}", f"trunk {port}"
        if vid not in live.allowed:
            carried = ",".join(map(str, live.allowed))
            self.step(Layer.DATALINK, title_fr, title_en, False, f"{port} carries VLANs {carried}, not {vid}")
            self.conclude(
                f"le VLAN {vid} n'est pas autorisé sur le trunk {port} (↔ {other})",
                f"VLAN {vid} is not allowed on trunk {port} (↔ {other})",
                port,
                f"l'ajouter : switchport trunk allowed vlan add {vid}",
                f"add it: switchport trunk allowed vlan add {vid}",
                "TRI-CP3",
            )
        far = port_behaviour(self.lab, other) if self.site.node(split_endpoint(other)[0]).kind.bridges else None
        far_native = far.native if far is not None else None
        if live.native != far_native and vid in (live.native, far_native):
            self.step(Layer.DATALINK, title_fr, title_en, False, f"native VLAN {live.native} on {port}, {far_native} on {other}")
            self.conclude(
                f"VLAN natif différent aux deux bouts du trunk {port} ↔ {other} ({live.native} / {far_native})",
                f"native VLAN mismatch on trunk {port} ↔ {other} ({live.native} / {far_native})",
                port,
                "mettre le même VLAN natif aux deux bouts",
                "set the same native VLAN on both ends",
                "TRI-CP3",
            )
        self.step(Layer.DATALINK, title_fr, title_en, True, f"{port} carries VLAN {vid}")

    def addressing(self) -> None:
        hp = self.host
        subnet = hp.vlan.subnet if hp.vlan is not None else (hp.iface.address.network if hp.iface.address else None)
        spec = IpConfigProbe(interface=self.ifname, subnet=subnet, address=hp.fixed, gateway=hp.gateway, dhcp=hp.iface.dhcp)
        result = self.probe(spec)
        self.step(Layer.NETWORK, "configuration IP", "IP configuration", result.ok, result.summary, "ipconfig")
        if not result.ok:
            via = "DHCP" if hp.iface.dhcp else "static"
            self.conclude(
                f"configuration IP de {self.source} non conforme au plan ({via}) : {result.summary}",
                f"{self.source}'s IP configuration does not follow the plan ({via}): {result.summary}",
                f"{self.source}:{self.ifname}" if not hp.iface.dhcp else f"DHCP of VLAN {hp.vlan.id if hp.vlan else '?'}",
                "corriger l'adresse, le masque ou la passerelle (ou l'étendue DHCP qui les donne)",
                "correct the address, mask or gateway (or the DHCP scope that gives them)",
                "TRI-CP1",
                "TRI-CP5",
            )

    def gateway(self) -> None:
        gw = self.host.gateway
        if gw is None:
            return
        result = self.probe(PingProbe(target=str(gw)))
        self.step(Layer.NETWORK, f"passerelle {gw}", f"gateway {gw}", result.ok, result.summary, "ping")
        if result.ok:
            return
        arp = self.probe(ArpProbe(interface=self.ifname, target=gw))
        self.step(Layer.DATALINK, f"ARP de {gw}", f"ARP for {gw}", arp.ok, arp.summary, "arp")
        how_fr, how_en = ("ni en ARP", "not even ARP") if not arp.ok else ("au ping, mais en ARP", "ping, though it answers ARP")
        self.conclude(
            f"la passerelle {gw} ne répond pas ({how_fr}) : le chemin de niveau 2 vers le routeur est coupé",
            f"gateway {gw} does not answer ({how_en}): the layer-2 path to the router is broken",
            f"{self.source} → {gw}",
            "vérifier le VLAN et les trunks jusqu'au routeur, et l'interface du routeur",
            "check the VLAN and the trunks up to the router, and the router's interface",
            "TRI-CP1",
        )

    def dns(self) -> IPv4Address | None:
        """Resolve the target's name; returns the address it resolved to."""
        t = self.target
        if not t.name:
            return t.address
        result = self.probe(DnsProbe(name=t.name, expect=str(t.address) if t.address else None))
        self.step(Layer.APPLICATION, f"DNS {t.name}", f"DNS {t.name}", result.ok, result.summary, "dns")
        unanswered = re.search(r"(?:no answer from|cannot reach) DNS server (\S+?)[: ]", result.summary)
        if not result.ok and unanswered and _is_address(unanswered[1]):
            # The server itself is out of reach: the firewall between, on udp/53.
            decided = self.firewall(IPv4Address(unanswered[1]), "udp", 53)
            if decided is not None:
                self.live_rule(decided)
        if not result.ok:
            self.conclude(
                f"la résolution de {t.name} échoue ou donne une autre adresse que celle du plan : {result.summary}",
                f"resolving {t.name} fails or gives another address than the plan's: {result.summary}",
                f"DNS: {t.name}",
                f"corriger l'enregistrement de {t.name} ({t.address}) sur le serveur DNS, ou le DNS configuré sur {self.source}",
                f"correct {t.name}'s record ({t.address}) on the DNS server, or the DNS configured on {self.source}",
                "TRI-CP5",
            )
        addresses = [a for a in result.data.get("answers") or [] if _is_address(a)]  # after a CNAME's target
        return IPv4Address(addresses[0]) if addresses else t.address

    def firewall(self, address: IPv4Address | None, proto: str = "", port: int | None = None) -> tuple[str, str] | None:
        """What the design's policy decides for this flow (the target's, or ``proto``/``port`` to ``address``): (the
        firewall node, what decides it), or None when no firewall is crossed."""
        router = next((n for n in self.site.nodes if n.services.firewall is not None), None)
        t = self.target
        proto, port = (proto, port) if proto else (t.proto, t.port)
        if router is None or router.services.firewall is None or address is None:
            return None
        fw = router.services.firewall
        src = zone_of(self.topo, router, fw, self.source, self.ifname)
        dst = zone_of_address(self.topo, router, fw, address)
        if src is None or dst is None or src == dst:
            return None
        action, rule = decision(fw, Flow(src, dst, proto, port, address))
        allowed = action is Action.ACCEPT
        what = f"{src} → {dst} {proto}{f'/{port}' if port else ''}"
        self.step(Layer.TRANSPORT, f"politique du pare-feu ({what})", f"firewall policy ({what})", allowed, f"{rule}: {action.value}")
        if not allowed:
            self.conclude(
                f"la politique du site interdit ce flux ({what}, {rule}) : ce n'est pas une panne, c'est la conception",
                f"the site's policy forbids this flow ({what}, {rule}): not a fault, the design",
                f"{router.name}: {rule}",
                "si le besoin est réel, faire évoluer la politique (règle à ajouter, validée)",
                "if the need is real, change the policy (a rule to add, approved)",
                "TRI-CP4",
            )
        return router.name, rule

    def transport(self, address: IPv4Address | None, decided: tuple[str, str] | None) -> None:
        t = self.target
        host = str(address) if address is not None else t.host
        if not host:
            return
        if t.proto == "tcp" and t.port:
            result = self.probe(TcpProbe(host=host, port=t.port))
            self.step(
                Layer.TRANSPORT, f"connexion TCP {host}:{t.port}", f"TCP connection {host}:{t.port}", result.ok, result.summary, "tcp"
            )
        else:
            result = self.probe(PingProbe(target=host))
            self.step(Layer.NETWORK, f"ping {host}", f"ping {host}", result.ok, result.summary, "ping")
        if result.ok:
            return
        if decided is not None:
            node, _rule = decided
            self.live_rule(decided)
            beyond = address is not None and self.outside(address)
            if beyond and not any("masquerade" in line for line in self.live_rules(node, "postrouting")):
                self.conclude(
                    f"le pare-feu {node} ne traduit plus les adresses vers Internet (NAT absent)",
                    f"firewall {node} no longer translates addresses towards the internet (NAT missing)",
                    f"{node}: postrouting",
                    "rétablir la traduction d'adresses (masquerade)",
                    "put the address translation (masquerade) back",
                    "TRI-CP4",
                )
        self.port_forward(address)
        where = t.node or host
        self.conclude(
            f"{where} ne répond pas sur {t.proto}{f'/{t.port}' if t.port else ''} : {result.summary}",
            f"{where} does not answer on {t.proto}{f'/{t.port}' if t.port else ''}: {result.summary}",
            where,
            f"vérifier que le service de {where} tourne et écoute, et que l'hôte est joignable",
            f"check that {where}'s service runs and listens, and that the host is reachable",
        )

    def outside(self, address: IPv4Address) -> bool:
        """Is the address beyond the router's uplink (the emulated internet)?"""
        router = next((n for n in self.site.nodes if n.services.firewall is not None), None)
        if router is None or router.services.firewall is None:
            return False
        fw = router.services.firewall
        return zone_of_address(self.topo, router, fw, address) == uplink_zone(router, fw)

    def live_rule(self, decided: tuple[str, str]) -> None:
        """The rule the design's decision names is in the firewall's running ruleset (conclude if it is not)."""
        node, rule = decided
        present = rule == "default" or any(f'comment "{rule}"' in line for line in self.live_rules(node))
        seen = "in the live ruleset" if present else "missing from the live ruleset"
        self.step(Layer.TRANSPORT, f"règle « {rule} » sur {node}", f"rule '{rule}' on {node}", present, seen)
        if not present:
            self.conclude(
                f"la règle « {rule} » du pare-feu {node}, qui autorise ce flux, manque dans sa configuration active",
                f"firewall {node}'s rule '{rule}', which allows this flow, is missing from its running configuration",
                f"{node}: {rule}",
                f"rétablir la règle « {rule} » (nft) et l'enregistrer",
                f"put rule '{rule}' back (nft) and save it",
                "TRI-CP4",
            )

    def port_forward(self, address: IPv4Address | None) -> None:
        """Towards the site's public address: is the port forward the design has for this port in the live ruleset?"""
        t = self.target
        router = next((n for n in self.site.nodes if n.services.firewall is not None), None)
        if router is None or router.services.firewall is None or address is None or address != nat_address(self.site):
            return
        forward = next((f for f in router.services.firewall.nat.forwards if f.proto == t.proto and f.port == t.port), None)
        if forward is None:
            return
        present = any(f'comment "forward {forward.name}"' in line for line in self.live_rules(router.name, "prerouting"))
        self.step(
            Layer.NETWORK, f"redirection {forward.name}", f"port forward {forward.name}", present, f"{t.proto}/{t.port} → {forward.to}"
        )
        if not present:
            self.conclude(
                f"la redirection {forward.name} ({t.proto}/{t.port} → {forward.to}) manque dans la configuration active de {router.name}",
                f"port forward {forward.name} ({t.proto}/{t.port} → {forward.to}) is missing from {router.name}'s running configuration",
                f"{router.name}: forward {forward.name}",
                f"rétablir la redirection {forward.name}",
                f"put port forward {forward.name} back",
                "TRI-CP4",
            )

    def live_rules(self, node: str, chain: str = "forward") -> list[str]:
        listing = self.lab.run(node, ["nft", "list", "chain", "inet", "officelab", chain], timeout=10)
        return listing.stdout.splitlines()

    def service(self) -> None:
        if self.target.url and not self.target.checks:
            result = self.probe(HttpProbe(url=self.target.url))
            self.step(Layer.APPLICATION, f"page {self.target.url}", f"page {self.target.url}", result.ok, result.summary, "http")
            if not result.ok:
                where = self.target.node or self.target.host
                self.conclude(
                    f"le serveur web répond mais pas la page attendue : {result.summary}",
                    f"the web server answers, but not with the page: {result.summary}",
                    where,
                    f"examiner la configuration du site sur {where} (racine, nom de serveur)",
                    f"look at the site's configuration on {where} (root, server name)",
                    "TRI-CP5",
                )
        for check in self.target.checks:
            place = self.source if check.place == self.source or check.place not in {n.name for n in self.site.nodes} else check.place
            result = self.probe(check.probe, place)
            holds = result.ok is check.expect  # a check that something must NOT work holds when its probe fails
            self.step(result.layer, check.title_fr, check.title_en, holds, result.summary, check.probe.kind)
            if not holds:
                where = self.target.node or check.place
                self.conclude(
                    f"le service répond mais refuse ou échoue ({check.title_fr}) : {result.summary}",
                    f"the service answers but refuses or fails ({check.title_en}): {result.summary}",
                    where,
                    f"examiner la configuration du service sur {where} (droits, comptes, files, secrets)",
                    f"look at the service's configuration on {where} (rights, accounts, queues, secrets)",
                )


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def diagnose(lab: Lab, source: str, target_text: str) -> Diagnosis:
    """Walk from ``source`` (a host of the site) towards ``target_text``, bottom-up (see the module)."""
    site: Site = lab.site()
    start = time.monotonic()
    walk = Walk(lab, source, resolve(site, target_text))
    try:
        walk.physical()
        walk.switching()
        walk.addressing()
        walk.gateway()
        address = walk.dns()
        if address is not None and not walk.target.node:  # a name the site's DNS gives (a CNAME): whose address it is
            walk.target.node = node_at(site, address)
        decided = walk.firewall(address)
        walk.transport(address, decided)
        walk.service()
        walk.step(Layer.APPLICATION, "conclusion", "conclusion", True, "every layer works from this node")
    except Stop:
        pass
    walk.diagnosis.seconds = round(time.monotonic() - start, 2)
    return walk.diagnosis

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

from officelab.diagnosis.filtering import Filtering
from officelab.diagnosis.model import Diagnosis
from officelab.diagnosis.steps import Stop
from officelab.diagnosis.target import for_user, node_at, resolve, who
from officelab.domains.network.facts import dhcp_servers, uplink_trunks
from officelab.domains.network.model import ArpProbe, DhcpProbe, DnsProbe, HttpProbe, IpConfigProbe, LinkProbe, PingProbe, TcpProbe
from officelab.probes import Layer
from officelab.runtime.ports import port_behaviour
from officelab.site.model import Site, split_endpoint

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab


class Walk(Filtering):
    """The layers, bottom-up."""

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
        duplicate = str(result.data.get("duplicate_mac") or "")
        if duplicate:
            owner = self.owner_of(duplicate)
            self.conclude(
                f"l'adresse {hp.fixed} de {self.source} est aussi revendiquée par {owner or duplicate} (adresse en double)",
                f"{self.source}'s address {hp.fixed} is also claimed by {owner or duplicate} (duplicate address)",
                owner or duplicate,
                f"retirer {hp.fixed} de {owner or 'l’hôte ' + duplicate} et lui donner une adresse libre",
                f"remove {hp.fixed} from {owner or 'the host at ' + duplicate} and give it a free address",
                "TRI-CP1",
            )
        if not result.ok and hp.iface.dhcp and "no DHCP offer" in result.summary:
            self.dhcp_log()
        if not result.ok and hp.iface.dhcp and hp.vlan is not None:  # an offer outside the plan: whose?
            heard = self.probe(DhcpProbe(interface=self.ifname, subnet=subnet, servers=dhcp_servers(self.topo, hp.vlan)))
            self.step(Layer.APPLICATION, "serveurs DHCP du segment", "DHCP servers on the segment", heard.ok, heard.summary, "dhcp")
            self.rogue(heard)
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

    def dhcp_log(self) -> None:
        """No offer: what the DHCP server's log says about this host's request, as a technician reads it."""
        mac, vid = self.topo.mac(self.source, self.ifname), self.host.vlan.id if self.host.vlan else "?"
        for node in self.site.nodes:
            log = self.lab.dir.node_dir(node.name) / "log" / "dnsmasq.log"
            if node.services.dhcp is None or not log.exists():
                continue
            with log.open("rb") as f:
                f.seek(max(0, log.stat().st_size - 65536))
                lines = [ln for ln in f.read().decode(errors="replace").splitlines() if mac in ln and "DHCPDISCOVER" in ln]
            said = lines[-1].split(mac, 1)[1].strip() if lines else ""
            self.step(Layer.APPLICATION, f"journal DHCP de {node.name}", f"DHCP log of {node.name}", not said, said or "no refusal logged")
            if said == "no address available":
                self.conclude(
                    f"l'étendue DHCP du VLAN {vid} sur {node.name} est épuisée : « {said} » pour {mac}",
                    f"VLAN {vid}'s DHCP scope on {node.name} is exhausted: '{said}' for {mac}",
                    f"{node.name}: DHCP pool of VLAN {vid} exhausted",
                    f"agrandir l'étendue du VLAN {vid} (ou raccourcir les baux, libérer des adresses)",
                    f"enlarge VLAN {vid}'s scope (or shorten the leases, free addresses)",
                    "TRI-CP5",
                )
            if said:
                self.conclude(
                    f"le serveur DHCP {node.name} refuse la demande de {self.source} : « {said} »",
                    f"DHCP server {node.name} refuses {self.source}'s request: '{said}'",
                    f"{node.name}: DHCP scope of VLAN {vid}",
                    f"vérifier l'étendue du VLAN {vid} sur {node.name}",
                    f"check VLAN {vid}'s scope on {node.name}",
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
        own = (self.site.site.domain, *((self.site.directory.domain,) if self.site.directory else ()))
        if not result.ok and not t.name.rstrip(".").endswith(own):  # a name of the internet: asked of the forwarder
            self.forwarders()
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

    def forwarders(self) -> None:
        """The site's DNS servers forward to the resolvers of the design (read from their running configuration)."""
        for node in self.site.nodes:
            dns = node.services.dns
            config = self.lab.dir.node_dir(node.name) / "dnsmasq.conf"
            if dns is None or node.kind.on_internet or not dns.forwarders or not config.exists():
                continue
            live = re.findall(r"^server=([0-9.]+)$", config.read_text(), flags=re.M)
            planned = [str(f) for f in dns.forwarders]
            ok = live == planned
            seen = f"{node.name} forwards to {', '.join(live) or 'nobody'}" + ("" if ok else f"; the design says {', '.join(planned)}")
            self.step(Layer.APPLICATION, f"redirecteurs DNS de {node.name}", f"DNS forwarders of {node.name}", ok, seen)
            if not ok:
                self.conclude(
                    f"le serveur DNS {node.name} redirige vers {', '.join(live) or 'personne'} au lieu de {', '.join(planned)}",
                    f"DNS server {node.name} forwards to {', '.join(live) or 'nobody'} instead of {', '.join(planned)}",
                    f"{node.name}: DNS forwarder {', '.join(live) or 'none'}",
                    f"remettre le redirecteur {', '.join(planned)} (server=) et redémarrer le service",
                    f"set the forwarder back to {', '.join(planned)} (server=) and restart the service",
                    "TRI-CP5",
                )

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
                self.rogue(result)
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
    """Walk from ``source`` (a host of the site, or an AD user: from their workstation, with their own checks of the
    service) towards ``target_text``, bottom-up (see the module)."""
    site: Site = lab.site()
    start = time.monotonic()
    node, user = who(site, source)
    target = resolve(site, target_text)
    if user is not None:
        for_user(target, user)
    walk = Walk(lab, node, target)
    if user is not None:
        walk.diagnosis.source = f"{user} ({node})"
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

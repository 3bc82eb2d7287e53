"""The recette of a site, derived from its model: what the site says must work, and what it says must not.

Bottom-up for every host (link → IP configuration → gateway → DNS), the DHCP service of every VLAN,
the firewall policy as a matrix of flows between zones (each allowed flow works, each denied one is
blocked), layer-2 isolation between VLANs, port forwards from the internet, web sites by name, switch
management, the WAN uplink — each check mapped to the criteria it evidences. Site-specific checks from
the site file's ``checks:`` section are appended.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from ipaddress import IPv4Address

from officelab.probes.spec import (
    ArpProbe,
    CommandProbe,
    DhcpProbe,
    DnsProbe,
    HttpProbe,
    IpConfigProbe,
    IppProbe,
    KerberosProbe,
    LdapProbe,
    LinkProbe,
    MqttProbe,
    OnvifProbe,
    PingProbe,
    PrintProbe,
    ProbeSpec,
    RecordingProbe,
    RtspProbe,
    SipRegisterProbe,
    SmbProbe,
    SnapshotProbe,
    TcpProbe,
    WsDiscoveryProbe,
)
from officelab.recette.model import Check
from officelab.site.directory import ShareRight
from officelab.site.model import Action, FirewallService, Interface, Node, NodeKind, Site, SiteCheck, Vlan
from officelab.site.telephony import Telephony
from officelab.site.topology import Topology
from officelab.site.zones import Flow, decide, zone_of

HOST_KINDS = (
    NodeKind.SERVER,
    NodeKind.WORKSTATION,
    NodeKind.LAPTOP,
    NodeKind.TABLET,
    NodeKind.PHONE,
    NodeKind.PRINTER,
    NodeKind.CAMERA,
    NodeKind.IOT,
)
OBJECT_KINDS = (NodeKind.PRINTER, NodeKind.CAMERA, NodeKind.IOT)

# Criteria evidenced by each kind of check (IDs from the official catalogue).
CONNECTED = ("TAI-CP3-C3", "TRI-CP2-C1")
ADDRESSING = ("TAI-CP5-C2", "TRI-CP3-C4")
REMOTE = ("TRI-CP1-C1", "TRI-CT-C1")
INFRA = ("TAI-CP5-C3",)
POLICY = ("TRI-CP4-C3", "TAI-CP4-C1")
INTERNET = ("TAI-CP7-C1", "TAI-CP7-C2")


# The derived test calls, by behaviour of the dial plan: (French, English) titles.
CALL_TITLES = {
    "call": (
        "Appel de {caller} vers {dialled} : chacun entend l'autre",
        "Call from {caller} to {dialled}: each side hears the other",
    ),
    "forward": (
        "Un appel vers {dialled} aboutit sur {answering} (renvoi immédiat)",
        "A call to {dialled} reaches {answering} (unconditional forward)",
    ),
    "voicemail": (
        "Un appel vers {dialled} (sans poste) arrive sur la messagerie, qui enregistre l'appelant",
        "A call to {dialled} (no phone) reaches the voicemail, which records the caller",
    ),
    "noanswer": (
        "Sans réponse, un appel vers {dialled} aboutit sur {answering} ({via})",
        "Unanswered, a call to {dialled} goes on to {answering} ({via})",
    ),
    "busy": (
        "Poste {dialled} occupé : l'appel aboutit sur {answering} ({via})",
        "Extension {dialled} busy: the call goes on to {answering} ({via})",
    ),
    "group": (
        "Le groupe d'appel {dialled} fait sonner ses membres ; {answering} répond",
        "Ring group {dialled} rings its members; {answering} answers",
    ),
    "out": (
        "Appel sortant par le trunk : {caller} joint {answering} ({dialled})",
        "Outgoing call through the trunk: {caller} reaches {answering} ({dialled})",
    ),
    "in": (
        "Appel entrant de l'opérateur vers le numéro public {dialled} : {answering} répond ({via})",
        "Incoming call from the operator to public number {dialled}: {answering} answers ({via})",
    ),
}  # fmt: skip
# A plain call proves the phones work; through the trunk it also proves the configuration asked for; the dial
# plan's behaviours (forwards, groups, voicemail) are configuration first.
CALL_CRITERIA = {"call": ("TRI-CP1-C2", "TRI-CP8-C1"), "out": ("TRI-CP1-C2", "TRI-CP8-C2"), "in": ("TRI-CP1-C2", "TRI-CP8-C2")}


@dataclass(frozen=True)
class HostPort:
    """A host's layer-3 interface as the recette sees it."""

    node: Node
    iface: Interface
    vlan: Vlan | None

    @property
    def fixed(self) -> IPv4Address | None:
        if self.iface.address is not None:
            return self.iface.address.ip
        return self.iface.reserve

    @property
    def gateway(self) -> IPv4Address | None:
        if self.iface.gateway is not None:
            return self.iface.gateway
        return self.vlan.gateway if self.vlan is not None and self.iface.dhcp else None

    @property
    def wireless(self) -> bool:
        return self.iface.name.startswith("wl") or self.node.kind is NodeKind.TABLET


class _Deriver:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.topo = Topology(site)
        self.checks: list[Check] = []
        self.ids: set[str] = set()
        self.domain = site.site.domain
        self.hosts = [hp for n in site.nodes if n.kind in HOST_KINDS for hp in self._ports(n)]
        self.internal_dns = [n for n in site.nodes if n.services.dns is not None and not n.kind.on_internet]

    def _ports(self, node: Node) -> list[HostPort]:
        return [
            HostPort(node, iface, self.topo.vlan_of(node.name, iface.name))
            for iface in node.interfaces
            if (node.name, iface.name) in self.topo.peers
        ]

    def add(self, check: Check) -> None:
        if check.id not in self.ids:
            self.ids.add(check.id)
            self.checks.append(check)

    # ------------------------------------------------------------------ hosts, bottom-up
    def host_checks(self) -> None:
        dhcp_reps: dict[int, HostPort] = {}
        for hp in self.hosts:
            if hp.iface.dhcp and hp.vlan is not None and hp.vlan.id not in dhcp_reps:
                dhcp_reps[hp.vlan.id] = hp
        for vid, hp in dhcp_reps.items():
            vlan = hp.vlan
            assert vlan is not None
            self.add(
                Check(
                    f"dhcp:vlan{vid}",
                    f"Le serveur DHCP répond dans le VLAN {vid} ({vlan.name})",
                    f"DHCP server answers in VLAN {vid} ({vlan.name})",
                    hp.node.name,
                    DhcpProbe(interface=hp.iface.name, subnet=vlan.subnet, gateway=vlan.gateway),
                    (*INFRA, "TAI-CP7-C1"),
                    depends=(f"link:{hp.node.name}:{hp.iface.name}",),
                    group="services",
                )
            )
        for hp in self.hosts:
            name, ifname = hp.node.name, hp.iface.name
            objects = ("TRI-CP7-C1",) if hp.node.kind in OBJECT_KINDS else ()
            self.add(
                Check(
                    f"link:{name}:{ifname}",
                    f"{name} est raccordé ({ifname} actif)",
                    f"{name} is connected ({ifname} up)",
                    name,
                    LinkProbe(interface=ifname),
                    CONNECTED + objects,
                    group="hosts",
                )
            )
            subnet = hp.vlan.subnet if hp.vlan is not None else (hp.iface.address.network if hp.iface.address else None)
            depends = [f"link:{name}:{ifname}"]
            if hp.iface.dhcp and hp.vlan is not None:
                depends.append(f"dhcp:vlan{hp.vlan.id}")
            self.add(
                Check(
                    f"ip:{name}:{ifname}",
                    f"{name} a une adresse conforme au plan d'adressage",
                    f"{name} has an address that follows the addressing plan",
                    name,
                    IpConfigProbe(interface=ifname, subnet=subnet, address=hp.fixed, gateway=hp.gateway, dhcp=hp.iface.dhcp),
                    ADDRESSING + objects,
                    depends=tuple(depends),
                    deadline=8.0,
                    group="hosts",
                )
            )
            if hp.gateway is not None:
                access = ("TRI-CP3-C1",) if hp.wireless else ("TRI-CP3-C2",)
                self.add(
                    Check(
                        f"gw:{name}",
                        f"{name} joint sa passerelle {hp.gateway}",
                        f"{name} reaches its gateway {hp.gateway}",
                        name,
                        PingProbe(target=str(hp.gateway)),
                        ("TRI-CP1-C1", *access, *objects),
                        depends=(f"ip:{name}:{ifname}",),
                        group="hosts",
                    )
                )
            if self.internal_dns and hp.gateway is not None and not hp.node.kind.on_internet:
                fqdn = f"{self.internal_dns[0].name}.{self.domain}"
                self.add(
                    Check(
                        f"dns:{name}",
                        f"{name} résout les noms du site ({fqdn})",
                        f"{name} resolves the site's names ({fqdn})",
                        name,
                        DnsProbe(name=fqdn),
                        REMOTE,
                        depends=(f"gw:{name}",),
                        group="hosts",
                    )
                )

    def dns_records(self) -> None:
        client = next((hp for hp in self.hosts if hp.iface.dhcp and hp.gateway is not None), None)
        if client is None or not self.internal_dns:
            return
        for hp in self.hosts:
            if hp.fixed is None or hp.node.name == client.node.name:
                continue
            fqdn = f"{hp.node.name}.{self.domain}"
            self.add(
                Check(
                    f"dnsrec:{hp.node.name}",
                    f"{fqdn} pointe vers {hp.fixed}",
                    f"{fqdn} points to {hp.fixed}",
                    client.node.name,
                    DnsProbe(name=fqdn, expect=str(hp.fixed)),
                    (*INFRA, "TAI-CP5-C5"),
                    depends=(f"gw:{client.node.name}",),
                    group="services",
                )
            )
            if hp.node.kind is NodeKind.SERVER:
                self.add(
                    Check(
                        f"ptr:{hp.node.name}",
                        f"{hp.fixed} a un nom inverse ({fqdn})",
                        f"{hp.fixed} has a reverse name ({fqdn})",
                        client.node.name,
                        DnsProbe(name=str(hp.fixed), type="PTR", expect=fqdn),
                        (*INFRA, "TAI-CP5-C5"),
                        depends=(f"gw:{client.node.name}",),
                        group="services",
                    )
                )

    # ------------------------------------------------------------------ firewall matrix
    def firewall_checks(self) -> None:
        for router in self.site.nodes:
            fw = router.services.firewall
            if fw is not None:
                self._flows(router, fw)

    def _zone_sources(self, router: Node, fw: FirewallService) -> dict[str, HostPort]:
        sources: dict[str, HostPort] = {}
        for hp in self.hosts:
            if hp.gateway is None:
                continue
            zone = zone_of(self.topo, router, fw, hp.node.name, hp.iface.name)
            if zone is not None and zone not in sources:
                sources[zone] = hp
        return sources

    def _zone_targets(self, router: Node, fw: FirewallService) -> dict[str, list[tuple[str, str, ProbeSpec, str]]]:
        """Zone → (target node, address, probe, label): a web service if there is one, else a fixed host to ping."""
        targets: dict[str, list[tuple[str, str, ProbeSpec, str]]] = {}
        candidates = [*self.hosts, *(hp for n in self.site.nodes if n.kind is NodeKind.PUBLIC_SERVER for hp in self._ports(n))]
        for hp in candidates:
            if hp.fixed is None:
                continue
            zone = zone_of(self.topo, router, fw, hp.node.name, hp.iface.name)
            if zone is None:
                continue
            listed = targets.setdefault(zone, [])
            if hp.node.services.web is not None and not any(label.startswith("tcp") for *_, label in listed):
                listed.insert(0, (hp.node.name, str(hp.fixed), TcpProbe(host=str(hp.fixed), port=80, timeout=1.5), "tcp/80"))
            elif hp.node.services.web is None and not any(label == "icmp" for *_, label in listed):
                listed.append((hp.node.name, str(hp.fixed), PingProbe(target=str(hp.fixed), timeout=1.0), "icmp"))
        return targets

    def _flows(self, router: Node, fw: FirewallService) -> None:
        sources = self._zone_sources(router, fw)
        targets = self._zone_targets(router, fw)
        for src_zone, src in sources.items():
            for dst_zone, entries in targets.items():
                if dst_zone == src_zone:
                    continue
                for node, address, spec, label in entries:
                    if node == src.node.name:
                        continue
                    proto, _, port = label.partition("/")
                    action = decide(fw, Flow(src_zone, dst_zone, proto, int(port) if port else None, IPv4Address(address)))
                    allowed = action is Action.ACCEPT
                    verdict_fr, verdict_en = ("autorisé", "allowed") if allowed else ("interdit", "blocked")
                    criteria = (*REMOTE, *(INTERNET if dst_zone == "wan" else ())) if allowed else (*POLICY, "TRI-CP1-C4")
                    depends = [f"gw:{src.node.name}", *self._ip_checks(node)]
                    self.add(
                        Check(
                            f"flow:{src_zone}->{dst_zone}:{label}",
                            f"Flux {src_zone} → {dst_zone} ({label}, {node}) {verdict_fr}",
                            f"Flow {src_zone} → {dst_zone} ({label}, {node}) {verdict_en}",
                            src.node.name,
                            spec,
                            criteria,
                            expect=allowed,
                            depends=tuple(depends),
                            group="firewall",
                        )
                    )
        for forward in fw.nat.forwards:
            self._port_forward(router, fw, forward.name, forward.zone, forward.port, forward.proto, forward.to)
        self._internet_by_name(router, fw, sources)

    def _ip_checks(self, node: str) -> list[str]:
        return [c.id for c in self.checks if c.id.startswith(f"ip:{node}:")]

    def _port_forward(self, router: Node, fw: FirewallService, name: str, zone: str, port: int, proto: str, to: IPv4Address) -> None:
        outside = next((n for n in self.site.nodes if n.kind is NodeKind.REMOTE_SITE), None) or next(
            (n for n in self.site.nodes if n.kind is NodeKind.PUBLIC_SERVER), None
        )
        members = fw.zones.get(zone)
        wan_iface = next((i for i in router.interfaces if members and i.name in members.interfaces and i.address), None)
        if outside is None or wan_iface is None or wan_iface.address is None or proto != "tcp":
            return
        public = wan_iface.address.ip
        server = next((n for n in self.site.nodes for i in n.interfaces if i.address is not None and i.address.ip == to), None)
        spec: ProbeSpec = TcpProbe(host=str(public), port=port)
        if server is not None and server.services.web is not None and server.services.web.sites and port == 80:
            site = server.services.web.sites[0]
            spec = HttpProbe(url=f"http://{public}:{port}/", contains=site.title)
        self.add(
            Check(
                f"forward:{name}",
                f"Le service publié {name} répond depuis internet ({public}:{port})",
                f"Published service {name} answers from the internet ({public}:{port})",
                outside.name,
                spec,
                ("TAI-CP7-C1", "TRI-CP4-C1"),
                group="firewall",
            )
        )

    def _internet_by_name(self, router: Node, fw: FirewallService, sources: dict[str, HostPort]) -> None:
        public_sites = [s for n in self.site.nodes if n.kind is NodeKind.PUBLIC_SERVER and n.services.web for s in n.services.web.sites]
        internal_sites = [(n, s) for n in self.site.nodes if n.kind in HOST_KINDS and n.services.web for s in n.services.web.sites]
        for zone, src in sources.items():
            if f"dns:{src.node.name}" not in self.ids:
                continue
            for site in public_sites[:1]:
                flow = f"flow:{zone}->wan:tcp/80"
                if flow in self.ids and next(c for c in self.checks if c.id == flow).expect:
                    self.add(
                        Check(
                            f"web:{zone}:{site.server_name}",
                            f"Le site {site.server_name} s'affiche depuis le VLAN {zone}",
                            f"Web site {site.server_name} opens from zone {zone}",
                            src.node.name,
                            HttpProbe(url=f"http://{site.server_name}/", contains=site.title),
                            (*REMOTE, *INTERNET),
                            depends=(f"dns:{src.node.name}", flow),
                            group="services",
                        )
                    )
            for node, site in internal_sites:
                if not site.server_name.endswith(self.domain) or node.interfaces[0].address is None:
                    continue
                record = f"dnsrec:{site.server_name}"
                self.add(
                    Check(
                        record,
                        f"{site.server_name} pointe vers {node.name}",
                        f"{site.server_name} points to {node.name}",
                        src.node.name,
                        DnsProbe(name=site.server_name, expect=str(node.interfaces[0].address.ip)),
                        (*INFRA, "TAI-CP5-C5"),
                        depends=(f"dns:{src.node.name}",),
                        group="services",
                    )
                )
                target_zone = zone_of(self.topo, router, fw, node.name, node.interfaces[0].name)
                flow = f"flow:{zone}->{target_zone}:tcp/80"
                if flow in self.ids and next(c for c in self.checks if c.id == flow).expect:
                    self.add(
                        Check(
                            f"web:{zone}:{site.server_name}",
                            f"L'application {site.server_name} s'affiche depuis le VLAN {zone}",
                            f"Application {site.server_name} opens from zone {zone}",
                            src.node.name,
                            HttpProbe(url=f"http://{site.server_name}/", contains=site.title),
                            REMOTE,
                            depends=(f"dns:{src.node.name}", record, flow),
                            group="services",
                        )
                    )

    # ------------------------------------------------------------------ layer 2 and infrastructure
    def isolation_checks(self) -> None:
        sources: dict[int, HostPort] = {}
        targets: dict[int, HostPort] = {}
        for hp in self.hosts:
            if hp.vlan is None:
                continue
            if hp.gateway is not None:
                sources.setdefault(hp.vlan.id, hp)
            if hp.fixed is not None:
                targets.setdefault(hp.vlan.id, hp)
        for a, src in sources.items():
            for b, dst in targets.items():
                if a == b or dst.fixed is None:
                    continue
                self.add(
                    Check(
                        f"l2:vlan{a}->vlan{b}",
                        f"VLAN {a} isolé du VLAN {b} au niveau 2 ({dst.node.name})",
                        f"VLAN {a} isolated from VLAN {b} at layer 2 ({dst.node.name})",
                        src.node.name,
                        ArpProbe(interface=src.iface.name, target=dst.fixed),
                        (*POLICY, "TAI-CP5-C2"),
                        expect=False,
                        depends=(f"ip:{src.node.name}:{src.iface.name}",),
                        group="isolation",
                    )
                )

    def infrastructure_checks(self) -> None:
        for switch in self.site.nodes:
            if switch.management is None:
                continue
            vid = self.topo.vlan_id(switch.management.vlan)
            src = next((hp for hp in self.hosts if hp.vlan is not None and hp.vlan.id == vid and hp.gateway is not None), None)
            if src is None:
                continue
            address = switch.management.address.ip
            self.add(
                Check(
                    f"mgmt:{switch.name}",
                    f"{switch.name} répond sur son adresse d'administration {address}",
                    f"{switch.name} answers on its management address {address}",
                    src.node.name,
                    PingProbe(target=str(address)),
                    INFRA,
                    depends=(f"gw:{src.node.name}",),
                    group="infrastructure",
                )
            )
        for router in self.site.nodes:
            if router.kind is not NodeKind.ROUTER:
                continue
            for iface in router.interfaces:
                if iface.gateway is not None:
                    self.add(
                        Check(
                            f"wan:{router.name}",
                            f"{router.name} joint le FAI ({iface.gateway})",
                            f"{router.name} reaches the ISP ({iface.gateway})",
                            router.name,
                            PingProbe(target=str(iface.gateway)),
                            INTERNET,
                            group="infrastructure",
                        )
                    )

    def custom_checks(self) -> None:
        for custom in self.site.checks:
            self.add(check_from_spec(custom, custom.from_, "site"))

    # ------------------------------------------------------------------ directory and file shares
    def _directory_client(self) -> HostPort | None:
        """Where directory checks run from: the first joined workstation, else the first host that may use the DC."""
        d = self.site.directory
        assert d is not None
        hosts = [hp for hp in self.hosts if hp.gateway is not None and hp.node.name != d.controller]
        joined = [hp for hp in hosts if hp.node.name in d.computers and hp.node.kind is not NodeKind.SERVER]
        candidates = joined or [hp for hp in hosts if f"dns:{hp.node.name}" in self.ids]
        return candidates[0] if candidates else None

    def directory_checks(self) -> None:
        d = self.site.directory
        if d is None:
            return
        client = self._directory_client()
        if client is None:
            return
        where, base = client.node.name, (f"gw:{client.node.name}",)
        dc_fqdn = f"{d.controller}.{d.domain}"
        admin = f"Administrator@{d.domain}"
        self.add(
            Check(
                "ad:srv",
                f"Le domaine {d.domain} est annoncé dans le DNS (SRV LDAP)",
                f"Domain {d.domain} is published in DNS (LDAP SRV)",
                where,
                DnsProbe(name=f"_ldap._tcp.{d.domain}", type="SRV", expect=dc_fqdn),
                ("TRI-CP6-C1", *INFRA),
                depends=base,
                group="directory",
            )
        )
        self.add(
            Check(
                "ad:dc",
                f"Le contrôleur de domaine {d.controller} répond en LDAP",
                f"Domain controller {d.controller} answers LDAP",
                where,
                LdapProbe(server=dc_fqdn, user=admin, password=d.admin_password),
                ("TAI-CP6-C1", *INFRA),
                depends=("ad:srv",),
                group="directory",
            )
        )
        self.add(
            Check(
                "ad:ldaps",
                f"{d.controller} répond en LDAPS (TLS, port 636)",
                f"{d.controller} answers LDAPS (TLS, port 636)",
                where,
                LdapProbe(server=dc_fqdn, user=admin, password=d.admin_password, port=636, tls=True),
                ("TRI-CP5-C3", "TAI-CP6-C1"),
                depends=("ad:dc",),
                group="directory",
            )
        )
        for user in d.users:
            upn = f"{user.login}@{d.domain}"
            state_fr, state_en = ("peut", "can") if user.enabled else ("ne peut pas", "cannot")
            self.add(
                Check(
                    f"ad:login:{user.login}",
                    f"{user.name} ({user.login}) {state_fr} s'authentifier sur l'annuaire",
                    f"{user.name} ({user.login}) {state_en} authenticate to the directory",
                    where,
                    LdapProbe(server=dc_fqdn, user=upn, password=user.password),
                    ("TAI-CP6-C1", "TRI-CP6-C2"),
                    expect=user.enabled and not user.must_change,
                    depends=("ad:dc",),
                    group="directory",
                )
            )
            if user.enabled and not user.must_change:
                self.add(
                    Check(
                        f"ad:kerberos:{user.login}",
                        f"{user.login} obtient un ticket Kerberos",
                        f"{user.login} gets a Kerberos ticket",
                        where,
                        KerberosProbe(principal=f"{user.login}@{d.realm}", password=user.password),
                        ("TRI-CP6-C2",),
                        depends=("ad:dc",),
                        group="directory",
                    )
                )
        for group in d.groups:
            names = [u.name for u in d.members_of(group.name)]
            self.add(
                Check(
                    f"ad:group:{group.name}",
                    f"Le groupe {group.name} contient exactement ses membres",
                    f"Group {group.name} has exactly its members",
                    where,
                    LdapProbe(
                        server=dc_fqdn,
                        user=admin,
                        password=d.admin_password,
                        base=d.base_dn,
                        filter=f"(&(objectClass=group)(cn={group.name}))",
                        attribute="member",
                        expect=names,
                        exact=True,
                    ),
                    ("TAI-CP6-C1",),
                    depends=("ad:dc",),
                    group="directory",
                )
            )
        for computer in d.computers:
            account = f"{computer.upper()[:15]}$"
            self.add(
                Check(
                    f"ad:computer:{computer}",
                    f"{computer} est intégré au domaine (compte ordinateur)",
                    f"{computer} is joined to the domain (computer account)",
                    where,
                    LdapProbe(
                        server=dc_fqdn,
                        user=admin,
                        password=d.admin_password,
                        base=d.base_dn,
                        filter=f"(sAMAccountName={account})",
                        attribute="dNSHostName",
                        expect=[f"{computer}.{d.domain}"],
                    ),
                    ("TRI-CP6-C1",),
                    depends=("ad:dc",),
                    group="directory",
                )
            )
            node_checks = [c.id for c in self.checks if c.id.startswith(f"ip:{computer}:")]
            self.add(
                Check(
                    f"ad:testjoin:{computer}",
                    f"{computer} s'authentifie auprès du domaine (secret machine)",
                    f"{computer} authenticates to the domain (machine secret)",
                    computer,
                    CommandProbe(argv=["net", "ads", "testjoin"], expect="Join is OK", timeout=8),
                    ("TRI-CP6-C1",),
                    depends=("ad:dc", *node_checks),
                    group="directory",
                )
            )
        for server in self.site.nodes:
            if server.services.files is not None:
                self._share_checks(server, where, base)
            if server.services.print is not None:
                self._print_checks(server, where, base)

    def _print_checks(self, server: Node, where: str, base: tuple[str, ...]) -> None:
        from officelab.runtime.services.printing import allowed_users, printer_uri

        d = self.site.directory
        assert d is not None and server.services.print is not None
        fqdn = f"{server.name}.{d.domain}"
        service = f"print:{server.name}"
        self.add(
            Check(
                service,
                f"Le serveur d'impression {server.name} répond (IPP)",
                f"Print server {server.name} answers (IPP)",
                where,
                TcpProbe(host=fqdn, port=631),
                ("TRI-CP6-C4",),
                depends=base,
                group="printing",
            )
        )
        admin = next(
            (
                hp
                for hp in self.hosts
                if hp.vlan is not None
                and hp.node.management is None
                and hp.gateway is not None
                and any(n.management is not None and self.topo.vlan_id(n.management.vlan) == hp.vlan.id for n in self.site.nodes)
            ),
            None,
        )
        for queue in server.services.print.queues:
            uri = printer_uri(self.site, queue.printer)
            if admin is not None and f"printer:{queue.printer}" not in self.ids:
                self.add(
                    Check(
                        f"printer:{queue.printer}",
                        f"L'imprimante {queue.printer} répond depuis l'administration (IPP)",
                        f"Printer {queue.printer} answers from the management network (IPP)",
                        admin.node.name,
                        IppProbe(uri=uri),
                        ("TRI-CP1-C3",),
                        depends=(f"gw:{admin.node.name}", *self._ip_checks(queue.printer)),
                        group="printing",
                    )
                )
            allowed = allowed_users(self.site, queue.groups)
            enabled = [u for u in d.users if u.enabled]
            member = next((u for u in enabled if allowed is None or u.login in allowed), None)
            outsider = next((u for u in enabled if allowed is not None and u.login not in allowed), None)
            for user, ok in ((member, True), (outsider, False)):
                if user is None:
                    continue
                verb_fr, verb_en = ("peut", "can") if ok else ("ne peut pas", "cannot")
                self.add(
                    Check(
                        f"print:{queue.name}:{user.login}",
                        f"{user.login} {verb_fr} imprimer sur {queue.name}",
                        f"{user.login} {verb_en} print on {queue.name}",
                        where,
                        PrintProbe(server=fqdn, queue=queue.name, user=user.login, printer=uri),
                        ("TRI-CP6-C4", "TAI-CP6-C2") if ok else ("TRI-CP6-C3", "TAI-CP6-C2"),
                        expect=ok,
                        depends=(service, *self._ip_checks(queue.printer)),
                        deadline=15.0,
                        group="printing",
                    )
                )

    def _share_checks(self, server: Node, where: str, base: tuple[str, ...]) -> None:
        d = self.site.directory
        assert d is not None and server.services.files is not None
        fqdn = f"{server.name}.{d.domain}"
        service = f"smb:{server.name}"
        self.add(
            Check(
                service,
                f"Le serveur de fichiers {server.name} répond (SMB)",
                f"File server {server.name} answers (SMB)",
                where,
                TcpProbe(host=fqdn, port=445),
                ("TRI-CP5-C1",),
                depends=(*base, "ad:dc"),
                group="shares",
            )
        )
        enabled = [u for u in d.users if u.enabled and not u.must_change]
        for share in server.services.files.shares:
            people = []
            for group in share.rights:
                member = next((u for u in enabled if group in u.groups and u not in people), None)
                if member is not None:
                    people.append(member)
            outsider = next((u for u in enabled if not set(u.groups) & set(share.rights)), None)
            if outsider is not None:
                people.append(outsider)
            for user in people:
                rights = [share.rights[g] for g in user.groups if g in share.rights]
                can_read, can_write = bool(rights), any(r is not ShareRight.READ for r in rights)
                login = f"{d.netbios}\\{user.login}"
                for action, allowed in (("list", can_read), ("write", can_write)):
                    if action == "write" and not can_read:
                        continue
                    verb_fr = {"list": "ouvrir", "write": "écrire dans"}[action]
                    verb_en = {"list": "open", "write": "write in"}[action]
                    no_fr, no_en = ("", "") if allowed else ("ne ", "not ")
                    criteria = ("TRI-CP5-C1", "TAI-CP6-C2") if allowed else ("TRI-CP5-C2", "TRI-CP6-C3", "TAI-CP6-C2")
                    self.add(
                        Check(
                            f"smb:{server.name}:{share.name}:{user.login}:{action}",
                            f"{user.login} {no_fr}peut {'pas ' if not allowed else ''}{verb_fr} le partage {share.name}".replace("  ", " "),
                            f"{user.login} can {no_en}{verb_en} share {share.name}",
                            where,
                            SmbProbe(server=fqdn, share=share.name, user=login, password=user.password, action=action),
                            criteria,
                            expect=allowed,
                            depends=(service, f"ad:login:{user.login}"),
                            group="shares",
                        )
                    )
            first = next((u for u in enabled if set(u.groups) & set(share.rights)), None)
            if first is not None:
                self.add(
                    Check(
                        f"smb:{server.name}:{share.name}:badpass",
                        f"Le partage {share.name} refuse un mauvais mot de passe",
                        f"Share {share.name} refuses a wrong password",
                        where,
                        SmbProbe(server=fqdn, share=share.name, user=f"{d.netbios}\\{first.login}", password="not-" + first.password),
                        ("TRI-CP5-C3",),
                        expect=False,
                        depends=(service,),
                        group="shares",
                    )
                )
            if not share.guest:
                self.add(
                    Check(
                        f"smb:{server.name}:{share.name}:guest",
                        f"Le partage {share.name} refuse les invités",
                        f"Share {share.name} refuses guests",
                        where,
                        SmbProbe(server=fqdn, share=share.name, user=""),
                        ("TRI-CP5-C3",),
                        expect=False,
                        depends=(service,),
                        group="shares",
                    )
                )

    def backup_checks(self) -> None:
        from officelab.runtime.services.backup import script_path

        for job in self.site.backups:
            self.add(
                Check(
                    f"backup:{job.name}",
                    f"La sauvegarde {job.name} se restaure à l'identique (octet par octet)",
                    f"Backup {job.name} restores identically (byte for byte)",
                    job.source,
                    CommandProbe(argv=["sh", script_path(job.name), "verify"], expect="identical", timeout=60),
                    ("TAI-CP4-C2",),
                    depends=tuple(self._ip_checks(job.source)),
                    deadline=60,
                    group="backup",
                )
            )

    def automation_checks(self) -> None:
        a = self.site.automation
        if a is None:
            return
        from officelab.runtime.services.automation import broker_address, port

        host, mqtt_port = broker_address(self.site), port(self.site)
        where = a.controller
        base = tuple(self._ip_checks(where))
        secure = ("TRI-CP7-C4", "TRI-CP1-C4")

        def mqtt(**fields: object) -> MqttProbe:
            return MqttProbe(host=host, port=mqtt_port, tls=a.tls, **fields)

        self.add(
            Check(
                "mqtt:broker",
                f"Le broker MQTT de {a.broker} accepte le contrôleur ({'TLS' if a.tls else 'en clair'})",
                f"The MQTT broker on {a.broker} accepts the controller ({'TLS' if a.tls else 'plain'})",
                where,
                mqtt(user="controller", password=a.controller_password),
                ("TRI-CP7-C1", "TRI-CP1-C3"),
                depends=base,
                group="automation",
            )
        )
        self.add(
            Check(
                "mqtt:anonymous",
                "Le broker refuse les connexions anonymes",
                "The broker refuses anonymous clients",
                where,
                mqtt(),
                secure,
                expect=False,
                depends=("mqtt:broker",),
                group="automation",
            )
        )
        self.add(
            Check(
                "mqtt:badpass",
                "Le broker refuse un mauvais mot de passe",
                "The broker refuses a wrong password",
                where,
                mqtt(user="controller", password="not-" + a.controller_password),
                secure,
                expect=False,
                depends=("mqtt:broker",),
                group="automation",
            )
        )
        if a.tls:
            self.add(
                Check(
                    "mqtt:plaintext",
                    "Le broker n'accepte pas MQTT en clair (port 1883)",
                    "The broker offers no plain MQTT (port 1883)",
                    where,
                    TcpProbe(host=host, port=1883, timeout=1),
                    secure,
                    expect=False,
                    depends=("mqtt:broker",),
                    group="automation",
                )
            )
        devices = {d.name: d for d in a.devices}
        for device in a.devices:
            topic = a.topic(self.site.name, device)
            node_checks = tuple(self._ip_checks(device.node))
            self.add(
                Check(
                    f"mqtt:data:{device.name}",
                    f"Les données de {device.name} parviennent au contrôleur",
                    f"{device.name}'s data reaches the controller",
                    where,
                    mqtt(user="controller", password=a.controller_password, action="read", topic=topic),
                    ("TRI-CP7-C2", "TRI-CP1-C3"),
                    depends=("mqtt:broker", *node_checks),
                    group="automation",
                )
            )
            others = [d for d in a.devices if d.name != device.name]
            if others:
                victim = others[0]
                self.add(
                    Check(
                        f"mqtt:acl:{device.name}",
                        f"{device.name} ne peut pas commander {victim.name} (ACL)",
                        f"{device.name} cannot command {victim.name} (ACL)",
                        where,
                        mqtt(
                            user=device.name,
                            password=device.password,
                            action="publish",
                            topic=f"{a.topic(self.site.name, victim)}/set",
                            payload="ON",
                        ),
                        secure,
                        expect=False,
                        depends=("mqtt:broker",),
                        group="automation",
                    )
                )
        targets = {r.then.device for r in a.rules}
        for device in a.devices:
            if device.type in ("heater", "light") and device.name not in targets:
                topic = a.topic(self.site.name, device)
                for command, previous in (("ON", ()), ("OFF", (f"mqtt:command:{device.name}:on",))):
                    self.add(
                        Check(
                            f"mqtt:command:{device.name}:{command.lower()}",
                            f"{device.name} obéit à la commande {command}",
                            f"{device.name} obeys the command {command}",
                            where,
                            mqtt(
                                user="controller",
                                password=a.controller_password,
                                action="command",
                                topic=topic,
                                payload=command,
                                field="power",
                                expect=command,
                            ),
                            ("TRI-CP7-C2", "TRI-CP7-C1"),
                            depends=(f"mqtt:data:{device.name}", *previous),
                            group="automation",
                        )
                    )
        for rule in a.rules:
            condition, action = rule.when, rule.then
            if condition.op not in ("below", "above") or not isinstance(condition.value, str) or action.otherwise is None:
                continue  # a rule on a fixed value is checked by its effect only when the lab can provoke it
            source = devices[condition.device]
            # Provoke the condition through the reference field (setpoint) and watch the target follow, both ways.
            high, low = ("35", "5") if condition.op == "below" else ("5", "35")
            steps = ((action.command, high, "on"), (action.otherwise, low, "off"))
            after: tuple[str, ...] = ()
            for wanted, value, label in steps:
                check_id = f"mqtt:rule:{rule.name}:{label}"
                self.add(
                    Check(
                        check_id,
                        f"Règle {rule.name} : {condition.value}={value} → {action.device} {wanted}",
                        f"Rule {rule.name}: {condition.value}={value} → {action.device} {wanted}",
                        where,
                        mqtt(
                            user="controller",
                            password=a.controller_password,
                            action="command",
                            topic=a.topic(self.site.name, source),
                            payload=json.dumps({condition.value: float(value)}),
                            watch=a.topic(self.site.name, devices[action.device]),
                            field=action.field,
                            expect=wanted,
                            timeout=10,
                        ),
                        ("TRI-CP7-C2", "TRI-CP8-C2"),
                        depends=(f"mqtt:data:{source.name}", f"mqtt:data:{action.device}", *after),
                        group="automation",
                    )
                )
                after = (check_id,)

    def video_checks(self) -> None:
        v = self.site.video
        if v is None:
            return
        from officelab.runtime.services.video import RTSP_PORT, camera_address, camera_url, onvif_url, recording_dir

        recorder = v.recorder
        base = tuple(self._ip_checks(recorder))
        for camera in v.cameras:
            url = camera_url(self.site, camera)
            cam_ip = self._ip_checks(camera.node)
            rtsp_id = f"cam:rtsp:{camera.node}"
            self.add(
                Check(
                    rtsp_id,
                    f"La caméra {camera.node} diffuse son flux (RTSP authentifié)",
                    f"Camera {camera.node} streams (authenticated RTSP)",
                    recorder,
                    RtspProbe(url=url),
                    ("TRI-CP1-C3", "TRI-CP7-C1"),
                    depends=(*base, *cam_ip),
                    group="video",
                )
            )
            self.add(
                Check(
                    f"cam:auth:{camera.node}",
                    f"La caméra {camera.node} refuse un mauvais mot de passe",
                    f"Camera {camera.node} refuses a wrong password",
                    recorder,
                    RtspProbe(url=camera_url(self.site, camera, password="wrong-password")),
                    ("TRI-CP7-C4", "TRI-CP1-C4"),
                    expect=False,
                    depends=(rtsp_id,),
                    group="video",
                )
            )
            self.add(
                Check(
                    f"cam:nvr:{camera.node}",
                    f"L'enregistreur reçoit au moins 90 % des images de {camera.node}",
                    f"The recorder gets at least 90% of {camera.node}'s frames",
                    recorder,
                    RecordingProbe(directory=recording_dir(camera), fps=camera.fps, timeout=3.0 * v.segment_seconds),
                    ("TRI-CP7-C2",),
                    depends=(rtsp_id,),
                    deadline=4.0 * v.segment_seconds,
                    group="video",
                )
            )
            self.add(
                Check(
                    f"cam:snapshot:{camera.node}",
                    f"Une capture de {camera.node} montre une image",
                    f"A snapshot of {camera.node} shows a picture",
                    recorder,
                    SnapshotProbe(url=url),
                    ("TRI-CP7-C2", "TRI-CP7-C3"),
                    depends=(rtsp_id,),
                    group="video",
                )
            )
            camera_node = self.topo.nodes[camera.node]
            neighbour = next(
                (
                    hp
                    for hp in self.hosts
                    if hp.fixed is not None
                    and hp.node.name != camera.node
                    and hp.vlan is not None
                    and hp.vlan == self.topo.vlan_of(camera.node, camera_node.interfaces[0].name)
                ),
                None,
            )
            if neighbour is not None:
                self.add(
                    Check(
                        f"cam:onvif:{camera.node}",
                        f"La caméra {camera.node} est découverte en ONVIF (WS-Discovery)",
                        f"Camera {camera.node} is found by ONVIF discovery (WS-Discovery)",
                        neighbour.node.name,
                        WsDiscoveryProbe(name=camera.node),
                        ("TRI-CP7-C1", "TRI-CP7-C3"),
                        depends=(rtsp_id, *self._ip_checks(neighbour.node.name)),
                        group="video",
                    )
                )
                address = camera_address(self.site, camera)
                for wrong in (False, True):
                    onvif = OnvifProbe(
                        url=onvif_url(self.site, camera),
                        user=camera.user,
                        password=("not-" if wrong else "") + camera.password,
                        stream=f"rtsp://{address}:{RTSP_PORT}{camera.path}",
                    )
                    self.add(
                        Check(
                            f"cam:onvif-{'refused' if wrong else 'stream'}:{camera.node}",
                            f"La caméra {camera.node} refuse l'ONVIF avec un mauvais mot de passe"
                            if wrong
                            else f"La caméra {camera.node} donne son flux par ONVIF (GetStreamUri)",
                            f"Camera {camera.node} refuses ONVIF with a wrong password"
                            if wrong
                            else f"Camera {camera.node} gives its stream over ONVIF (GetStreamUri)",
                            neighbour.node.name,
                            onvif,
                            ("TRI-CP1-C4", "TRI-CP7-C1") if wrong else ("TRI-CP7-C1", "TRI-CP7-C3"),
                            expect=not wrong,
                            depends=(f"cam:onvif-stream:{camera.node}",) if wrong else (f"cam:onvif:{camera.node}",),
                            group="video",
                        )
                    )

    def telephony_checks(self) -> None:
        t = self.site.telephony
        if t is None:
            return
        from officelab.probes.spec import SipTrunkProbe
        from officelab.runtime.services.telephony import operator_address, pbx_address

        server = pbx_address(self.site)
        phones = [e for e in t.extensions if e.phone is not None]
        for ext in phones:
            assert ext.phone is not None
            base = tuple(self._ip_checks(ext.phone))
            self.add(
                Check(
                    f"sip:register:{ext.number}",
                    f"Le poste {ext.number} ({ext.name}) s'enregistre sur l'IPBX",
                    f"Extension {ext.number} ({ext.name}) registers on the PBX",
                    ext.phone,
                    SipRegisterProbe(server=server, user=ext.number, password=ext.secret),
                    ("TRI-CP8-C1", "TRI-CP1-C2"),
                    depends=base,
                    group="telephony",
                )
            )
            self.add(
                Check(
                    f"sip:refused:{ext.number}",
                    f"L'IPBX refuse le poste {ext.number} avec un mauvais secret",
                    f"The PBX refuses extension {ext.number} with a wrong secret",
                    ext.phone,
                    SipRegisterProbe(server=server, user=ext.number, password="not-" + ext.secret),
                    ("TRI-CP1-C4", "TRI-CP8-C1"),
                    expect=False,
                    depends=(f"sip:register:{ext.number}",),
                    group="telephony",
                )
            )
        trunk_id = ""
        if t.trunk is not None:
            trunk_id = "sip:trunk"
            self.add(
                Check(
                    trunk_id,
                    f"Le trunk SIP est enregistré chez l'opérateur ({t.trunk.operator})",
                    f"The SIP trunk is registered at the operator ({t.trunk.operator})",
                    t.pbx,
                    SipTrunkProbe(operator=operator_address(self.site, t.trunk), timeout=8),
                    ("TRI-CP8-C2", "TRI-CP8-C1"),
                    depends=tuple(self._ip_checks(t.pbx)),
                    deadline=20,
                    group="telephony",
                )
            )
        self._call_checks(t, trunk_id)

    def _call_checks(self, t: Telephony, trunk_id: str) -> None:
        """One real call per behaviour of the dial plan, one at a time (a phone holds one call): between phones,
        each forward, voicemail, no answer, each ring group, out through the trunk and in to each public number."""
        from officelab.runtime.services.telephony import call_probe, caller_party

        auto = [e for e in t.extensions if e.phone is not None and e.answer == "auto"]
        wanted: list[tuple[str, str, str]] = []  # (kind, caller number, dialled)
        for a, b in zip(auto, auto[1:] + auto[:1], strict=True):
            if a is not b:
                wanted.append(("call", a.number, b.number))
        for ext in t.extensions:
            if ext.forward:
                wanted.append(("forward", "", ext.number))
            elif ext.phone is None and ext.voicemail:
                wanted.append(("voicemail", "", ext.number))
            elif ext.phone is not None and ext.answer == "manual" and (ext.forward_no_answer or ext.voicemail):
                wanted.append(("noanswer", "", ext.number))
            elif ext.phone is not None and (ext.forward_busy or ext.voicemail):
                wanted.append(("busy", "", ext.number))
        wanted += [("group", "", g.number) for g in t.ring_groups]
        if t.trunk is not None and t.trunk.subscribers:
            line = t.trunk.subscribers[0]
            wanted.append(("out", "", t.trunk.prefix + line.number))
            wanted += [("in", line.number, d.number) for d in t.trunk.numbers]
        phones = [e.number for e in t.extensions if e.phone is not None]
        previous: tuple[str, ...] = ()
        for kind, caller_number, dialled in wanted:
            planned = None
            for number in [caller_number] if caller_number else (phones if kind == "busy" else [e.number for e in auto]):
                caller = caller_party(self.site, number)
                # busy: a third phone calls the extension first and holds the call
                holder = next((p for p in phones if p not in (number, dialled)), None) if kind == "busy" else None
                busy_from = caller_party(self.site, holder) if holder is not None else None
                if kind == "busy" and busy_from is None:
                    continue
                planned = call_probe(self.site, caller, dialled, busy_from=busy_from, seconds=1) if caller is not None else None
                if caller is not None and planned is not None and number not in planned[2]:
                    break
                planned = None
            if planned is None or caller is None:
                continue
            spec, answering, path = planned
            # time the call rings before it is answered: phones nobody answers and hunt groups on its way
            ringing = sum(t.no_answer_seconds for e in t.extensions if e.number in path[:-1] and e.answer == "manual") + sum(
                g.ring_seconds * (len(g.members) - 1) for g in t.ring_groups if g.number in path and g.strategy == "hunt"
            )
            spec = spec.model_copy(update={"timeout": min(60.0, 10.0 + ringing)})
            check_id = f"sip:{kind}:{caller.label.removeprefix('line ')}->{dialled}"
            names = {"caller": caller.label, "dialled": dialled, "answering": answering.label, "via": " → ".join(path)}
            title_fr, title_en = (text.format(**names) for text in CALL_TITLES[kind])
            parties = (caller.label, answering.label, dialled, busy_from.label if busy_from is not None else "")
            registered = [f"sip:register:{n}" for n in dict.fromkeys(parties) if f"sip:register:{n}" in self.ids]
            self.add(
                Check(
                    check_id,
                    title_fr,
                    title_en,
                    caller.node,
                    spec,
                    CALL_CRITERIA.get(kind, ("TRI-CP8-C2", "TRI-CP1-C2")),
                    depends=(*registered, *((trunk_id,) if kind in ("out", "in") else ()), *previous),
                    deadline=15 + ringing,
                    group="telephony",
                )
            )
            previous = (check_id,)

    def derive(self) -> list[Check]:
        self.infrastructure_checks()
        self.host_checks()
        self.dns_records()
        self.firewall_checks()
        self.isolation_checks()
        self.directory_checks()
        self.backup_checks()
        self.automation_checks()
        self.video_checks()
        self.telephony_checks()
        self.custom_checks()
        return self.checks


def check_from_spec(spec: SiteCheck, place: str, group: str) -> Check:
    """A check written by a person (in a site file or a field plan)."""
    return Check(
        spec.id,
        spec.title,
        spec.title_en or spec.title,
        place,
        spec.probe,
        tuple(spec.criteria),
        expect=spec.expect == "pass",
        depends=tuple(spec.depends),
        required=spec.required,
        group=group,
    )


def derive_suite(site: Site) -> list[Check]:
    """Every check the site's model implies, plus the site's own."""
    return _Deriver(site).derive()

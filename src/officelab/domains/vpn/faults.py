"""Faults of the user VPN, each made with the real mechanism: the connected user's certificate revoked in the CA's
CRL (the user reconnects and is refused), a wrong route pushed by the server (its configuration edited, the server
restarted), the VPN port closed on the firewall (its rule deleted from the live ruleset)."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import TYPE_CHECKING, ClassVar

from officelab.domains.firewall.model import SELF
from officelab.domains.vpn.facts import pushed_routes
from officelab.domains.vpn.model import Vpn, VpnUser
from officelab.domains.vpn.realise import publish_crl
from officelab.faults import truth as t
from officelab.faults.mechanisms import delete_rules, edit_file, put_back_rules, restart, restore_file
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.runtime import pki
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TRI-CT", "TRI-CP4", "TAI-CP7")


def _user(site: Site) -> tuple[Vpn, VpnUser] | None:
    """The site's VPN and its first connected user (whose tunnel the faults break)."""
    vpn = site.vpn
    connected = vpn.connected() if vpn is not None else []
    return (vpn, connected[0]) if vpn is not None and connected else None


def _client(site: Site) -> str:
    found = _user(site)
    assert found is not None and found[1].node is not None
    return f"{found[1].node}/openvpn-{found[1].name}"


def _reconnect(lab: Lab, daemon: str) -> None:
    """The user's client started again (a user who reconnects), not waited for: it may be refused now."""
    lab.stop_daemon(daemon)
    lab.start_daemon(daemon)


class _VpnFault(Fault):
    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls()] if not cls().problems(site) else []

    def problems(self, site: Site) -> list[str]:
        return [] if _user(site) is not None else ["this site has no VPN user connected from a remote node"]


class VpnCertificateRevoked(_VpnFault):
    kind: ClassVar[str] = "vpn-certificate-revoked"
    title_fr: ClassVar[str] = "Certificat VPN d'un utilisateur révoqué"
    title_en: ClassVar[str] = "A user's VPN certificate revoked"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    def truth(self, site: Site) -> GroundTruth:
        vpn, user = _user(site) or (None, None)
        assert vpn is not None and user is not None
        return GroundTruth(
            f"le certificat VPN de {user.name} est dans la liste de révocation (CRL) du serveur {vpn.server} : il est refusé",
            f"{user.name}'s VPN certificate is in server {vpn.server}'s revocation list (CRL): it is refused",
            f"{vpn.server}: OpenVPN crl.pem ({user.name})",
            f"délivrer un nouveau certificat à {user.name} (ou retirer la révocation faite par erreur) puis reconnecter",
            f"issue {user.name} a new certificate (or undo the mistaken revocation), then reconnect",
            t.ids(site, f"vpn:tunnel:{user.name}"),
        )

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        vpn, user = _user(site) or (None, None)
        assert vpn is not None and user is not None
        ca = lab.dir.path / "pki"
        index = ca / "index.txt"
        before = index.read_text() if index.exists() else ""
        pki.revoke(ca, ca / "vpn" / f"{user.name}.pem")
        publish_crl(lab.dir.path, lab.dir.node_dir(vpn.server))
        _reconnect(lab, _client(site))
        return {"index": before}

    def clear(self, lab: Lab, undo: Undo) -> None:
        site = lab.site()
        vpn = site.vpn
        assert vpn is not None
        (lab.dir.path / "pki" / "index.txt").write_text(undo["index"])
        publish_crl(lab.dir.path, lab.dir.node_dir(vpn.server))
        restart(lab, _client(site))


def _wrong(vpn: Vpn, route: IPv4Network, site: Site) -> IPv4Network:
    """A route one digit off ``route`` (10.10.40.0/24 → 10.10.41.0/24), outside the site's subnets."""
    used = {v.subnet for v in site.vlans}
    step = route.num_addresses
    candidate = route
    while candidate in used or candidate == route:
        candidate = IPv4Network(f"{candidate.network_address + step}/{route.prefixlen}")
    return candidate


class VpnWrongRoute(_VpnFault):
    kind: ClassVar[str] = "vpn-wrong-route"
    title_fr: ClassVar[str] = "Route poussée par le VPN erronée"
    title_en: ClassVar[str] = "Wrong route pushed by the VPN"
    layer: ClassVar[Layer] = Layer.NETWORK
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    def problems(self, site: Site) -> list[str]:
        found = _user(site)
        if found is None:
            return super().problems(site)
        return [] if self._route(site) is not None else ["the VPN pushes no route to a server it checks"]

    @staticmethod
    def _route(site: Site) -> IPv4Network | None:
        """The first pushed route (the servers, on the built-in sites)."""
        vpn = site.vpn
        assert vpn is not None
        routes = pushed_routes(t.topology(site), vpn)
        return routes[0] if routes else None

    def _lines(self, site: Site) -> tuple[str, str]:
        vpn = site.vpn
        route = self._route(site)
        assert vpn is not None and route is not None
        wrong = _wrong(vpn, route, site)
        return f'push "route {route.network_address} {route.netmask}"', f'push "route {wrong.network_address} {wrong.netmask}"'

    def truth(self, site: Site) -> GroundTruth:
        vpn, user = _user(site) or (None, None)
        assert vpn is not None and user is not None
        route = self._route(site)
        right, _ = self._lines(site)
        assert route is not None
        wrong = _wrong(vpn, route, site)
        subnet = next((v for v in site.vlans if v.subnet == route), None)
        ids = [c.id for c in t.checks(site) if c.id == f"vpn:share:{user.name}"]
        if subnet is not None:
            ids.append(f"vpn:flow:{user.name}:{subnet.name}")
        root, _ = t.roots(site, [c.id for c in t.checks(site) if c.id in ids and c.expect])
        return GroundTruth(
            f"le serveur VPN {vpn.server} pousse une mauvaise route ({wrong}) au lieu de {route} : les serveurs sont hors du tunnel",
            f"VPN server {vpn.server} pushes a wrong route ({wrong}) instead of {route}: the servers are outside the tunnel",
            f"{vpn.server}: OpenVPN server.conf (push route)",
            f"corriger la route poussée ({right}) puis redémarrer le serveur VPN",
            f"correct the pushed route ({right}), then restart the VPN server",
            root,
        )

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        vpn = site.vpn
        assert vpn is not None
        right, wrong = self._lines(site)
        undo = edit_file(lab, vpn.server, "run/officelab/vpn/server.conf", right, wrong)
        restart(lab, f"{vpn.server}/openvpn")
        restart(lab, _client(site))  # the client takes the routes it is pushed at its next connection
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        site = lab.site()
        vpn = site.vpn
        assert vpn is not None
        restore_file(lab, undo)
        restart(lab, f"{vpn.server}/openvpn")
        restart(lab, _client(site))


class VpnPortClosed(_VpnFault):
    kind: ClassVar[str] = "vpn-port-closed"
    title_fr: ClassVar[str] = "Port du VPN fermé sur le pare-feu"
    title_en: ClassVar[str] = "VPN port closed on the firewall"
    layer: ClassVar[Layer] = Layer.TRANSPORT
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    def problems(self, site: Site) -> list[str]:
        return super().problems(site) or ([] if self._rule(site) else ["the VPN server has no firewall rule opening its port"])

    @staticmethod
    def _rule(site: Site) -> str | None:
        vpn = site.vpn
        fw = site.node(vpn.server).services.firewall if vpn is not None else None
        if vpn is None or fw is None:
            return None
        return next((r.name for r in fw.rules if r.to == SELF and (not r.ports or vpn.port in r.ports)), None)

    def truth(self, site: Site) -> GroundTruth:
        vpn, user = _user(site) or (None, None)
        assert vpn is not None and user is not None
        rule = self._rule(site)
        tried = [c.id for c in t.checks(site) if c.id.startswith("vpn:accepted:")]
        root, _ = t.roots(site, [f"vpn:tunnel:{user.name}", *tried])
        return GroundTruth(
            f"la règle « {rule} » du pare-feu {vpn.server}, qui ouvre {vpn.proto.upper()} {vpn.port} au VPN, a été supprimée",
            f"firewall {vpn.server}'s rule '{rule}', which opens {vpn.proto.upper()} {vpn.port} to the VPN, was deleted",
            f"{vpn.server}: nftables input (rule {rule})",
            f"rétablir la règle « {rule} » (nft) et l'enregistrer",
            f"put rule '{rule}' back (nft) and save it",
            root,
        )

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        vpn = site.vpn
        assert vpn is not None
        undo = delete_rules(lab, vpn.server, "input", f"rule {self._rule(site)}")
        _reconnect(lab, _client(site))
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        put_back_rules(lab, undo)
        restart(lab, _client(lab.site()))


def catalogue() -> tuple[type[Fault], ...]:
    return (VpnCertificateRevoked, VpnWrongRoute, VpnPortClosed)

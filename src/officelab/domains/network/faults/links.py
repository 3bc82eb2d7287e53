"""Faults of layers 1 and 2: a cable pulled, a switch port shut down, an interface down inside a node, a port in the
wrong VLAN, a VLAN missing from a trunk, a native VLAN mismatch."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.faults import truth as t
from officelab.faults.mechanisms import run
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.runtime.ports import port_behaviour, set_port_admin, set_port_behaviour
from officelab.runtime.vlan import PortVlan
from officelab.site.model import PortMode, Site, split_endpoint
from officelab.site.topology import HostPort, Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

from officelab.domains.network.faults.cabling import TROUBLESHOOT, cabled_hosts, elsewhere, far_end, host_port


class CablePulled(Fault):
    kind: ClassVar[str] = "cable-pulled"
    title_fr: ClassVar[str] = "Câble débranché"
    title_en: ClassVar[str] = "Cable pulled out"
    layer: ClassVar[Layer] = Layer.PHYSICAL
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TAI-CP5")

    at: str = Field(description="the host's end of the cable, NODE:INTERFACE (pc-compta-1:eth0)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(at=f"{hp.node.name}:{hp.iface.name}") for hp in cabled_hosts(site)]

    def problems(self, site: Site) -> list[str]:
        if host_port(site, self.at) is None or far_end(site, self.at) is None:
            some = ", ".join(f"{hp.node.name}:{hp.iface.name}" for hp in cabled_hosts(site)[:4])
            return [f"{self.at} is not a host's cabled interface (e.g. {some})"]
        return []

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        node = split_endpoint(self.at)[0]
        return node, t.other_server(site, node), self.at

    def truth(self, site: Site) -> GroundTruth:
        node = split_endpoint(self.at)[0]
        return GroundTruth(
            f"le câble de {self.at} est débranché (plus de porteuse)",
            f"the cable at {self.at} is unplugged (no carrier)",
            f"{self.at} ↔ {far_end(site, self.at)}",
            f"rebrancher le câble de {self.at}",
            f"plug the cable of {self.at} back",
            t.ids(site, f"link:{self.at}"),
            elsewhere(site, {node}),
        )

    def inject(self, lab: Lab) -> Undo:
        return {"port": lab.set_link(self.at, False)}

    def clear(self, lab: Lab, undo: Undo) -> None:
        lab.set_link(self.at, True)


class PortShutdown(Fault):
    kind: ClassVar[str] = "port-shutdown"
    title_fr: ClassVar[str] = "Port de commutateur désactivé"
    title_en: ClassVar[str] = "Switch port shut down"
    layer: ClassVar[Layer] = Layer.PHYSICAL
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP3", "TAI-CP5")

    port: str = Field(description="the switch port a host is plugged into, SWITCH:PORT (sw-floor:ge3)")

    @staticmethod
    def _ports(site: Site) -> dict[str, str]:
        """Switch port → the host interface at the other end of its cable."""
        found = {}
        for hp in cabled_hosts(site):
            other = far_end(site, f"{hp.node.name}:{hp.iface.name}")
            if other is not None and site.node(split_endpoint(other)[0]).kind.bridges:
                found[other] = f"{hp.node.name}:{hp.iface.name}"
        return found

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(port=p) for p in cls._ports(site)]

    def problems(self, site: Site) -> list[str]:
        ports = self._ports(site)
        return [] if self.port in ports else [f"{self.port} is not a switch port with a host on it (e.g. {', '.join(list(ports)[:4])})"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        node = split_endpoint(self._ports(site)[self.port])[0]
        return node, t.other_server(site, node), self.port

    def truth(self, site: Site) -> GroundTruth:
        host = self._ports(site)[self.port]
        return GroundTruth(
            f"le port {self.port} est désactivé (shutdown) : {host} n'a plus de lien",
            f"port {self.port} is shut down: {host} has no link",
            self.port,
            f"réactiver le port {self.port} (no shutdown)",
            f"enable port {self.port} again (no shutdown)",
            *t.with_configuration(
                site, split_endpoint(self.port)[0], t.ids(site, f"link:{host}"), elsewhere(site, {split_endpoint(host)[0]})
            ),
        )

    def inject(self, lab: Lab) -> Undo:
        return {"port": set_port_admin(lab, self.port, False)}

    def clear(self, lab: Lab, undo: Undo) -> None:
        set_port_admin(lab, self.port, True)


class InterfaceDown(Fault):
    kind: ClassVar[str] = "interface-down"
    title_fr: ClassVar[str] = "Interface désactivée sur le poste"
    title_en: ClassVar[str] = "Interface down inside the node"
    layer: ClassVar[Layer] = Layer.PHYSICAL
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TAI-CP3")

    at: str = Field(description="NODE:INTERFACE set down on the node itself (ip link set … down)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(at=f"{hp.node.name}:{hp.iface.name}") for hp in cabled_hosts(site)]

    def problems(self, site: Site) -> list[str]:
        return [] if host_port(site, self.at) is not None else [f"{self.at} is not a host's interface"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        node = split_endpoint(self.at)[0]
        return node, t.other_server(site, node), self.at

    def truth(self, site: Site) -> GroundTruth:
        node = split_endpoint(self.at)[0]
        return GroundTruth(
            f"l'interface {self.at} est désactivée sur le poste (state DOWN)",
            f"interface {self.at} is administratively down on the node (state DOWN)",
            self.at,
            f"réactiver l'interface (ip link set {split_endpoint(self.at)[1]} up) et sa route par défaut",
            f"bring the interface up (ip link set {split_endpoint(self.at)[1]} up) and its default route back",
            t.ids(site, f"link:{self.at}"),
            elsewhere(site, {node}),
        )

    def inject(self, lab: Lab) -> Undo:
        node, iface = split_endpoint(self.at)
        routes = json.loads(run(lab, node, ["ip", "-j", "route", "show", "dev", iface], "reading the routes") or "[]")
        run(lab, node, ["ip", "link", "set", "dev", iface, "down"], "setting the interface down")
        return {"routes": [r for r in routes if r.get("gateway")]}

    def clear(self, lab: Lab, undo: Undo) -> None:
        node, iface = split_endpoint(self.at)
        run(lab, node, ["ip", "link", "set", "dev", iface, "up"], "setting the interface up")
        for route in undo["routes"]:  # a link set down loses the routes through it
            run(lab, node, ["ip", "route", "replace", route["dst"], "via", route["gateway"], "dev", iface], "restoring a route")


def _access_ports(site: Site) -> dict[str, tuple[str, int]]:
    """Access port → (the host interface on it, its planned VLAN id)."""
    topo = Topology(site)
    found = {}
    for port, host in PortShutdown._ports(site).items():
        node, name = split_endpoint(port)
        sp = next(p for p in site.node(node).ports if name in p.names())
        vid = topo.vlan_id(sp.vlan)
        if sp.mode is PortMode.ACCESS and vid is not None:
            found[port] = (host, vid)
    return found


def _trunk_ports(site: Site) -> dict[str, tuple[list[int], int | None]]:
    """Switch trunk ports on a cable → (allowed VLAN ids, native VLAN id)."""
    topo = Topology(site)
    cabled = {lk.a for lk in site.links} | {lk.b for lk in site.links}
    found = {}
    for node in site.nodes:
        if not node.kind.bridges:
            continue
        for sp in node.ports:
            if sp.mode is PortMode.TRUNK:
                for name in sp.names():
                    if f"{node.name}:{name}" in cabled:
                        allowed = [v for v in (topo.vlan_id(r) for r in sp.vlans) if v is not None]
                        found[f"{node.name}:{name}"] = (allowed, topo.vlan_id(sp.native))
    return found


def _vlan_hosts_behind(site: Site, port: str, vid: int) -> list[HostPort]:
    behind = t.hosts_behind(site, port)
    return [hp for hp in Topology(site).hosts if hp.node.name in behind and hp.vlan is not None and hp.vlan.id == vid]


def _cut_off(site: Site, hosts: list[HostPort], vid: int, behind: set[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The checks that fail when ``hosts`` (of VLAN ``vid``) lose their gateway: their gateway checks (their
    leases outlive the fault), and as consequences their addresses (at a renewal), the VLAN's DHCP check, the
    management of switches behind, and whatever addresses them."""
    names = {hp.node.name for hp in hosts}
    switches = {n.name for n in site.nodes if n.name in behind and n.kind.bridges and n.management is not None}
    mgmt = [s for s in switches if Topology(site).vlan_id(site.node(s).management.vlan) == vid]  # type: ignore[union-attr]
    dhcp = [c.id for c in t.checks(site) if c.id == f"dhcp:vlan{vid}" and c.place in names]  # its vantage point is cut off
    failing = [*t.ids(site, *(f"gw:{n}" for n in sorted(names))), *t.ids(site, *(f"mgmt:{s}" for s in sorted(mgmt))), *dhcp]
    fails, blocked = t.roots(site, failing)
    # Their own checks that do not need the gateway run and may fail too (a moved host's layer-2 isolation check
    # finds the other VLAN's hosts on its segment).
    may = (*blocked, *t.ids(site, f"dhcp:vlan{vid}"), *t.addressing(site, names))
    return fails, may


class PortWrongVlan(Fault):
    kept_in_state: ClassVar[bool] = True
    kind: ClassVar[str] = "port-wrong-vlan"
    title_fr: ClassVar[str] = "Port dans le mauvais VLAN"
    title_en: ClassVar[str] = "Port in the wrong VLAN"
    layer: ClassVar[Layer] = Layer.DATALINK
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP3", "TAI-CP5")

    port: str = Field(description="an access port with a host, SWITCH:PORT")
    vlan: int = Field(description="the VLAN id it is moved to (another of the site's)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        vids = [v.id for v in site.vlans]
        return [cls(port=p, vlan=next(v for v in vids if v != vid)) for p, (_, vid) in _access_ports(site).items() if len(vids) > 1]

    def problems(self, site: Site) -> list[str]:
        ports = _access_ports(site)
        if self.port not in ports:
            return [f"{self.port} is not an access port with a host (e.g. {', '.join(list(ports)[:4])})"]
        if self.vlan == ports[self.port][1] or self.vlan not in {v.id for v in site.vlans}:
            return [f"vlan must be another of the site's VLANs than {ports[self.port][1]}: {', '.join(str(v.id) for v in site.vlans)}"]
        return []

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        node = split_endpoint(_access_ports(site)[self.port][0])[0]
        return node, t.other_server(site, node), self.port

    def truth(self, site: Site) -> GroundTruth:
        host, planned = _access_ports(site)[self.port]
        hp = host_port(site, host)
        assert hp is not None
        fails, may = t.with_configuration(site, split_endpoint(self.port)[0], *_cut_off(site, [hp], planned, set()))
        return GroundTruth(
            f"le port {self.port} est dans le VLAN {self.vlan} ; le plan prévoit le VLAN {planned} pour {host}",
            f"port {self.port} is in VLAN {self.vlan}; the site plans VLAN {planned} for {host}",
            self.port,
            f"remettre {self.port} dans le VLAN {planned} (switchport access vlan {planned})",
            f"put {self.port} back in VLAN {planned} (switchport access vlan {planned})",
            fails,
            may,
        )

    def inject(self, lab: Lab) -> Undo:
        before = port_behaviour(lab, self.port)
        created = set_port_behaviour(lab, self.port, PortVlan.access_port(self.vlan))
        return {**_behaviour(before), "created": created}

    def clear(self, lab: Lab, undo: Undo) -> None:
        behaviour = PortVlan(tuple(undo["allowed"]), undo["native"], undo["access"])
        set_port_behaviour(lab, self.port, behaviour, tuple(undo.get("created", ())))


def _behaviour(port: PortVlan | None) -> Undo:
    assert port is not None
    return {"allowed": list(port.allowed), "native": port.native, "access": port.access}


class _TrunkFault(Fault):
    """A trunk port that stops carrying one VLAN (missing from its allowed list, or sent untagged)."""

    kept_in_state: ClassVar[bool] = True

    port: str = Field(description="a switch's trunk port on a cable, SWITCH:PORT")
    vlan: int = Field(description="the VLAN id concerned")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        found: list[Fault] = []
        for port, (allowed, native) in _trunk_ports(site).items():
            for vid in allowed:
                if vid != native and _vlan_hosts_behind(site, port, vid):
                    found.append(cls(port=port, vlan=vid))
        return found

    def problems(self, site: Site) -> list[str]:
        trunks = _trunk_ports(site)
        if self.port not in trunks:
            return [f"{self.port} is not a cabled trunk port (the site's: {', '.join(trunks) or 'none'})"]
        allowed, native = trunks[self.port]
        if self.vlan not in allowed or self.vlan == native:
            return [f"VLAN {self.vlan} is not carried tagged on {self.port} (it carries {', '.join(map(str, allowed))})"]
        if not _vlan_hosts_behind(site, self.port, self.vlan):
            return [f"no host of VLAN {self.vlan} is behind {self.port}: the fault would change nothing to find"]
        return []

    def _cut(self, site: Site) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return _cut_off(site, _vlan_hosts_behind(site, self.port, self.vlan), self.vlan, t.hosts_behind(site, self.port))

    def changed(self, before: PortVlan) -> PortVlan:
        raise NotImplementedError

    def inject(self, lab: Lab) -> Undo:
        before = port_behaviour(lab, self.port)
        assert before is not None
        set_port_behaviour(lab, self.port, self.changed(before))
        return _behaviour(before)

    def clear(self, lab: Lab, undo: Undo) -> None:
        set_port_behaviour(lab, self.port, PortVlan(tuple(undo["allowed"]), undo["native"], undo["access"]))


class TrunkVlanMissing(_TrunkFault):
    kind: ClassVar[str] = "trunk-vlan-missing"
    title_fr: ClassVar[str] = "VLAN absent d'un trunk"
    title_en: ClassVar[str] = "VLAN missing from a trunk"
    layer: ClassVar[Layer] = Layer.DATALINK
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP3")

    def changed(self, before: PortVlan) -> PortVlan:
        return PortVlan.trunk_port([v for v in before.allowed if v != self.vlan], before.native)

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        node = _vlan_hosts_behind(site, self.port, self.vlan)[0].node.name
        return node, t.other_server(site, node), self.port

    def truth(self, site: Site) -> GroundTruth:
        fails, may = t.with_configuration(site, split_endpoint(self.port)[0], *self._cut(site))
        return GroundTruth(
            f"le VLAN {self.vlan} n'est pas autorisé sur le trunk {self.port} : les hôtes du VLAN {self.vlan} derrière lui sont isolés",
            f"VLAN {self.vlan} is not allowed on trunk {self.port}: the hosts of VLAN {self.vlan} behind it are cut off",
            self.port,
            f"ajouter le VLAN {self.vlan} au trunk (switchport trunk allowed vlan add {self.vlan})",
            f"add VLAN {self.vlan} to the trunk (switchport trunk allowed vlan add {self.vlan})",
            fails,
            may,
        )


class NativeVlanMismatch(_TrunkFault):
    kind: ClassVar[str] = "native-vlan-mismatch"
    title_fr: ClassVar[str] = "VLAN natif différent aux deux bouts d'un trunk"
    title_en: ClassVar[str] = "Native VLAN mismatch on a trunk"
    layer: ClassVar[Layer] = Layer.DATALINK
    difficulty: ClassVar[int] = 3
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP3")

    def changed(self, before: PortVlan) -> PortVlan:
        # This end sends VLAN `vlan` untagged; the other end, which expects it tagged, drops those frames (and
        # the frames it receives tagged for it go nowhere on this end): the VLAN is cut across the trunk.
        return PortVlan.trunk_port(list(before.allowed), self.vlan)

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        node = _vlan_hosts_behind(site, self.port, self.vlan)[0].node.name
        return node, t.other_server(site, node), self.port

    def truth(self, site: Site) -> GroundTruth:
        fails, may = t.with_configuration(site, split_endpoint(self.port)[0], *self._cut(site))
        other = far_end(site, self.port)
        return GroundTruth(
            f"le trunk {self.port} a le VLAN natif {self.vlan}, l'autre bout ({other}) aucun : le VLAN {self.vlan} ne passe plus",
            f"trunk {self.port} has native VLAN {self.vlan}, its other end ({other}) none: VLAN {self.vlan} no longer crosses it",
            self.port,
            f"mettre le même VLAN natif aux deux bouts (ici : aucun, VLAN {self.vlan} étiqueté)",
            f"set the same native VLAN on both ends (here: none, VLAN {self.vlan} tagged)",
            fails,
            may,
        )

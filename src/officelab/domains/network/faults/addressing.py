"""Faults of layer 3 on a host with a static address: a wrong address, mask or gateway, a missing default route,
its address claimed by another host (duplicate address)."""

from __future__ import annotations

import contextlib
import json
from ipaddress import IPv4Address, IPv4Interface
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.core.errors import OfficeLabError
from officelab.faults import truth as t
from officelab.faults.mechanisms import run
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site, split_endpoint
from officelab.site.topology import HostPort

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

from officelab.domains.network.faults.cabling import TROUBLESHOOT, cabled_hosts, elsewhere


def _static_hosts(site: Site) -> list[HostPort]:
    return [hp for hp in cabled_hosts(site) if hp.iface.address is not None and hp.gateway is not None]


class _StaticFault(Fault):
    """A static host's own IP configuration changed by hand."""

    node: str = Field(description="a host with a static address")

    def hostport(self, site: Site) -> HostPort:
        hp = next((h for h in _static_hosts(site) if h.node.name == self.node), None)
        assert hp is not None
        return hp

    def problems(self, site: Site) -> list[str]:
        names = [h.node.name for h in _static_hosts(site)]
        return [] if self.node in names else [f"{self.node} is not a host with a static address and a gateway ({', '.join(names[:5])}…)"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return self.node, t.other_server(site, self.node), self.node

    def consequences(self, site: Site, what_fr: str, what_en: str, fix_fr: str, fix_en: str) -> GroundTruth:
        hp = self.hostport(site)
        return GroundTruth(
            f"{self.node} : {what_fr}",
            f"{self.node}: {what_en}",
            f"{self.node}:{hp.iface.name}",
            fix_fr,
            fix_en,
            t.ids(site, f"ip:{self.node}:{hp.iface.name}"),
            elsewhere(site, {self.node}),
        )

    def routes(self, lab: Lab, iface: str) -> list[dict[str, str]]:
        routes = json.loads(run(lab, self.node, ["ip", "-j", "route", "show", "dev", iface], "reading the routes") or "[]")
        return [r for r in routes if r.get("gateway")]

    def put_routes(self, lab: Lab, iface: str, routes: list[dict[str, str]]) -> None:
        for route in routes:
            run(lab, self.node, ["ip", "route", "replace", route["dst"], "via", route["gateway"], "dev", iface], "restoring a route")


class WrongAddress(_StaticFault):
    kind: ClassVar[str] = "wrong-address"
    title_fr: ClassVar[str] = "Adresse IP statique erronée"
    title_en: ClassVar[str] = "Wrong static IP address"
    layer: ClassVar[Layer] = Layer.NETWORK
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP1", "TAI-CP3")

    address: str = Field(default="", description="the wrong address, CIDR (default: the planned one +100, same mask)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(node=h.node.name) for h in _static_hosts(site)]

    def wrong(self, site: Site) -> IPv4Interface:
        planned = self.hostport(site).iface.address
        assert planned is not None
        if self.address:
            return IPv4Interface(self.address)
        hosts = list(planned.network.hosts())
        index = (hosts.index(planned.ip) + 100) % len(hosts)
        return IPv4Interface(f"{hosts[index]}/{planned.network.prefixlen}")

    def problems(self, site: Site) -> list[str]:
        found = super().problems(site)
        if not found and self.address:
            try:
                IPv4Interface(self.address)
            except ValueError:
                return [f"address must be an IPv4 address with its mask (10.10.40.99/24), not {self.address!r}"]
        return found

    def truth(self, site: Site) -> GroundTruth:
        planned = self.hostport(site).iface.address
        return self.consequences(
            site,
            f"adresse {self.wrong(site)} au lieu de {planned} (plan d'adressage)",
            f"address {self.wrong(site)} instead of {planned} (addressing plan)",
            f"reconfigurer {planned} sur {self.node}",
            f"configure {planned} again on {self.node}",
        )

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        hp = self.hostport(site)
        planned, wrong = hp.iface.address, self.wrong(site)
        routes = self.routes(lab, hp.iface.name)
        # Removed first: deleting a primary address deletes the secondaries of its subnet with it.
        run(lab, self.node, ["ip", "address", "del", str(planned), "dev", hp.iface.name], "removing the planned address")
        run(lab, self.node, ["ip", "address", "add", str(wrong), "dev", hp.iface.name], "adding the wrong address")
        with contextlib.suppress(OfficeLabError):  # a gateway outside the wrong subnet: that is part of the fault
            self.put_routes(lab, hp.iface.name, routes)
        return {"wrong": str(wrong), "planned": str(planned), "routes": routes}

    def clear(self, lab: Lab, undo: Undo) -> None:
        iface = self.hostport(lab.site()).iface.name
        run(lab, self.node, ["ip", "address", "del", undo["wrong"], "dev", iface], "removing the wrong address")
        run(lab, self.node, ["ip", "address", "add", undo["planned"], "dev", iface], "putting the planned address back")
        self.put_routes(lab, iface, undo["routes"])


class WrongMask(WrongAddress):
    kind: ClassVar[str] = "wrong-mask"
    title_fr: ClassVar[str] = "Masque de sous-réseau erroné"
    title_en: ClassVar[str] = "Wrong subnet mask"
    difficulty: ClassVar[int] = 2

    prefix: int = Field(default=0, ge=0, le=32, description="the wrong prefix length (default: the planned one + 4)")

    def wrong(self, site: Site) -> IPv4Interface:
        planned = self.hostport(site).iface.address
        assert planned is not None
        prefix = self.prefix or min(planned.network.prefixlen + 4, 30)
        return IPv4Interface(f"{planned.ip}/{prefix}")


class WrongGateway(_StaticFault):
    kind: ClassVar[str] = "wrong-gateway"
    title_fr: ClassVar[str] = "Passerelle par défaut erronée"
    title_en: ClassVar[str] = "Wrong default gateway"
    layer: ClassVar[Layer] = Layer.NETWORK
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP1", "TAI-CP3")

    gateway: str = Field(default="", description="the wrong gateway (default: another address of its subnet)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(node=h.node.name) for h in _static_hosts(site)]

    def wrong(self, site: Site) -> IPv4Address:
        hp = self.hostport(site)
        if self.gateway:
            return IPv4Address(self.gateway)
        assert hp.iface.address is not None and hp.gateway is not None
        return next(a for a in reversed(list(hp.iface.address.network.hosts())) if a not in (hp.gateway, hp.iface.address.ip))

    def truth(self, site: Site) -> GroundTruth:
        planned = self.hostport(site).gateway
        return self.consequences(
            site,
            f"passerelle {self.wrong(site)} au lieu de {planned}",
            f"gateway {self.wrong(site)} instead of {planned}",
            f"remettre la route par défaut via {planned}",
            f"set the default route via {planned} again",
        )

    def inject(self, lab: Lab) -> Undo:
        hp = self.hostport(lab.site())
        run(
            lab,
            self.node,
            ["ip", "route", "replace", "default", "via", str(self.wrong(lab.site())), "dev", hp.iface.name],
            "changing the gateway",
        )
        return {"gateway": str(hp.gateway)}

    def clear(self, lab: Lab, undo: Undo) -> None:
        iface = self.hostport(lab.site()).iface.name
        run(lab, self.node, ["ip", "route", "replace", "default", "via", undo["gateway"], "dev", iface], "restoring the gateway")


class RouteMissing(_StaticFault):
    kind: ClassVar[str] = "route-missing"
    title_fr: ClassVar[str] = "Route par défaut absente"
    title_en: ClassVar[str] = "Default route missing"
    layer: ClassVar[Layer] = Layer.NETWORK
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP1", "TAI-CP3")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(node=h.node.name) for h in _static_hosts(site)]

    def truth(self, site: Site) -> GroundTruth:
        planned = self.hostport(site).gateway
        return self.consequences(
            site,
            "aucune route par défaut",
            "no default route",
            f"ajouter la route par défaut via {planned}",
            f"add the default route via {planned}",
        )

    def inject(self, lab: Lab) -> Undo:
        hp = self.hostport(lab.site())
        run(lab, self.node, ["ip", "route", "del", "default"], "removing the default route")
        return {"gateway": str(hp.gateway)}

    def clear(self, lab: Lab, undo: Undo) -> None:
        iface = self.hostport(lab.site()).iface.name
        run(lab, self.node, ["ip", "route", "replace", "default", "via", undo["gateway"], "dev", iface], "restoring the route")


class DuplicateAddress(Fault):
    """Another host of the segment is given a static host's address by mistake, and announces it (gratuitous ARP),
    as a host does when its address is configured: the neighbours' ARP caches now send part of the traffic there."""

    kind: ClassVar[str] = "duplicate-ip"
    title_fr: ClassVar[str] = "Adresse IP en double"
    title_en: ClassVar[str] = "Duplicate IP address"
    layer: ClassVar[Layer] = Layer.NETWORK
    difficulty: ClassVar[int] = 3
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP1", "TAI-CP3", "TAI-CP5")

    victim: str = Field(description="the static host whose address is claimed")
    intruder: str = Field(description="NODE:INTERFACE of the host of the same VLAN that claims it")

    @staticmethod
    def _pairs(site: Site) -> list[tuple[HostPort, HostPort]]:
        hosts = cabled_hosts(site)
        return [
            (v, i)
            for v in _static_hosts(site)
            for i in hosts
            if i.node.name != v.node.name and i.vlan is not None and v.vlan is not None and i.vlan.id == v.vlan.id
        ]

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(victim=v.node.name, intruder=f"{i.node.name}:{i.iface.name}") for v, i in cls._pairs(site)]

    def pair(self, site: Site) -> tuple[HostPort, HostPort] | None:
        return next(
            ((v, i) for v, i in self._pairs(site) if v.node.name == self.victim and f"{i.node.name}:{i.iface.name}" == self.intruder), None
        )

    def problems(self, site: Site) -> list[str]:
        if self.pair(site) is None:
            some = ", ".join(f"{v.node.name} ← {i.node.name}:{i.iface.name}" for v, i in self._pairs(site)[:3])
            return [f"{self.intruder} is not a host in the same VLAN as the static host {self.victim} (e.g. {some})"]
        return []

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return self.victim, t.other_server(site, self.victim), split_endpoint(self.intruder)[0]

    def truth(self, site: Site) -> GroundTruth:
        found = self.pair(site)
        assert found is not None
        victim = found[0]
        address = victim.iface.address
        return GroundTruth(
            f"{self.intruder} s'est vu attribuer l'adresse {address} de {self.victim} (adresse en double)",
            f"{self.intruder} was given {self.victim}'s address {address} (duplicate address)",
            self.intruder,
            f"retirer {address} de {self.intruder} et lui donner une adresse libre du plan",
            f"remove {address} from {self.intruder} and give it a free address of the plan",
            t.ids(site, f"ip:{self.victim}:{victim.iface.name}"),
            elsewhere(site, {self.victim}),  # what reaches the victim may reach the intruder instead
        )

    def inject(self, lab: Lab) -> Undo:
        found = self.pair(lab.site())
        assert found is not None
        address = found[0].iface.address
        node, iface = split_endpoint(self.intruder)
        run(lab, node, ["ip", "address", "add", str(address), "dev", iface], "adding the duplicate address")
        run(lab, node, ["busybox", "arping", "-U", "-c", "1", "-I", iface, str(address.ip)], "announcing it (gratuitous ARP)")  # type: ignore[union-attr]
        return {"address": str(address)}

    def clear(self, lab: Lab, undo: Undo) -> None:
        found = self.pair(lab.site())
        assert found is not None
        node, iface = split_endpoint(self.intruder)
        run(lab, node, ["ip", "address", "del", undo["address"], "dev", iface], "removing the duplicate address")
        # The rightful owner announces itself again, as a technician does (arping -U) so that caches heal at once.
        address = undo["address"].split("/")[0]
        run(lab, self.victim, ["busybox", "arping", "-U", "-c", "1", "-I", found[0].iface.name, address], "announcing the owner")

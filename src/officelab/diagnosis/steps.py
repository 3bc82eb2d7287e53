"""What every step of a diagnosis walk shares: the source host and its interface, the target, running a probe on
a node, recording a step and concluding (which stops the walk)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from officelab.core.errors import OfficeLabError
from officelab.core.probe import ProbeSpecBase
from officelab.diagnosis.model import Diagnosis, Step
from officelab.diagnosis.target import Target
from officelab.probes import Layer, ProbeResult, run_probe
from officelab.runtime.place import NodePlace
from officelab.site.topology import HostPort, Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab


class Stop(Exception):
    """The walk found the broken layer."""


class Steps:
    """The walk's state and its way of taking steps."""

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

    def owner_of(self, mac: str) -> str:
        """The site's host interface that has this MAC (``node:iface``), or ""."""
        return next((f"{p.node.name}:{p.iface.name}" for p in self.topo.hosts if self.topo.mac(p.node.name, p.iface.name) == mac), "")

    def rogue(self, result: ProbeResult) -> None:
        """A DHCP server that is not the site's answered: conclude, naming the host it runs on."""
        mac = str(result.data.get("rogue_mac") or "")
        if not mac:
            return
        owner, vid = self.owner_of(mac) or mac, self.host.vlan.id if self.host.vlan else "?"
        self.conclude(
            f"un serveur DHCP pirate ({result.data.get('rogue')}) répond dans le VLAN {vid}, depuis {owner}",
            f"a rogue DHCP server ({result.data.get('rogue')}) answers in VLAN {vid}, from {owner}",
            owner,
            f"débrancher ou arrêter le serveur DHCP de {owner} ; protéger les ports (DHCP snooping)",
            f"unplug or stop the DHCP server on {owner}; protect the ports (DHCP snooping)",
            "TRI-CP4",
            "TRI-CP5",
        )

    @property
    def ifname(self) -> str:
        return self.host.iface.name

    def cable_end(self) -> str | None:
        endpoint = f"{self.source}:{self.ifname}"
        link = next((lk for lk in self.site.links if endpoint in (lk.a, lk.b)), None)
        return None if link is None else (link.b if link.a == endpoint else link.a)

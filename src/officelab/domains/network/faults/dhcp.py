"""Faults of the DHCP service: a VLAN's scope removed or exhausted, a wrong router or DNS option (the site's
dnsmasq, its configuration edited and the daemon restarted: it reads its scopes at start), and a rogue DHCP server
on a VLAN (another dnsmasq, on a host)."""

from __future__ import annotations

import contextlib
import os
import signal
from ipaddress import IPv4Address, IPv4Interface
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.core.deadline import wait_for
from officelab.core.errors import OfficeLabError
from officelab.domains.network.faults.cabling import TROUBLESHOOT, elsewhere
from officelab.faults import truth as t
from officelab.faults.mechanisms import edit_file, restart, restore_file, run
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.runtime.state import NETNS_DIR, netns_name
from officelab.site.model import Site, split_endpoint
from officelab.site.topology import HostPort, Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab


def dnsmasq_node(site: Site) -> str | None:
    return next((n.name for n in site.nodes if n.services.dhcp is not None), None) or next(
        (n.name for n in site.nodes if n.services.dns is not None and not n.kind.on_internet), None
    )


def scopes(site: Site) -> dict[int, str]:
    """VLAN id → the dnsmasq tag of its scope, for the VLANs with DHCP."""
    return {v.id: f"vlan{v.id}" for v in site.vlans if v.dhcp is not None} if dnsmasq_node(site) else {}


def dhcp_hosts(site: Site, vid: int) -> list[HostPort]:
    return [hp for hp in Topology(site).hosts if hp.iface.dhcp and hp.vlan is not None and hp.vlan.id == vid]


class DnsmasqEdit(Fault):
    """A line of the site's DNS/DHCP server's configuration changed, then the server restarted (dnsmasq reads its
    scopes and forwarders at start; its cache goes with it)."""

    kept_in_state: ClassVar[bool] = True

    def line(self, site: Site) -> tuple[str, str]:
        """The configuration line changed: (as it is, as the fault makes it)."""
        raise NotImplementedError

    def change(self, lab: Lab, node: str) -> tuple[str, str]:
        """The change on this lab (by default `line`, from the site alone)."""
        return self.line(lab.site())

    def inject(self, lab: Lab) -> Undo:
        node = dnsmasq_node(lab.site())
        assert node is not None
        old, new = self.change(lab, node)
        undo = edit_file(lab, node, "dnsmasq.conf", old, new)
        restart(lab, f"{node}/dnsmasq")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        restart(lab, f"{undo['node']}/dnsmasq")


class _DhcpFault(DnsmasqEdit):
    """A change to one VLAN's DHCP scope. The leases already given outlive it; a renewal may not."""

    vlan: int = Field(description="the VLAN id of a DHCP scope")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(vlan=v) for v in scopes(site)]

    def problems(self, site: Site) -> list[str]:
        known = scopes(site)
        return [] if self.vlan in known else [f"VLAN {self.vlan} has no DHCP scope (scopes: {', '.join(map(str, known)) or 'none'})"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        node = t.place_of(site, f"dhcp:vlan{self.vlan}")
        return (node, t.other_server(site, node), f"VLAN {self.vlan}") if node else None

    def cut(self, site: Site, what_fr: str, what_en: str, fix_fr: str, fix_en: str, where: str) -> GroundTruth:
        hosts = dhcp_hosts(site, self.vlan)
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
        node = dnsmasq_node(site)
        return self.cut(
            site,
            f"le serveur DHCP ({node}) n'a plus d'étendue pour le VLAN {self.vlan} : aucun bail n'est donné",
            f"the DHCP server ({node}) has no scope for VLAN {self.vlan} any more: no lease is given",
            f"recréer l'étendue du VLAN {self.vlan} sur {node}",
            f"create VLAN {self.vlan}'s scope again on {node}",
            f"{node}: dhcp-range vlan{self.vlan}",
        )


class DhcpScopeExhausted(_DhcpFault):
    """Every address of a VLAN's pool is in use: the pool is reduced to the addresses other hosts already hold
    (a scope sized for fewer devices than the VLAN has), so a host that asks now gets no offer."""

    kind: ClassVar[str] = "dhcp-scope-exhausted"
    title_fr: ClassVar[str] = "Étendue DHCP épuisée"
    title_en: ClassVar[str] = "DHCP scope exhausted"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 3
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP5", "TAI-CP7")

    @staticmethod
    def askers(site: Site, vid: int) -> set[str]:
        """The hosts the VLAN's DHCP check may ask from: none of them may keep an address of the pool."""
        return {v.place for c in t.checks(site) if c.id == f"dhcp:vlan{vid}" for v in c.vantages}

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [
            cls(vlan=v)
            for v in scopes(site)
            if any(h.iface.reserve is None and h.node.name not in cls.askers(site, v) for h in dhcp_hosts(site, v))
        ]

    def truth(self, site: Site) -> GroundTruth:
        node = dnsmasq_node(site)
        return self.cut(
            site,
            f"l'étendue DHCP du VLAN {self.vlan} sur {node} est épuisée : plus aucune adresse libre à donner",
            f"VLAN {self.vlan}'s DHCP scope on {node} is exhausted: no free address left to give",
            f"agrandir l'étendue du VLAN {self.vlan} (ou raccourcir les baux, libérer les adresses)",
            f"enlarge VLAN {self.vlan}'s scope (or shorten the leases, free addresses)",
            f"{node}: DHCP pool of VLAN {self.vlan} exhausted",
        )

    def change(self, lab: Lab, node: str) -> tuple[str, str]:
        """The scope's range line → one range per address that a host the DHCP check does not ask from holds."""
        site = lab.site()
        topo = Topology(site)
        askers = self.askers(site, self.vlan)
        others = {
            topo.mac(h.node.name, h.iface.name)
            for h in dhcp_hosts(site, self.vlan)
            if h.iface.reserve is None and h.node.name not in askers
        }
        leases = [ln.split() for ln in (lab.dir.node_dir(node) / "dnsmasq.leases").read_text().splitlines()]
        held = sorted({IPv4Address(f[2]) for f in leases if len(f) > 2 and f[1] in others})
        if not held:
            raise OfficeLabError(f"VLAN {self.vlan}: no lease held by a host the DHCP check does not ask from: fault not injected")
        conf = (lab.dir.node_dir(node) / "dnsmasq.conf").read_text()
        line = next((ln for ln in conf.splitlines() if ln.startswith(f"dhcp-range=set:vlan{self.vlan},")), None)
        if line is None:
            raise OfficeLabError(f"{node}: no scope for VLAN {self.vlan} in dnsmasq.conf (changed by hand?): fault not injected")
        tag, _start, _end, *rest = line.split(",")
        return f"{line}\n", "".join(f"{','.join([tag, str(a), str(a), *rest])}\n" for a in held)


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
        node = dnsmasq_node(site)
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
        node = dnsmasq_node(site)
        assert node is not None
        prefix = _scope_lines(site, self.vlan, self.option)
        _, wrong = self._vlan(site)
        return prefix, f"{prefix}{wrong},"  # the wrong server first: clients ask it first

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return None  # the leases given keep the right DNS until they are renewed: nothing to see from a host yet

    def truth(self, site: Site) -> GroundTruth:
        _, wrong = self._vlan(site)
        node = dnsmasq_node(site)
        return self.cut(
            site,
            f"le serveur DHCP ({node}) annonce le serveur DNS {wrong}, qui n'en est pas un, dans le VLAN {self.vlan}",
            f"the DHCP server ({node}) hands out DNS server {wrong}, which is none, in VLAN {self.vlan}",
            f"corriger l'option serveurs DNS (6) de l'étendue du VLAN {self.vlan}",
            f"correct the DNS servers option (6) of VLAN {self.vlan}'s scope",
            f"{node}: dhcp-option dns-server vlan{self.vlan}",
        )


ROGUE_LAN = IPv4Interface("192.168.100.1/24")
"""The rogue server's own network, as a consumer box plugged into the office network hands out."""


class RogueDhcpServer(Fault):
    """A DHCP server that is not the site's answers in a VLAN: a real dnsmasq, started on a host of the VLAN with
    an address of its own LAN, as when somebody plugs a home box or a misconfigured device into the network."""

    kind: ClassVar[str] = "rogue-dhcp-server"
    title_fr: ClassVar[str] = "Serveur DHCP pirate sur un VLAN"
    title_en: ClassVar[str] = "Rogue DHCP server on a VLAN"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 3
    competencies: ClassVar[tuple[str, ...]] = (*TROUBLESHOOT, "TRI-CP4", "TRI-CP5")

    at: str = Field(description="NODE:INTERFACE of the host of a DHCP VLAN where the rogue server runs")

    @staticmethod
    def hosts(site: Site) -> list[HostPort]:
        """DHCP hosts of VLANs with a scope, the VLAN's DHCP check's own vantage points last."""
        found = [hp for v in scopes(site) for hp in dhcp_hosts(site, v) if hp.iface.reserve is None]
        asking = {v.place for c in t.checks(site) if c.id.startswith("dhcp:vlan") for v in c.vantages}
        return sorted(found, key=lambda hp: hp.node.name in asking)

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(at=f"{hp.node.name}:{hp.iface.name}") for hp in cls.hosts(site)]

    def host(self, site: Site) -> HostPort | None:
        return next((hp for hp in self.hosts(site) if f"{hp.node.name}:{hp.iface.name}" == self.at), None)

    def problems(self, site: Site) -> list[str]:
        if self.host(site) is None:
            some = ", ".join(f"{hp.node.name}:{hp.iface.name}" for hp in self.hosts(site)[:4])
            return [f"{self.at} is not a DHCP host of a VLAN with a DHCP scope (e.g. {some})"]
        return []

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        hp = self.host(site)
        assert hp is not None and hp.vlan is not None
        return t.place_of(site, f"dhcp:vlan{hp.vlan.id}"), f"dhcp:vlan{hp.vlan.id}", hp.node.name

    def truth(self, site: Site) -> GroundTruth:
        hp = self.host(site)
        assert hp is not None and hp.vlan is not None
        vid = hp.vlan.id
        may = (*(f"ip:{h.node.name}:{h.iface.name}" for h in dhcp_hosts(site, vid)), *elsewhere(site, {hp.node.name}))
        return GroundTruth(
            f"un serveur DHCP pirate ({ROGUE_LAN.ip}, sur {self.at}) répond dans le VLAN {vid} : des postes reçoivent {ROGUE_LAN.network}",
            f"a rogue DHCP server ({ROGUE_LAN.ip}, on {self.at}) answers in VLAN {vid}: hosts get addresses of {ROGUE_LAN.network}",
            self.at,
            f"débrancher ou arrêter le serveur DHCP pirate de {self.at} (et protéger les ports : DHCP snooping)",
            f"unplug or stop the rogue DHCP server on {self.at} (and protect the ports: DHCP snooping)",
            t.ids(site, f"dhcp:vlan{vid}"),
            tuple(may),
        )

    def pidfile(self, lab: Lab) -> Path:
        """Where its process id (as this machine sees it) is kept: the lab's own state, which no node sees."""
        return lab.dir.path / f"rogue-dhcp-{split_endpoint(self.at)[0]}.pid"

    def running(self, lab: Lab) -> int:
        """The rogue server's process id if it is still the one this fault started (a dnsmasq with its pool, in
        the node's network namespace), else 0: nothing else is ever signalled."""
        pidfile = self.pidfile(lab)
        text = pidfile.read_text().strip() if pidfile.exists() else ""
        if not text.isdigit():
            return 0
        pid, proc = int(text), Path(f"/proc/{text}")
        try:
            ours = b"--pid-file=/run/rogue-dhcp.pid" in (proc / "cmdline").read_bytes()
            same_net = os.stat(proc / "ns" / "net").st_ino == os.stat(NETNS_DIR / netns_name(lab.name, split_endpoint(self.at)[0])).st_ino
        except OSError:
            return 0
        return pid if ours and same_net else 0

    def inject(self, lab: Lab) -> Undo:
        node, iface = split_endpoint(self.at)
        run(lab, node, ["ip", "address", "add", str(ROGUE_LAN), "dev", iface], "giving the rogue box its LAN address")
        pool = list(ROGUE_LAN.network.hosts())
        argv = [
            "dnsmasq",
            "--keep-in-foreground",
            "--port=0",  # DHCP only
            "--no-ping",  # answers at once, as a home box does (dnsmasq would first ping the address for seconds)
            "--no-resolv",
            "--no-hosts",
            "--bind-interfaces",
            f"--interface={iface}",
            f"--dhcp-range={pool[49]},{pool[149]},1h",
            "--dhcp-leasefile=/run/rogue-dhcp.leases",  # the node's own /run
            "--pid-file=/run/rogue-dhcp.pid",
        ]
        with open(lab.dir.node_dir(node) / "log" / "rogue-dhcp.log", "ab") as log:
            process = lab.popen(node, argv, stdout=log, stderr=log, start_new_session=True)
        self.pidfile(lab).write_text(f"{process.pid}\n")
        listening = wait_for(lambda: ":67 " in lab.run(node, ["ss", "-uln"], timeout=5).stdout, 10)
        if not listening:
            self.clear(lab, {"address": str(ROGUE_LAN)})
            raise OfficeLabError(f"the rogue DHCP server did not start on {node}: see its log/rogue-dhcp.log")
        return {"address": str(ROGUE_LAN)}

    def clear(self, lab: Lab, undo: Undo) -> None:
        node, iface = split_endpoint(self.at)
        pid = self.running(lab)
        if pid:
            os.kill(pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)  # reap it when this process started it
            if not wait_for(lambda: not Path(f"/proc/{pid}").exists(), 10):
                raise OfficeLabError(f"the rogue DHCP server (pid {pid}) on {node} did not stop")
        self.pidfile(lab).unlink(missing_ok=True)
        with contextlib.suppress(OfficeLabError):  # already gone with a restored snapshot
            run(lab, node, ["ip", "address", "del", undo["address"], "dev", iface], "removing the rogue box's address")

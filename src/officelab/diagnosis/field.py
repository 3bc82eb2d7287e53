"""Field mode: the same bottom-up walk from this machine (the technician's laptop on a customer's network), with
the steps that need no lab internals: the interface towards the target and its link, its address, the gateway,
DNS, the transport, and the web page of a URL. There is no site design to compare with, so each step compares
with what a working network needs (a carrier, an address, an answering gateway, a name that resolves…). A name
is resolved first (through this machine's resolver, hosts file included): which interface and gateway lead to
the target depends on its address."""

from __future__ import annotations

import json
import socket
import time
from ipaddress import IPv4Address
from typing import Any
from urllib.parse import urlsplit

from officelab.core.errors import OfficeLabError
from officelab.diagnosis.model import Diagnosis, Step
from officelab.domains.network.model import HttpProbe, PingProbe, TcpProbe
from officelab.probes import Layer, ProbeResult, run_probe
from officelab.probes.place import LocalPlace


class _Stop(Exception):
    pass


class FieldWalk:
    def __init__(self, target: str) -> None:
        self.text = target
        self.url = target if target.startswith(("http://", "https://")) else ""
        if self.url:
            parts = urlsplit(self.url)
            self.host, self.port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        else:
            host, sep, port = target.rpartition(":")
            self.host, self.port = (host, int(port)) if sep and port.isdigit() else (target, 0)
        if not self.host:
            raise OfficeLabError(f"{target!r}: give a host, an address, HOST:PORT or a URL")
        self.place = LocalPlace()
        self.diagnosis = Diagnosis("here", target)

    def step(self, layer: Layer, fr: str, en: str, ok: bool, evidence: str, probe: str = "") -> None:
        self.diagnosis.steps.append(Step(layer, fr, en, ok, evidence, probe))

    def conclude(self, cause_fr: str, cause_en: str, where: str, fix_fr: str, fix_en: str) -> None:
        d = self.diagnosis
        d.found, d.cause_fr, d.cause_en, d.where, d.fix_fr, d.fix_en = True, cause_fr, cause_en, where, fix_fr, fix_en
        raise _Stop

    def ip(self, *args: str) -> list[dict[str, Any]]:
        """``ip -j …`` on this machine, as a list of JSON objects (empty when it says nothing)."""
        result = self.place.run(["ip", "-j", *args], timeout=5)
        try:
            data = json.loads(result.stdout or "[]")
        except json.JSONDecodeError:
            data = []
        return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []

    # ------------------------------------------------------------------ the layers
    def name(self) -> IPv4Address:
        """DNS first when the target is a name: which interface to look at depends on the address."""
        try:
            return IPv4Address(self.host)
        except ValueError:
            pass
        try:
            found = socket.getaddrinfo(self.host, None, socket.AF_INET, socket.SOCK_STREAM)
        except OSError as exc:
            self.step(Layer.APPLICATION, f"DNS {self.host}", f"DNS {self.host}", False, f"cannot resolve {self.host}: {exc}", "dns")
            self.conclude(
                f"le nom {self.host} ne se résout pas depuis ce poste",
                f"{self.host} does not resolve from this machine",
                "DNS",
                "vérifier le serveur DNS configuré (resolv.conf, DHCP) et l'enregistrement du nom",
                "check the configured DNS server (resolv.conf, DHCP) and the name's record",
            )
        address = IPv4Address(str(found[0][4][0]))
        self.step(Layer.APPLICATION, f"DNS {self.host}", f"DNS {self.host}", True, f"{self.host} is {address}", "dns")
        return address

    def interface(self, address: IPv4Address) -> str:
        """The route towards the target, its interface's link and its address."""
        route = next(iter(self.ip("route", "get", str(address))), None)
        if route is None:
            self.step(Layer.NETWORK, "route", "route", False, f"no route to {address}", "route")
            self.conclude(
                f"aucune route vers {address} : pas d'adresse ni de passerelle par défaut",
                f"no route to {address}: no address and no default gateway",
                "this machine",
                "obtenir une adresse (DHCP) ou configurer l'adresse et la passerelle",
                "get an address (DHCP) or configure the address and the gateway",
            )
        assert route is not None
        dev = str(route.get("dev", ""))
        link = next(iter(self.ip("link", "show", "dev", dev)), {})
        flags = [str(f) for f in link.get("flags") or []]
        up, carrier = "UP" in flags, "LOWER_UP" in flags
        self.step(Layer.PHYSICAL, f"lien de {dev}", f"{dev} link", up and carrier, f"{dev}: {','.join(flags)}", "link")
        if not (up and carrier):
            self.conclude(
                f"l'interface {dev} est désactivée ou sans porteuse",
                f"interface {dev} is down or has no carrier",
                dev,
                "vérifier le câble (ou le Wi-Fi) et activer l'interface",
                "check the cable (or the Wi-Fi) and bring the interface up",
            )
        held = [f"{a['local']}/{a['prefixlen']}" for i in self.ip("-4", "addr", "show", "dev", dev) for a in i.get("addr_info") or []]
        self.step(Layer.NETWORK, f"adresse de {dev}", f"{dev} address", bool(held), ", ".join(held) or "no IPv4 address", "ipconfig")
        if not held:
            self.conclude(
                f"{dev} n'a pas d'adresse IPv4",
                f"{dev} has no IPv4 address",
                dev,
                "vérifier le DHCP (bail) ou configurer l'adresse",
                "check DHCP (a lease) or configure the address",
            )
        gateway = route.get("gateway")
        if gateway:
            result = run_probe(PingProbe(target=str(gateway)), self.place)
            self.step(Layer.NETWORK, f"passerelle {gateway}", f"gateway {gateway}", result.ok, result.summary, "ping")
            if not result.ok:
                self.conclude(
                    f"la passerelle {gateway} ne répond pas",
                    f"gateway {gateway} does not answer",
                    f"{dev} → {gateway}",
                    "vérifier le réseau local jusqu'au routeur (VLAN, câble) et le routeur",
                    "check the local network up to the router (VLAN, cable) and the router",
                )
        return dev

    def transport(self, address: IPv4Address) -> None:
        result: ProbeResult
        if self.port:
            result = run_probe(TcpProbe(host=str(address), port=self.port), self.place)
            self.step(Layer.TRANSPORT, f"TCP {address}:{self.port}", f"TCP {address}:{self.port}", result.ok, result.summary, "tcp")
        else:
            result = run_probe(PingProbe(target=str(address)), self.place)
            self.step(Layer.NETWORK, f"ping {address}", f"ping {address}", result.ok, result.summary, "ping")
        if not result.ok:
            what = f"tcp/{self.port}" if self.port else "icmp"
            self.conclude(
                f"{self.host} ne répond pas ({what}) : {result.summary}",
                f"{self.host} does not answer ({what}): {result.summary}",
                self.host,
                "vérifier que le service tourne et écoute, et qu'aucun pare-feu ne le filtre",
                "check that the service runs and listens, and that no firewall filters it",
            )

    def service(self) -> None:
        if not self.url:
            return
        result = run_probe(HttpProbe(url=self.url), self.place)
        self.step(Layer.APPLICATION, f"page {self.url}", f"page {self.url}", result.ok, result.summary, "http")
        if not result.ok:
            self.conclude(
                f"le serveur web répond mais pas la page : {result.summary}",
                f"the web server answers, but not with the page: {result.summary}",
                self.host,
                "examiner la configuration du site web (nom, racine, droits)",
                "look at the web site's configuration (name, root, rights)",
            )


def diagnose_here(target: str) -> Diagnosis:
    """Walk bottom-up from this machine towards ``target`` (a host, an address, HOST:PORT or a URL)."""
    start = time.monotonic()
    walk = FieldWalk(target)
    try:
        address = walk.name()  # a name first: the way out depends on the address it has
        walk.interface(address)
        walk.transport(address)
        walk.service()
        walk.step(Layer.APPLICATION, "conclusion", "conclusion", True, "every layer works from this machine")
    except _Stop:
        pass
    walk.diagnosis.seconds = round(time.monotonic() - start, 2)
    return walk.diagnosis

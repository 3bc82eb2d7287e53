"""Field mode: `officelab audit --here SUBNET`, the audit of a real network from this machine, without the site's
file or secrets. What it can do there: find the clear-text services offered (a real TCP connection to each host's
telnet, FTP, HTTP and MQTT ports), try manufacturers' default logins on SSH, and an anonymous MQTT CONNECT. What
needs the design or the secrets (unused ports, password policy, backups, ports outside the design, LDAP binds) is
said not probed."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import asyncssh

from officelab.audit.model import AuditResult, Evidence, Finding, Unprobed
from officelab.audit.rules import ADMIN_HTTP_PORTS, CLEARTEXT_PORTS, DEFAULT_PAIRS
from officelab.core.addressing import field_subnet
from officelab.domains.automation.model import MqttProbe
from officelab.domains.network.model import TcpProbe
from officelab.probes import Layer, ProbeResult, run_probe
from officelab.probes.place import LocalPlace, Place

FIELD_PORTS = {**CLEARTEXT_PORTS, **ADMIN_HTTP_PORTS, 22: "SSH"}
NEEDS_THE_SITE = (
    ("unused-port-enabled", "needs the switches' accounts"),
    ("password-policy", "needs the domain's credentials"),
    ("backup-not-restorable", "needs the backup jobs"),
    ("port-outside-design", "needs the site's design"),
    ("ldap-simple-bind-cleartext", "needs a directory account"),
    ("admin-from-user-vlan", "run it from a user VLAN: every open admin port below is reachable from here"),
)


def ssh_login(host: str, user: str, password: str, place: Place, timeout: float = 6) -> ProbeResult:
    """An SSH password login (authentication only, no command): accepted or refused."""
    sent = f"SSH to {host} as {user} (password)"

    async def login() -> None:
        async with asyncssh.connect(host, username=user, password=password, known_hosts=None, connect_timeout=timeout):
            pass

    try:
        with place.inside():
            asyncio.run(asyncio.wait_for(login(), timeout))
    except asyncssh.PermissionDenied:
        return ProbeResult(False, Layer.APPLICATION, f"{host} refuses {user}", sent)
    except (OSError, asyncssh.Error, TimeoutError) as exc:
        return ProbeResult(False, Layer.TRANSPORT, f"no SSH login at {host}: {exc or type(exc).__name__}", sent)
    return ProbeResult(True, Layer.APPLICATION, f"{host} accepts {user}/{password}", sent, "SSH userauth success")


def audit_here(subnet: str, place: Place | None = None) -> AuditResult:
    """The field audit of ``subnet`` from ``place`` (this machine by default)."""
    where: Place = place or LocalPlace()
    network = field_subnet(subnet, "audit")
    started, start = time.time(), time.monotonic()
    result = AuditResult(site=f"(field) {network}", lab=where.name, started=started)
    hosts = [str(h) for h in network.hosts()] if network.prefixlen < 32 else [str(network.network_address)]
    specs = [TcpProbe(host=h, port=p, timeout=1.0) for h in hosts for p in sorted(FIELD_PORTS)]
    with ThreadPoolExecutor(max_workers=64) as pool:
        opened = [s for s, r in zip(specs, pool.map(lambda s: run_probe(s, where), specs), strict=True) if r.ok]
    result.probes = len(specs)
    for spec in opened:
        if spec.port in CLEARTEXT_PORTS or spec.port in ADMIN_HTTP_PORTS:
            name = FIELD_PORTS[spec.port]
            detail = name if spec.port not in ADMIN_HTTP_PORTS else f"{name} (an admin page, unless the host is a web server)"
            seen = Evidence("tcp", where.name, f"{spec.host}:{spec.port} accepts connections", f"TCP SYN to {spec.host}:{spec.port}")
            result.findings.append(Finding("cleartext-service", f"{spec.host}:{spec.port}", detail, (seen,)))
    tries: list[tuple[str, str, str]] = [(s.host, u, p) for s in opened if s.port == 22 for u, p in DEFAULT_PAIRS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        logins = list(pool.map(lambda t: ssh_login(t[0], t[1], t[2], where), tries))
    result.probes += len(tries)
    for (host, user, password), login in zip(tries, logins, strict=True):
        if login.ok:
            result.findings.append(Finding("ssh-default-credentials", host, f"{user}/{password}", (Evidence.of("ssh", where.name, login),)))
    for spec in (s for s in opened if s.port == 1883):
        answer = run_probe(MqttProbe(host=spec.host, port=1883, tls=False), where)
        result.probes += 1
        if answer.ok:
            result.findings.append(
                Finding("mqtt-anonymous", f"{spec.host}:1883", "anonymous CONNECT accepted", (Evidence.of("mqtt", where.name, answer),))
            )
    result.unprobed = [Unprobed(rule, why) for rule, why in NEEDS_THE_SITE]
    result.duration = time.monotonic() - start
    return result

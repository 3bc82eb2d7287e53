"""The rules' logic: which real probes each rule runs from which node, and what in their results is a finding.

Every rule is a function of an `Audit` (the site, its topology, a `Prober` that runs probes on nodes): the live run
gives it the lab's nodes, the unit tests a prober that answers from a table."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from officelab.audit.context import Audit, address_of, login_succeeded
from officelab.audit.design import design_ports, outside_design
from officelab.audit.model import Evidence
from officelab.audit.rules import (
    AD_WEAK_PASSWORDS,
    ADMIN_HTTP_PORTS,
    ADMIN_PORTS,
    CAMERA_PASSWORDS,
    CLEARTEXT_PORTS,
    DEFAULT_PAIRS,
    PASSWORD_MINIMUM,
)
from officelab.core.probe import ProbeSpecBase
from officelab.domains.automation.model import MqttProbe
from officelab.domains.backup.facts import script_path
from officelab.domains.directory.model import LdapProbe
from officelab.domains.network.model import CommandProbe, TcpProbe
from officelab.domains.switchcli.model import SshCliProbe, SwitchShowProbe
from officelab.domains.video.facts import camera_url
from officelab.domains.video.model import RtspProbe
from officelab.probes import ProbeResult
from officelab.site.model import NodeKind

# ---------------------------------------------------------------------- the rules


def switch_default_credentials(a: Audit) -> None:
    switches = a.switches()
    if not switches:
        a.skip("switch-default-credentials", "no managed switch with a command line")
    tasks: list[tuple[str, ProbeSpecBase]] = []
    for sw in switches:
        vantage = a.admin_vantage(sw)
        if vantage is None:
            a.skip("switch-default-credentials", f"{sw.name}: no host in its management VLAN to log in from")
            continue
        for user, password in DEFAULT_PAIRS:
            tasks.append((vantage, SshCliProbe(target=address_of(sw), hostname=sw.name, username=user, password=password, timeout=6)))
    for vantage, spec, result in a.probe_all(tasks):
        assert isinstance(spec, SshCliProbe)
        if login_succeeded(result):
            a.found(
                "switch-default-credentials",
                spec.hostname,
                f"{spec.username}/{spec.password}",
                Evidence.of("ssh-cli", vantage, result),
            )


def mqtt_anonymous(a: Audit) -> None:
    auto = a.site.automation
    if auto is None:
        a.skip("mqtt-anonymous", "no MQTT broker on this site")
        return
    host = address_of(a.site.node(auto.broker))
    specs: list[tuple[str, ProbeSpecBase]] = [
        (auto.controller, MqttProbe(host=host, port=8883, tls=True)),
        (auto.controller, MqttProbe(host=host, port=1883, tls=False)),
    ]
    for vantage, spec, result in a.probe_all(specs):
        assert isinstance(spec, MqttProbe)
        if result.ok:
            a.found("mqtt-anonymous", f"{auto.broker}:{spec.port}", "anonymous CONNECT accepted", Evidence.of("mqtt", vantage, result))


def camera_default_credentials(a: Audit) -> None:
    video = a.site.video
    if video is None or not video.cameras:
        a.skip("camera-default-credentials", "no camera on this site")
        return
    # The recorder reads every camera: it is where a stream is meant to be read from.
    tasks: list[tuple[str, ProbeSpecBase]] = [
        (video.recorder, RtspProbe(url=camera_url(a.site, cam, password), timeout=6))
        for cam in video.cameras
        for password in CAMERA_PASSWORDS
    ]
    for vantage, spec, result in a.probe_all(tasks):
        assert isinstance(spec, RtspProbe)
        if result.ok:
            where = re.sub(r"//[^@]*@", "//", spec.url)
            a.found("camera-default-credentials", where, spec.url.split("//")[1].split("@")[0], Evidence.of("rtsp", vantage, result))


def ad_admin_weak_password(a: Audit) -> None:
    d = a.site.directory
    if d is None:
        a.skip("ad-admin-weak-password", "no Active Directory on this site")
        return
    dc = address_of(a.site.node(d.controller))
    for password in AD_WEAK_PASSWORDS:  # one after the other: a lockout counter sees three, not a burst
        result = a.probe(d.controller, LdapProbe(server=dc, user=f"Administrator@{d.domain}", password=password))
        if result.ok:
            a.found("ad-admin-weak-password", d.controller, f"Administrator/{password}", Evidence.of("ldap", d.controller, result))


def print_admin_open(a: Audit) -> None:
    servers = [n for n in a.site.nodes if n.services.print is not None]
    if not servers:
        a.skip("print-admin-open", "no print server on this site")
        return
    users = list(a.user_vlans().values())
    for server in servers:
        vantage = users[0] if users else server.name  # where the users who print sit
        argv = ["lpinfo", "-h", f"{address_of(server)}:631", "--timeout", "3", "-v"]
        result = a.probe(vantage, CommandProbe(argv=argv, timeout=15))
        if result.ok:
            a.found(
                "print-admin-open", f"{server.name}:631", "CUPS-Get-Devices accepted anonymously", Evidence.of("command", vantage, result)
            )


def cleartext_service(a: Audit) -> None:
    tasks: list[tuple[str, ProbeSpecBase]] = []
    for node in a.audited_nodes():
        admin_http = {} if (node.services and node.services.web) else ADMIN_HTTP_PORTS
        watched = {**CLEARTEXT_PORTS, **admin_http}
        for port in sorted({p for _, p in a.listening.get(node.name, set()) if p in watched}):
            tasks.append((node.name, TcpProbe(host=address_of(node), port=port)))
    for vantage, spec, result in a.probe_all(tasks):
        assert isinstance(spec, TcpProbe)
        if result.ok:
            name = {**CLEARTEXT_PORTS, **ADMIN_HTTP_PORTS}[spec.port]
            listen = Evidence("ss -ltn", vantage, f"{vantage} listens on TCP {spec.port} ({name})", "ss -Hltn")
            a.found("cleartext-service", f"{vantage}:{spec.port}", name, listen, Evidence.of("tcp", vantage, result))


def port_outside_design(a: Audit) -> None:
    for node in a.audited_nodes():
        listening = {p for _, p in a.listening.get(node.name, set())}
        extra = outside_design(a.site, node, listening)
        if extra:
            shown = ", ".join(map(str, extra))
            seen = Evidence("ss -ltn", node.name, f"{node.name} listens on TCP {shown}", "ss -Hltn")
            a.found("port-outside-design", node.name, f"TCP {shown} (design: {sorted(design_ports(a.site, node))})", seen)


ACCEPTED_PORTS = re.compile(r"dport (?:\{ ([\d, ]+) \}|(\d+)).* accept(?: comment \"(.*)\")?")


def cleartext_allowed(ruleset: str) -> list[tuple[int, str]]:
    """The clear-text ports a ruleset's accept rules let through, with each rule's comment."""
    found = []
    for line in ruleset.splitlines():
        m = ACCEPTED_PORTS.search(line)
        if m is None:
            continue
        ports = [int(p) for p in (m[1] or m[2]).replace(" ", "").split(",") if p]
        found += [(p, m[3] or line.strip()) for p in ports if p in CLEARTEXT_PORTS]
    return found


def firewall_allows_cleartext(a: Audit) -> None:
    routers = [n for n in a.site.nodes if n.kind is NodeKind.ROUTER and n.services is not None and n.services.firewall is not None]
    if not routers:
        a.skip("firewall-allows-cleartext", "no firewall on this site")
    for router in routers:
        argv = ["nft", "list", "chain", "inet", "officelab", "forward"]
        done = a.prober.run(router.name, argv)
        if done.returncode != 0:
            a.skip("firewall-allows-cleartext", f"{router.name}: {' '.join(argv)}: {done.stderr.strip()[-120:]}")
            continue
        for port, rule in cleartext_allowed(done.stdout):
            seen = Evidence("nft", router.name, f"{rule}: TCP {port} ({CLEARTEXT_PORTS[port]}) accepted", " ".join(argv))
            a.found("firewall-allows-cleartext", f"{router.name}: {rule}", f"{port} ({CLEARTEXT_PORTS[port]})", seen)


def ldap_simple_bind_cleartext(a: Audit) -> None:
    d = a.site.directory
    if d is None:
        a.skip("ldap-simple-bind-cleartext", "no Active Directory on this site")
        return
    dc = address_of(a.site.node(d.controller))
    result = a.probe(d.controller, LdapProbe(server=dc, port=389, user=f"Administrator@{d.domain}", password=d.admin_password))
    if result.ok:
        a.found(
            "ldap-simple-bind-cleartext", f"{d.controller}:389", "simple bind accepted in clear", Evidence.of("ldap", d.controller, result)
        )


def smb1(a: Audit) -> None:
    servers = [n for n in a.audited_nodes() if any(p == 445 for _, p in a.listening.get(n.name, set()))]
    if not servers:
        a.skip("smb1", "no SMB server on this site")
    for node in servers:
        # The client's own minimum is lifted, so that only the server can refuse SMB1.
        argv = ["smbclient", "--option=client min protocol=NT1", "-m", "NT1", "-N", "-L", f"//{address_of(node)}"]
        result = a.probe(node.name, CommandProbe(argv=argv, timeout=8))
        if smb1_accepted(result):
            a.found("smb1", f"{node.name}:445", "SMB1 (NT1) negotiated", Evidence.of("command", node.name, result))


def smb1_accepted(result: ProbeResult) -> bool:
    """smbclient got past the SMB1 negotiation: it listed shares, or the server asked for better credentials."""
    said = result.received + result.summary
    if "negotiation failed" in said or "No compatible protocol" in said:
        return False
    return result.ok or any(s in said for s in ("Sharename", "NT_STATUS_ACCESS_DENIED", "NT_STATUS_LOGON_FAILURE"))


def admin_from_user_vlan(a: Audit) -> None:
    vantages = a.user_vlans()
    if not vantages:
        a.skip("admin-from-user-vlan", "no user device (workstation, laptop, tablet) on this site")
        return
    targets: list[tuple[str, str]] = [(sw.name, address_of(sw)) for sw in a.switches()]
    for router in (n for n in a.site.nodes if n.kind is NodeKind.ROUTER):
        for _, iface, _vid in a.topo.l3_interfaces(router):
            if iface.address is not None:
                targets.append((router.name, str(iface.address.ip)))
        for vlan in a.site.vlans:
            if vlan.gateway is not None:
                targets.append((router.name, str(vlan.gateway)))
    tasks: list[tuple[str, ProbeSpecBase]] = [
        (vantage, TcpProbe(host=address, port=port, timeout=1.5))
        for vantage in vantages.values()
        for _, address in dict.fromkeys(targets)
        for port in ADMIN_PORTS
    ]
    owner = {address: name for name, address in targets}
    for vantage, spec, result in a.probe_all(tasks):
        assert isinstance(spec, TcpProbe)
        if result.ok:
            a.found(
                "admin-from-user-vlan",
                f"{owner[spec.host]} {spec.host}:{spec.port}",
                f"{ADMIN_PORTS[spec.port]} from {vantage}",
                Evidence.of("tcp", vantage, result),
            )


def guest_isolation(a: Audit) -> None:
    guests = a.guest_vlans()
    if not guests:
        a.skip("guest-isolation", "no guest VLAN with a user device on this site")
        return
    internal = {v.id for v in a.site.vlans} - set(guests)
    tasks: list[tuple[str, ProbeSpecBase]] = []
    for node in a.audited_nodes():
        if node.kind in (NodeKind.ROUTER, NodeKind.SWITCH, NodeKind.ACCESS_POINT):
            continue  # the router and the switches are the admin rule's
        vlans = {hp.vlan.id for hp in a.topo.ports_of(node) if hp.vlan is not None}
        if not vlans & internal:
            continue
        ports = sorted({p for _, p in a.listening.get(node.name, set())})[:3]
        tasks += [(vantage, TcpProbe(host=address_of(node), port=p, timeout=1.5)) for vantage in guests.values() for p in ports]
    for vantage, spec, result in a.probe_all(tasks):
        assert isinstance(spec, TcpProbe)
        if result.ok:
            a.found("guest-isolation", f"{spec.host}:{spec.port}", f"from {vantage}", Evidence.of("tcp", vantage, result))


STATUS_LINE = re.compile(r"^(\S+)\s+.*?\s(connected|notconnect|disabled|err-disabled)\s+(\S+)\s")


def unused_ports(output: str) -> list[str]:
    """The access ports ``show interfaces status`` shows enabled with no link (``notconnect``)."""
    found = []
    for line in output.splitlines():
        m = STATUS_LINE.match(line + " ")
        if m and m[2] == "notconnect" and m[3] != "trunk":
            found.append(m[1])
    return found


def unused_port_enabled(a: Audit) -> None:
    switches = [sw for sw in a.switches() if sw.kind is NodeKind.SWITCH]
    if not switches:
        a.skip("unused-port-enabled", "no managed switch on this site")
    for sw in switches:
        vantage = a.admin_vantage(sw)
        if vantage is None or sw.cli is None:
            a.skip("unused-port-enabled", f"{sw.name}: no host in its management VLAN")
            continue
        account = max(sw.cli.users, key=lambda u: u.privilege)
        spec = SwitchShowProbe(
            target=address_of(sw),
            hostname=sw.name,
            username=account.name,
            password=account.secret,
            commands=["show interfaces status"],
        )
        result = a.probe(vantage, spec)
        if not result.ok:
            a.skip("unused-port-enabled", f"{sw.name}: {result.summary}")
            continue
        ports = unused_ports(result.data["outputs"]["show interfaces status"])
        if ports:
            shown = Evidence("switch-show", vantage, f"{sw.name}: {', '.join(ports)} notconnect, not shut down", result.sent)
            a.found("unused-port-enabled", sw.name, ", ".join(ports), shown)


SETTING = re.compile(r"^\s*(Password complexity|Minimum password length):\s*(\S+)", re.M)


def policy_weaknesses(output: str) -> list[str]:
    """What in ``samba-tool domain passwordsettings show`` is below the minimum."""
    settings = dict(SETTING.findall(output))
    weak = []
    length = settings.get("Minimum password length", "")
    if not length.isdigit() or int(length) < PASSWORD_MINIMUM:
        weak.append(f"minimum length {length or '?'} < {PASSWORD_MINIMUM}")
    if settings.get("Password complexity") != "on":
        weak.append(f"complexity {settings.get('Password complexity', '?')}")
    return weak


def password_policy(a: Audit) -> None:
    d = a.site.directory
    if d is None:
        a.skip("password-policy", "no Active Directory on this site")
        return
    result = a.probe(d.controller, CommandProbe(argv=["samba-tool", "domain", "passwordsettings", "show"], timeout=20))
    if not result.ok:
        a.skip("password-policy", f"{d.controller}: {result.summary}")
        return
    weak = policy_weaknesses(result.received)
    if weak:
        p = d.password_policy
        designed = f"site file: min_length {p.min_length}, complexity {p.complexity}"
        said = "; ".join(f"{k}: {v}" for k, v in SETTING.findall(result.received))
        seen = Evidence("command", d.controller, f"{d.controller} says {said}", result.sent, result.received[-300:])
        a.found("password-policy", d.controller, "; ".join(weak) + f" ({designed})", seen)


def backup_not_restorable(a: Audit) -> None:
    shares = [n.name for n in a.site.nodes if n.services is not None and n.services.files is not None]
    if not a.site.backups:
        if shares:
            a.found("backup-not-restorable", ", ".join(shares), "no backup job for the file shares")
        else:
            a.skip("backup-not-restorable", "no backup job and no file share on this site")
        return
    tasks: list[tuple[str, ProbeSpecBase]] = [
        (job.source, CommandProbe(argv=["sh", script_path(job.name), "verify"], timeout=60)) for job in a.site.backups
    ]
    for (vantage, _, result), job in zip(a.probe_all(tasks), a.site.backups, strict=True):
        if not result.ok:
            a.found("backup-not-restorable", job.name, result.summary, Evidence.of("command", vantage, result))


ALL: tuple[Callable[[Audit], None], ...] = (
    switch_default_credentials,
    mqtt_anonymous,
    camera_default_credentials,
    ad_admin_weak_password,
    print_admin_open,
    cleartext_service,
    port_outside_design,
    firewall_allows_cleartext,
    ldap_simple_bind_cleartext,
    smb1,
    admin_from_user_vlan,
    guest_isolation,
    unused_port_enabled,
    password_policy,
    backup_not_restorable,
)


def run_rules(a: Audit, rules: Iterable[Callable[[Audit], None]] = ALL) -> None:
    _ = a.listening  # once, before the rules that read it run side by side
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda rule: rule(a), rules))

"""The user VPN: OpenVPN's server on the router (its own /run/officelab/vpn: configuration, certificates, CRL,
status), a certificate per user from the lab's CA, and the client of each connected user on its remote node,
started at boot and ready once its tunnel answers."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from officelab.domains.network.facts import dc_address
from officelab.domains.network.model import PingProbe
from officelab.domains.vpn.facts import CLIENT_DIR, client_config, public_address, pushed_dns, pushed_routes, search_domain, users_on
from officelab.domains.vpn.model import TUNNEL, Vpn
from officelab.runtime import pki
from officelab.runtime.plan import DaemonPlan, FilePlan, HookPlan, LabPlan, PortListening, ProbeSucceeds, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node
from officelab.site.topology import Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab, Progress

render = templates(__name__)

SERVER_EXT = "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyAgreement\n"
CLIENT_EXT = "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyAgreement\n"


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    vpn = topo.site.vpn
    if vpn is None:
        return
    if node.name == vpn.server:
        _server(plan, topo, node, vpn)
    users = users_on(topo.site, vpn, node.name)
    if users:
        _clients(plan, topo, node, vpn, [u.name for u in users])
    hook = HookPlan(None, make_certificates, "VPN certificates from the lab's CA")
    if (node.name == vpn.server or users) and hook not in plan.hooks:
        plan.hooks.append(hook)


def _server(plan: LabPlan, topo: Topology, node: Node, vpn: Vpn) -> None:
    conf = render(
        "server.conf.j2",
        node=node.name,
        vpn=vpn,
        tunnel=TUNNEL,
        dir=CLIENT_DIR,
        routes=pushed_routes(topo, vpn),
        dns=pushed_dns(topo.site, vpn),
        domain=search_domain(topo.site),
        login=_login(topo, vpn),
    )
    plan.files.append(FilePlan(node.name, "run/officelab/vpn/server.conf", conf, mode=0o600))
    argv = ["openvpn", "--config", f"{CLIENT_DIR}/server.conf"]
    plan.daemons.append(DaemonPlan("openvpn", node.name, argv, stage=Stage.SERVERS, ready=[PortListening(vpn.proto, vpn.port)]))


def _login(topo: Topology, vpn: Vpn) -> dict[str, str] | None:
    """How the server checks a user's password against the directory (None: by certificate only)."""
    d = topo.site.directory
    if vpn.login != "directory" or d is None:
        return None
    dc = str(dc_address(topo.site))
    return {"dc": dc, "command": f"{sys.executable} -m officelab.devices.vpn_ad_login {dc} {d.domain}"}


def _clients(plan: LabPlan, topo: Topology, node: Node, vpn: Vpn, users: list[str]) -> None:
    public = public_address(topo.site, vpn)
    login = _login(topo, vpn) is not None
    d = topo.site.directory
    passwords = {u.login: u.password for u in d.users} if d is not None else {}
    for user in users:
        conf = render("client.conf.j2", node=node.name, user=user, vpn=vpn, tunnel=TUNNEL, dir=CLIENT_DIR, public=public, login=login)
        plan.files.append(FilePlan(node.name, f"run/officelab/vpn/{user}.conf", conf, mode=0o600))
        if login:
            plan.files.append(FilePlan(node.name, f"run/officelab/vpn/{user}.login", f"{user}\n{passwords.get(user, '')}\n", mode=0o600))
    plan.files.append(FilePlan(node.name, "run/officelab/vpn/dns.sh", render("dns.sh.j2", node=node.name, dir=CLIENT_DIR), mode=0o700))
    script = f"{CLIENT_DIR}/dns.sh"
    answers = PingProbe(target=str(vpn.server_address), timeout=1.0)
    ready = ProbeSucceeds(answers, f"the VPN server {vpn.server_address} answering in the tunnel")
    for client in (u for u in vpn.connected() if u.node == node.name):
        argv = ["openvpn", "--config", client_config(client.name), "--script-security", "2", "--up", script, "--down", script]
        plan.daemons.append(DaemonPlan(f"openvpn-{client.name}", node.name, argv, stage=Stage.CLIENTS, ready=[ready]))


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(0o600)


def publish_crl(lab_dir: Path, server_dir: Path) -> None:
    """The CA's revocation list as it is now, given to the VPN server (which reads it at each connection)."""
    issued = lab_dir / "pki" / "vpn"
    pki.crl(lab_dir / "pki", issued / "crl.pem")
    _copy(issued / "crl.pem", server_dir / "run/officelab/vpn/crl.pem")


def make_certificates(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    """The server's certificate and one per user from the lab's CA (kept across `up`s), the revoked users in the
    CA's revocation list, and each node given only what it needs: the server its key and the CRL, each remote node
    the CA and its users' keys."""
    vpn = plan.site.vpn
    assert vpn is not None
    ca_dir = plan.lab_dir / "pki"
    issued = ca_dir / "vpn"
    if not (issued / "server.pem").exists():
        pki.issue(ca_dir, "server", f"vpn.{plan.site.site.domain}", SERVER_EXT, into=issued)
    for user in vpn.users:
        certificate = issued / f"{user.name}.pem"
        # A user revoked at an earlier `up` and no longer in the site's list of revoked ones gets a new certificate.
        if not certificate.exists() or (not user.revoked and pki.revoked(ca_dir, certificate)):
            pki.issue(ca_dir, user.name, user.name, CLIENT_EXT, into=issued)
        if user.revoked:
            pki.revoke(ca_dir, issued / f"{user.name}.pem")
    server = plan.node_dir(vpn.server) / "run/officelab/vpn"
    for name in ("server.pem", "server.key"):
        _copy(issued / name, server / name)
    _copy(ca_dir / "ca.pem", server / "ca.pem")
    publish_crl(plan.lab_dir, plan.node_dir(vpn.server))
    for node in plan.nodes:
        users = users_on(plan.site, vpn, node.name)
        here = plan.node_dir(node.name) / "run/officelab/vpn"
        for user in users:
            for suffix in (".pem", ".key"):
                _copy(issued / f"{user.name}{suffix}", here / f"{user.name}{suffix}")
        if users:
            _copy(ca_dir / "ca.pem", here / "ca.pem")
    progress(f"VPN: server certificate and {len(vpn.users)} user certificate(s), {sum(u.revoked for u in vpn.users)} revoked")

"""FreeRADIUS for the WPA2-Enterprise SSIDs, on the domain controller: PEAP with a certificate from the lab's CA,
MSCHAPv2 inside checked by Samba's ``ntlm_auth`` (the DC's winbind), the access points its clients by their
management addresses. The PEAP stations trust the lab's CA, which a boot hook puts on every node."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from officelab.domains.wireless.facts import (
    RADIUS_DIR,
    RADIUS_PORT,
    enterprise_aps,
    management_address,
    radius_address,
    radius_name,
    radius_secret,
    radius_server,
)
from officelab.runtime import pki
from officelab.runtime.plan import DaemonPlan, FilePlan, HookPlan, LabPlan, PortListening, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab, Progress

render = templates(__name__)
DAEMON = "freeradius"

_DICTIONARY = "# The lab's own attributes: none (the distribution's dictionaries are read first).\n"


def realise(plan: LabPlan, node: Node) -> None:
    site = plan.site
    conf_dir = plan.node_dir(node.name) / RADIUS_DIR
    clients = [{"name": ap.name, "address": management_address(ap)} for ap in enterprise_aps(site)]
    netbios = site.directory.netbios if site.directory else ""
    conf = render(
        "radiusd.conf.j2",
        node=node.name,
        dir=conf_dir,
        name=radius_name(site),
        clients=clients,
        secret=radius_secret(site),
        netbios=netbios,
        port=RADIUS_PORT,
    )
    plan.files.append(FilePlan(node.name, f"{RADIUS_DIR}/radiusd.conf", conf, mode=0o600))
    plan.files.append(FilePlan(node.name, f"{RADIUS_DIR}/dictionary", _DICTIONARY))
    plan.files.append(FilePlan(node.name, "run/freeradius/", "", mode=0o755))
    argv = ["freeradius", "-f", "-d", str(conf_dir), "-l", "stdout"]
    plan.daemons.append(DaemonPlan(DAEMON, node.name, argv, Stage.SERVERS, [PortListening("udp", RADIUS_PORT)]))
    plan.hooks.append(HookPlan(None, make_certificate, "RADIUS server certificate from the lab's CA"))


def make_certificate(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    """The server's certificate for its PEAP name (made again when it changes), its CA beside it, and the CA on
    every node (the stations check the server by it)."""
    site = plan.site
    server = radius_server(site)
    assert server is not None
    ca_dir = plan.lab_dir / "pki"
    pki.server_certificate(ca_dir, "radius", radius_address(site), [radius_name(site), f"{server}.{site.site.domain}"])
    certs = plan.node_dir(server) / RADIUS_DIR / "certs"
    certs.mkdir(mode=0o700, parents=True, exist_ok=True)
    for source, target in (("radius.pem", "radius.pem"), ("radius.key", "radius.key"), ("ca.pem", "ca.pem")):
        shutil.copyfile(ca_dir / source, certs / target)
        (certs / target).chmod(0o600)
    pki.trust_everywhere(ca_dir, (plan.node_dir(n.name) for n in plan.nodes))

"""What TCP ports a node serves by design: what the site file says it runs, in the ports those programs listen on.

The audit's own knowledge of the trade's ports (a DC's, a file server's…), using the domains' facts where they name
a port; a port listening outside this set is not in the design."""

from __future__ import annotations

from officelab.domains.automation.facts import port as mqtt_port
from officelab.domains.box.facts import ADMIN_PORT
from officelab.domains.mail.facts import IMAPS, SMTP, SUBMISSION
from officelab.domains.switchcli.facts import SSH_PORT
from officelab.domains.telephony.facts import VOICEMAIL_PORT
from officelab.domains.video.facts import ONVIF_PORT, RTSP_PORT
from officelab.site.model import Node, Site

DC_PORTS = {53, 88, 135, 139, 389, 445, 464, 636, 3268, 3269}
"""A Samba AD DC: DNS, Kerberos, RPC endpoint mapper, NetBIOS session, LDAP, SMB, kpasswd, LDAPS, global catalogue."""
RPC_DYNAMIC = 49152
"""A DC's RPC services listen on dynamic ports from here up (Windows' and Samba's range)."""


def design_ports(site: Site, node: Node) -> set[int]:
    """The TCP ports ``node`` serves according to the site file."""
    ports: set[int] = set()
    s = node.services
    if node.cli is not None:
        ports.add(SSH_PORT)
    if s.dns is not None:
        ports.add(53)
    if s.web is not None:
        ports |= {80, 443}
    if s.files is not None:
        ports |= {139, 445}
    if s.print is not None or s.printer is not None:
        ports.add(631)
    d = site.directory
    if d is not None and d.controller == node.name:
        ports |= DC_PORTS
    if any(job.target == node.name for job in site.backups):
        ports.add(22)  # the NAS's SFTP
    a = site.automation
    if a is not None and a.broker == node.name:
        ports.add(mqtt_port(site))
    v = site.video
    if v is not None and any(c.node == node.name for c in v.cameras):
        ports |= {RTSP_PORT, ONVIF_PORT}
    t = site.telephony
    if t is not None and t.pbx == node.name and any(e.voicemail for e in t.extensions):
        ports |= {VOICEMAIL_PORT, VOICEMAIL_PORT + 1}  # the voicemail box (baresip): SIP over TCP, and over TLS next to it
    m = site.mail
    if m is not None and m.provider == node.name:
        ports |= {SMTP, SUBMISSION, IMAPS}
    if s.box is not None:
        ports.add(ADMIN_PORT)
    return ports


def outside_design(site: Site, node: Node, listening: set[int]) -> list[int]:
    design = design_ports(site, node)
    dc = site.directory is not None and site.directory.controller == node.name
    return sorted(p for p in listening if p not in design and not (dc and p >= RPC_DYNAMIC))

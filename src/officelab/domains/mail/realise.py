"""Mail: on the provider's node, Postfix (SMTP on 25, submission on 587 with STARTTLS and SASL) and Dovecot
(IMAPS on 993, and the auth socket Postfix's SASL asks), each with its own configuration, queue, mail and run
directories in the node's directory; the certificate is signed by the lab's CA, which every node trusts."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from officelab.core.errors import LabError
from officelab.domains.mail.facts import IMAPS, MAIL_UID, PASSWD, SMTP, SUBMISSION, mail_of, passwd_line, server_address, server_names
from officelab.runtime.pki import server_certificate, trust_everywhere
from officelab.runtime.plan import DaemonPlan, FilePlan, HookPlan, LabPlan, PortListening, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node
from officelab.site.topology import Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab, Progress

render = templates(__name__)
POSTFIX_MASTER = "/usr/lib/postfix/sbin/master"


def base_dir(node_dir: Path) -> Path:
    """Dovecot's base_dir (its sockets, Postfix's SASL socket among them), in the node's own /run."""
    return node_dir / "run" / "dovecot"


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    site = topo.site
    if site.mail is None:
        return
    if HookPlan(None, prepare_mail, "mail certificate, mailboxes and directories") not in plan.hooks:
        plan.hooks.append(HookPlan(None, prepare_mail, "mail certificate, mailboxes and directories"))
    m = mail_of(site)
    if node.name != m.provider:
        return
    d = plan.node_dir(node.name)
    common = {"node": node.name, "dir": d, "base": base_dir(d), "uid": MAIL_UID, "hostname": m.server_name, "domains": m.domains}
    plan.files.append(FilePlan(node.name, "postfix/main.cf", render("main.cf.j2", **common)))
    plan.files.append(FilePlan(node.name, "postfix/master.cf", render("master.cf.j2", **common)))
    boxes = "".join(f"{b.address}\t{b.domain}/{b.address.split('@')[0]}/\n" for b in m.mailboxes)
    plan.files.append(FilePlan(node.name, "postfix/mailboxes", boxes))
    plan.files.append(FilePlan(node.name, "dovecot/dovecot.conf", render("dovecot.conf.j2", **common)))
    plan.daemons.append(
        DaemonPlan(
            "dovecot", node.name, ["dovecot", "-F", "-c", str(d / "dovecot/dovecot.conf")], Stage.SERVERS, [PortListening("tcp", IMAPS)]
        )
    )
    plan.daemons.append(
        DaemonPlan(
            "postfix",
            node.name,
            [POSTFIX_MASTER, "-c", str(d / "postfix"), "-d"],
            Stage.SERVERS,
            [PortListening("tcp", SMTP), PortListening("tcp", SUBMISSION)],
            env={"MAIL_CONFIG": str(d / "postfix")},
        )
    )


def prepare_mail(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    """The server's certificate (from the lab's CA, made again when its names change), the CA on every node, the
    mailboxes' passwd-file and the directories Postfix and Dovecot insist on owning."""
    site = plan.site
    m = mail_of(site)
    pki, names, address = plan.lab_dir / "pki", server_names(site), server_address(site)
    server_certificate(pki, "mail", address, names)
    d = plan.node_dir(m.provider)
    for daemon in ("postfix", "dovecot"):
        tls = d / daemon / "tls"
        tls.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in ("mail.pem", "mail.key"):
            (tls / name).write_bytes((pki / name).read_bytes())
            (tls / name).chmod(0o600)
    trust_everywhere(pki, (plan.node_dir(node.name) for node in plan.nodes))
    passwd = d / PASSWD
    passwd.parent.mkdir(parents=True, exist_ok=True)
    passwd.write_text("".join(passwd_line(b) for b in m.mailboxes))
    passwd.chmod(0o640)
    shutil.chown(passwd, "root", "dovecot")  # Dovecot's auth process (user dovecot) reads it
    for path, owner, mode in ((d / "mail", MAIL_UID, 0o700), (d / "postfix/data", "postfix", 0o700), (d / "dovecot/state", 0, 0o755)):
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(mode)
        if isinstance(owner, int):
            os.chown(path, owner, owner)
        else:
            shutil.chown(path, owner, owner)
    base_dir(d).mkdir(parents=True, exist_ok=True)
    # Postfix makes its queue's subdirectories with the owners it insists on (postfix, group postdrop) itself, in
    # the root-owned queue_directory, on the node.
    (d / "postfix/queue").mkdir(parents=True, exist_ok=True)
    checked = lab.run(m.provider, ["postfix", "-c", str(d / "postfix"), "check"], timeout=60)
    if checked.returncode != 0:
        raise LabError(f"postfix check on {m.provider}: {(checked.stderr or checked.stdout).strip()[-300:] or checked.returncode}")

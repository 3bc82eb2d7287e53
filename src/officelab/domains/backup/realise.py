"""Backups with restic over SFTP: the NAS runs sshd (SFTP), the file server runs restic, scheduled by cron.

restic because it is what a careful technician would choose today: encrypted, deduplicated snapshots, a
real restore (to a scratch place or in place), retention (`forget --keep-last`), and it speaks SFTP, which
every NAS offers. Each job gets a script on its source node at /run/officelab/backup-<job>.sh (run, list,
restore, verify), a crontab line for the node's scheduler, and a key pair trusted by the NAS.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from typing import TYPE_CHECKING

from officelab.core.errors import LabError
from officelab.domains.backup.facts import password_path, script_path
from officelab.runtime.plan import DaemonPlan, FilePlan, HookPlan, LabPlan, PortListening, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node
from officelab.site.topology import Topology, service_address

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab, Progress


render = templates(__name__)


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    jobs_out = [j for j in topo.site.backups if j.source == node.name]
    jobs_in = [j for j in topo.site.backups if j.target == node.name]
    node_dir = plan.node_dir(node.name)
    if jobs_in:
        plan.files.append(FilePlan(node.name, "etc/ssh/sshd_config", render("sshd_config.j2", node=node.name, dir=node_dir)))
        plan.files.append(FilePlan(node.name, "run/sshd/", "", mode=0o755))
        plan.files.append(FilePlan(node.name, "backup/", "", mode=0o700))
        # sshd's ChrootDirectory wants every ancestor root's and not writable by others: /srv on the node.
        plan.binds.setdefault(node.name, []).append(("backup", "/srv"))
        plan.daemons.append(
            DaemonPlan(
                "sshd",
                node.name,
                ["/usr/sbin/sshd", "-D", "-e", "-f", str(node_dir / "etc/ssh/sshd_config")],
                stage=Stage.SERVERS,
                ready=[PortListening("tcp", 22)],
                confined=True,
            )
        )
    if jobs_out:
        crontab = ""
        for job in jobs_out:
            target = topo.site.node(job.target)
            address = service_address(plan.site, target.name)
            script = render(
                "backup.sh.j2",
                job=job,
                node=node.name,
                dir=node_dir,
                target_address=address,
                repository=f"/{job.name}",  # in the SFTP account's chroot, the NAS's backup/ directory
                password_file=password_path(node_dir, job.name),
                shares=job.shares,
            )
            plan.files.append(FilePlan(node.name, f"run/officelab/backup-{job.name}.sh", script, mode=0o700))
            crontab += f"{job.schedule} sh {script_path(job.name)} run >> {node_dir}/log/backup-{job.name}.log 2>&1\n"
        plan.files.append(FilePlan(node.name, "crontab", crontab, mode=0o600))
        argv = [sys.executable, "-m", "officelab.runtime.scheduler", str(node_dir / "crontab")]
        plan.daemons.append(DaemonPlan("cron", node.name, argv, stage=Stage.SERVERS))
    hooks = [
        HookPlan(None, make_keys, "backup keys exchanged"),
        HookPlan(Stage.SERVERS, init_repositories, "backup repositories ready"),
    ]
    for hook in hooks if jobs_out else []:
        if hook not in plan.hooks:  # the hooks handle every job of the site at once
            plan.hooks.append(hook)


def _keygen(path: str) -> None:
    result = subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "officelab", "-f", path], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise LabError(f"ssh-keygen {path}: {result.stderr.strip()}")


def make_keys(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    """Host key for each NAS, a client key for each source, the client trusted by the NAS and vice versa; each
    repository's password in a file only root on the source node reads (never on a command line): the site's, or
    a random one kept with the node (a restored snapshot keeps its own)."""
    for job in plan.site.backups:
        secret = password_path(plan.node_dir(job.source), job.name)
        if not secret.exists():
            secret.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            secret.write_text(job.password or secrets.token_urlsafe(18))
            secret.chmod(0o600)
        source, target = plan.node_dir(job.source) / "ssh", plan.node_dir(job.target) / "ssh"
        for directory in (source, target):
            directory.mkdir(parents=True, exist_ok=True)
            directory.chmod(0o700)
        if not (target / "host_ed25519_key").exists():
            _keygen(str(target / "host_ed25519_key"))
        if not (source / "id_ed25519").exists():
            _keygen(str(source / "id_ed25519"))
        client = (source / "id_ed25519.pub").read_text()
        authorized = target / "authorized_keys"
        if client not in (authorized.read_text() if authorized.exists() else ""):
            with authorized.open("a") as fh:
                fh.write(client)
        address = service_address(plan.site, job.target)
        host_key = " ".join((target / "host_ed25519_key.pub").read_text().split()[:2])
        (source / "known_hosts").write_text(f"{address} {host_key}\n")


def init_repositories(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    for job in plan.site.backups:
        result = lab.run(job.source, ["sh", script_path(job.name), "init"], timeout=60)
        if result.returncode != 0:
            raise LabError(f"backup repository of {job.name} on {job.target}: {(result.stderr or result.stdout).strip()[-300:]}")
        progress(f"backup repository {job.name} ready on {job.target}")

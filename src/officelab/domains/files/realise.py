"""A domain-member file server (Samba smbd and winbindd): its shares, with the rights the site gives AD groups.

The node's Samba membership (smb.conf, Kerberos, the join) is the directory domain's; this adds the shares
(``etc/samba/shares.conf``, included by the member's smb.conf), their directories and the daemons."""

from __future__ import annotations

from officelab.domains.directory.model import Directory
from officelab.domains.files.model import ShareRight
from officelab.domains.network.model import CommandProbe
from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, PortListening, ProbeSucceeds, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node
from officelab.site.topology import Topology

render = templates(__name__)


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    d = topo.site.directory
    if d is None or node.services.files is None:
        return
    node_dir = plan.node_dir(node.name)
    conf = node_dir / "etc" / "samba" / "smb.conf"
    shares = _shares(d, node)
    # Included by the member's smb.conf (see the directory domain's smb-member.conf.j2).
    plan.files.append(FilePlan(node.name, "etc/samba/shares.conf", render("shares.conf.j2", dir=node_dir, shares=shares)))
    for share in shares:
        # Rights are enforced by Samba per share (valid users / write list), so the directory is open to all.
        plan.files.append(FilePlan(node.name, f"shares/{share['name']}/", "", mode=0o1777))
        plan.files.append(
            FilePlan(
                node.name,
                f"shares/{share['name']}/LISEZMOI.txt",
                f"Partage {share['name']} : {share['description']}.\nCe fichier a été déposé à l'installation.\n",
                mode=0o666,
            )
        )
    if node.name in d.computers:
        plan.daemons.append(
            # Ready when it can reach a DC with its machine secret: only then do domain logons work.
            DaemonPlan(
                "winbindd",
                node.name,
                ["winbindd", "-s", str(conf), "-F", "--no-process-group"],
                stage=Stage.MEMBERS,
                ready=[ProbeSucceeds(CommandProbe(argv=["wbinfo", "--ping-dc"]), "`wbinfo --ping-dc` succeeding")],
            )
        )
        plan.daemons.append(
            DaemonPlan(
                "smbd",
                node.name,
                ["smbd", "-s", str(conf), "-F", "--no-process-group"],
                stage=Stage.MEMBERS,
                ready=[PortListening("tcp", 445)],
            )
        )


def _group_list(d: Directory, groups: list[str]) -> str:
    return " ".join(f'@"{d.netbios}\\{g}"' for g in groups)


def _shares(d: Directory, node: Node) -> list[dict[str, object]]:
    if node.services.files is None:
        return []
    result = []
    for share in node.services.files.shares:
        writers = [g for g, right in share.rights.items() if right in (ShareRight.CHANGE, ShareRight.FULL)]
        admins = [g for g, right in share.rights.items() if right is ShareRight.FULL]
        result.append(
            {
                "name": share.name,
                "description": share.description or share.name,
                "guest": share.guest,
                "valid": _group_list(d, list(share.rights)),
                "write": _group_list(d, writers),
                "admin": _group_list(d, admins),
            }
        )
    return result

"""HTTP servers (nginx): a public web site, a DMZ server, an intranet."""

from __future__ import annotations

from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, PortListening, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node
from officelab.site.topology import Topology

render = templates(__name__)


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    web = node.services.web
    if web is None:
        return
    node_dir = plan.node_dir(node.name)
    sites = web.sites or []
    for site in sites:
        page = render("index.html.j2", node=node.name, server_name=site.server_name, title=site.title, body=site.body)
        plan.files.append(FilePlan(node.name, f"www/{site.server_name}/index.html", page))
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        plan.files.append(FilePlan(node.name, f"tmp/{sub}/.keep", ""))
    plan.files.append(FilePlan(node.name, "nginx.conf", render("nginx.conf.j2", node=node.name, dir=node_dir, sites=sites)))
    argv = ["nginx", "-e", "stderr", "-p", str(node_dir), "-c", str(node_dir / "nginx.conf")]
    plan.daemons.append(DaemonPlan("nginx", node.name, argv, stage=Stage.SERVERS, ready=[PortListening("tcp", 80)]))

"""IP telephony: a Kamailio PBX (registrar, digest auth, dial plan, forwarding) and baresip phones that register,
answer, send a test tone and record what they hear (so a call can be proven by the audio, not by SIP alone)."""

from __future__ import annotations

from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, Readiness
from officelab.runtime.services import render
from officelab.site.model import Node, Site
from officelab.site.telephony import Extension, Telephony
from officelab.site.topology import Topology

PHONE_STAGE = 2
CONTROL_PORT = 4444


def pbx_address(site: Site) -> str:
    assert site.telephony is not None
    return next(str(i.address.ip) for i in site.node(site.telephony.pbx).interfaces if i.address is not None)


def sip_domain(site: Site) -> str:
    t = site.telephony
    assert t is not None
    return t.domain or f"pbx.{site.site.domain}"


def tone(extension: Extension) -> int:
    """Each phone's own test frequency, so that the far end's recording says who it heard."""
    return extension.tone or 300 + (int(extension.number) % 20) * 100


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    site = topo.site
    t: Telephony | None = site.telephony
    if t is None:
        return
    node_dir = plan.node_dir(node.name)
    if node.name == t.pbx:
        config = render(
            "kamailio.cfg.j2", node=node.name, dir=node_dir, address=pbx_address(site), domain=sip_domain(site), extensions=t.extensions
        )
        plan.files.append(FilePlan(node.name, "kamailio/kamailio.cfg", config))
        argv = ["kamailio", "-f", str(node_dir / "kamailio/kamailio.cfg"), "-P", "/run/kamailio.pid", "-m", "32", "-M", "8", "-E", "-DD"]
        plan.daemons.append(DaemonPlan("kamailio", node.name, argv, stage=0, ready=[Readiness("udp", 5060)]))
    for ext in (e for e in t.extensions if e.phone == node.name):
        base = node_dir / "baresip"
        config = "\n".join(
            [
                "module_path /usr/lib/baresip/modules",
                "sip_listen 0.0.0.0:5060",
                "net_interface eth0",
                f"audio_source ausine,{tone(ext)}",
                "ausrc_srate 48000",
                "ausrc_channels 2",
                "audio_player aubridge,nil",
                "audio_alert aubridge,nil",
                "rtp_ports 10000-10100",
                f"snd_path {base}/rec",
                "module g711.so",
                "module aubridge.so",
                "module ausine.so",
                "module sndfile.so",
                "module_tmp account.so",
                "module_app menu.so",
                "module_app ctrl_tcp.so",
                f"ctrl_tcp_listen 127.0.0.1:{CONTROL_PORT}",
                "",
            ]
        )
        account = (
            f"<sip:{ext.number}@{pbx_address(site)};transport=udp>;auth_user={ext.number};auth_pass={ext.secret};"
            f"answermode=auto;regint=600;audio_codecs=pcmu,pcma\n"
        )
        plan.files.append(FilePlan(node.name, "baresip/config", config))
        plan.files.append(FilePlan(node.name, "baresip/accounts", account, mode=0o600))
        plan.files.append(FilePlan(node.name, "baresip/rec/", "", mode=0o755))
        plan.daemons.append(
            DaemonPlan("baresip", node.name, ["baresip", "-f", str(base)], stage=PHONE_STAGE, ready=[Readiness("tcp", CONTROL_PORT)])
        )

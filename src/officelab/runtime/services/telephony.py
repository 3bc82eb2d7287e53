"""IP telephony: a Kamailio PBX (registrar, digest auth, dial plan, forwarding, voicemail) and baresip phones that
register, answer, send a test tone and record what they hear (so a call is proven by its audio, not by SIP alone).
The voicemail box is one more baresip on the PBX node: it answers with a greeting tone and records the caller."""

from __future__ import annotations

from officelab.probes.spec import SipCallProbe
from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, Readiness
from officelab.runtime.services import render
from officelab.site.model import Node, Site
from officelab.site.telephony import Extension, Telephony
from officelab.site.topology import Topology

PHONE_STAGE = 2
CONTROL_PORT = 4444
VOICEMAIL_PORT = 5070
GREETING_HZ = 1000  # the greeting is a tone too, so a caller can be proven to have reached the voicemail


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


def call_probe(site: Site, caller: Extension, number: str, answering: Extension, **options: float) -> SipCallProbe:
    """The probe of a call from ``caller`` to ``number`` answered by ``answering``'s phone: each must hear the other's tone."""
    assert answering.phone is not None
    return SipCallProbe(
        number=number,
        server=pbx_address(site),
        callee_node=answering.phone,
        caller_tone=tone(caller),
        callee_tone=tone(answering),
        **options,
    )


def _baresip(plan: LabPlan, node: str, name: str, source: str, sip_port: int, account: str) -> None:
    """A headless baresip: its tone as audio source, a null player, every call recorded (sndfile), ctrl_tcp."""
    base = plan.node_dir(node) / "baresip"
    config = "\n".join(
        [
            "module_path /usr/lib/baresip/modules",
            f"sip_listen 0.0.0.0:{sip_port}",
            "net_interface eth0",
            f"audio_source {source}",
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
    plan.files.append(FilePlan(node, "baresip/config", config))
    plan.files.append(FilePlan(node, "baresip/accounts", account, mode=0o600))
    plan.files.append(FilePlan(node, "baresip/rec/", "", mode=0o755))
    plan.daemons.append(DaemonPlan(name, node, ["baresip", "-f", str(base)], stage=PHONE_STAGE, ready=[Readiness("tcp", CONTROL_PORT)]))


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    site = topo.site
    t: Telephony | None = site.telephony
    if t is None:
        return
    node_dir = plan.node_dir(node.name)
    address = pbx_address(site)
    if node.name == t.pbx:
        config = render(
            "kamailio.cfg.j2",
            node=node.name,
            dir=node_dir,
            address=address,
            domain=sip_domain(site),
            extensions=t.extensions,
            no_answer_ms=t.no_answer_seconds * 1000,
            voicemail_port=VOICEMAIL_PORT,
        )
        plan.files.append(FilePlan(node.name, "kamailio/kamailio.cfg", config))
        argv = ["kamailio", "-f", str(node_dir / "kamailio/kamailio.cfg"), "-P", "/run/kamailio.pid", "-m", "32", "-M", "8", "-E", "-DD"]
        plan.daemons.append(DaemonPlan("kamailio", node.name, argv, stage=0, ready=[Readiness("udp", 5060)]))
        if any(e.voicemail for e in t.extensions):
            _baresip(
                plan,
                node.name,
                "voicemail",
                f"ausine,{GREETING_HZ}",
                VOICEMAIL_PORT,
                f"<sip:vm@{address}:{VOICEMAIL_PORT}>;regint=0;answermode=auto;audio_codecs=pcmu,pcma\n",
            )
    for ext in (e for e in t.extensions if e.phone == node.name):
        account = (
            f"<sip:{ext.number}@{address};transport=udp>;auth_user={ext.number};auth_pass={ext.secret};"
            f"answermode=auto;regint=600;audio_codecs=pcmu,pcma\n"
        )
        _baresip(plan, node.name, "baresip", f"ausine,{tone(ext)}", 5060, account)

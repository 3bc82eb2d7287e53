"""IP telephony: a Kamailio PBX (registrar, digest auth, dial plan, forwarding, ring groups, voicemail, SIP trunk)
and baresip phones that register, answer, send a test tone and record what they hear (so a call is proven by its
audio, not by SIP alone). The voicemail box is one more baresip on the PBX node: it answers with a greeting tone and
records the caller. With a trunk, the operator on the emulated internet is a second Kamailio (it authenticates the
trunk and routes the site's public numbers to where the trunk registered) with baresip "PSTN" lines; the PBX relays
trunk media through rtpengine (userspace), advertising the router's public address, as a PBX behind NAT must."""

from __future__ import annotations

from officelab.domains.telephony.facts import (
    CONTROL_PORT,
    GREETING_HZ,
    RTPENGINE_PORT,
    TRUNK_PORT,
    VOICEMAIL_PORT,
    line_ports,
    line_ua,
    operator_address,
    operator_domain,
    pbx_address,
    public_address,
    sip_domain,
    tone,
)
from officelab.domains.telephony.model import Telephony, Trunk
from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, PortListening, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node, Site
from officelab.site.topology import Topology

render = templates(__name__)


def _baresip(
    plan: LabPlan,
    node: str,
    name: str,
    source: str,
    sip_port: int,
    account: str,
    control_port: int = CONTROL_PORT,
    index: int = 0,
    max_calls: int = 4,
) -> None:
    """A headless baresip: its tone as audio source, a null player, every call recorded (sndfile), ctrl_tcp.
    Several on one node each get their own directory (``name``), ports and RTP range (``index``)."""
    base = plan.node_dir(node) / ("baresip" if name in ("baresip", "voicemail") else name)
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
            f"call_max_calls {max_calls}",  # 1 on phones: a phone in a call answers 486 Busy Here
            f"rtp_ports {10000 + 200 * index}-{10199 + 200 * index}",
            f"snd_path {base}/rec",
            "module g711.so",
            "module aubridge.so",
            "module ausine.so",
            "module sndfile.so",
            "module_tmp account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            f"ctrl_tcp_listen 127.0.0.1:{control_port}",
            "",
        ]
    )
    plan.files.append(FilePlan(node, f"{base.name}/config", config))
    plan.files.append(FilePlan(node, f"{base.name}/accounts", account, mode=0o600))
    plan.files.append(FilePlan(node, f"{base.name}/rec/", "", mode=0o755))
    plan.daemons.append(
        DaemonPlan(name, node, ["baresip", "-f", str(base)], stage=Stage.MEMBERS, ready=[PortListening("tcp", control_port)])
    )


def _trunk_settings(site: Site, trunk: Trunk) -> dict[str, object]:
    return {
        "operator": operator_address(site, trunk),
        "domain": operator_domain(trunk),
        "public": public_address(site, trunk),
        "port": TRUNK_PORT,
        "rtpengine_port": RTPENGINE_PORT,
        "username": trunk.username,
        "password": trunk.password,
        "prefix": trunk.prefix,
        "numbers": trunk.numbers,
        "caller_id": trunk.numbers[0].number if trunk.numbers else trunk.username,
    }


def uacreg_table(site: Site, trunk: Trunk, password: str) -> str:
    """The trunk's registration, as Kamailio's db_text ``uacreg`` table (colons in values escaped)."""
    pbx, operator, domain = pbx_address(site), operator_address(site, trunk), operator_domain(trunk)
    columns = (
        "id(int,auto) l_uuid(string) l_username(string) l_domain(string) r_username(string) r_domain(string) realm(string) "
        "auth_username(string) auth_password(string) auth_ha1(string,null) auth_proxy(string) expires(int) flags(int) "
        "reg_delay(int) contact_addr(string) socket(string)"
    )
    values = [
        "1", "trunk", trunk.username, domain, trunk.username, domain, domain, trunk.username, password, "",
        f"sip:{operator}:5060", str(trunk.register_seconds), "0", "0",
        f"{public_address(site, trunk)}:{TRUNK_PORT}", f"udp:{pbx}:{TRUNK_PORT}",
    ]  # fmt: skip
    return columns + "\n" + ":".join(v.replace(":", "\\:") for v in values) + "\n"


LOCATION_TABLE = (
    "id(int,auto) ruid(string) username(string) domain(string,null) contact(string) received(string,null) path(string,null) "
    "expires(int) q(double) callid(string) cseq(int) last_modified(int) flags(int) cflags(int) user_agent(string) "
    "socket(string,null) methods(int,null) instance(string,null) reg_id(int) server_id(int) connection_id(int) "
    "keepalive(int) partition(int)\n"
)  # Kamailio 5.6's db_text schema of usrloc's table (version 9)


def _pbx(plan: LabPlan, site: Site, node: Node, t: Telephony) -> None:
    node_dir = plan.node_dir(node.name)
    address = pbx_address(site)
    trunk = _trunk_settings(site, t.trunk) if t.trunk is not None else None
    config = render(
        "kamailio.cfg.j2",
        node=node.name,
        dir=node_dir,
        address=address,
        domain=sip_domain(site),
        extensions=t.extensions,
        groups=t.ring_groups,
        trunk=trunk,
        no_answer_ms=t.no_answer_seconds * 1000,
        voicemail_port=VOICEMAIL_PORT,
    )
    plan.files.append(FilePlan(node.name, "kamailio/kamailio.cfg", config))
    plan.files.append(FilePlan(node.name, "kamailio/db/version", "table_name(string) table_version(int)\nlocation:9\nuacreg:5\n"))
    plan.files.append(FilePlan(node.name, "kamailio/db/location", LOCATION_TABLE))
    if t.trunk is not None:
        low, high = t.trunk.rtp_ports
        plan.files.append(FilePlan(node.name, "kamailio/db/uacreg", uacreg_table(site, t.trunk, t.trunk.password), mode=0o600))
        rtpengine = [
            "rtpengine", "--config-file=none", "--table=-1", "--foreground", "--log-stderr", "--log-level=5",
            f"--interface=internal/{address}", f"--interface=external/{address}!{public_address(site, t.trunk)}",
            f"--listen-ng=127.0.0.1:{RTPENGINE_PORT}", f"--port-min={low}", f"--port-max={high}", "--pidfile=/run/rtpengine.pid",
        ]  # fmt: skip
        plan.daemons.append(
            DaemonPlan("rtpengine", node.name, rtpengine, stage=Stage.SERVERS, ready=[PortListening("udp", RTPENGINE_PORT)])
        )
    argv = ["kamailio", "-f", str(node_dir / "kamailio/kamailio.cfg"), "-P", "/run/kamailio.pid", "-m", "32", "-M", "8", "-E", "-DD"]
    # After rtpengine: Kamailio's rtpengine module pings it at start.
    plan.daemons.append(DaemonPlan("kamailio", node.name, argv, stage=Stage.CLIENTS, ready=[PortListening("udp", 5060)]))
    if any(e.voicemail for e in t.extensions):
        _baresip(
            plan,
            node.name,
            "voicemail",
            f"ausine,{GREETING_HZ}",
            VOICEMAIL_PORT,
            f"<sip:vm@{address}:{VOICEMAIL_PORT}>;regint=0;answermode=auto;audio_codecs=pcmu,pcma\n",
        )


def _operator(plan: LabPlan, site: Site, node: Node, trunk: Trunk) -> None:
    """The operator: its SIP server, and one baresip per subscriber line (they dial through the server)."""
    address = operator_address(site, trunk)
    lines = [{"number": s.number, "port": line_ports(trunk, s)[0]} for s in trunk.subscribers]
    config = render(
        "kamailio-operator.cfg.j2",
        node=node.name,
        dir=plan.node_dir(node.name),
        address=address,
        domain=operator_domain(trunk),
        username=trunk.username,
        password=trunk.password,
        numbers=trunk.numbers,
        subscribers=lines,
    )
    plan.files.append(FilePlan(node.name, "kamailio/kamailio.cfg", config))
    argv = ["kamailio", "-f", str(plan.node_dir(node.name) / "kamailio/kamailio.cfg"), "-P", "/run/kamailio.pid", "-m", "16", "-M", "4"]
    plan.daemons.append(DaemonPlan("kamailio", node.name, [*argv, "-E", "-DD"], stage=Stage.SERVERS, ready=[PortListening("udp", 5060)]))
    for index, line in enumerate(trunk.subscribers):
        sip_port, control_port = line_ports(trunk, line)
        account = f"<sip:{line.number}@{address}:5060;transport=udp>;regint=0;answermode=auto;audio_codecs=pcmu,pcma\n"
        _baresip(plan, node.name, line_ua(line), f"ausine,{tone(line)}", sip_port, account, control_port, index + 1)


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    site = topo.site
    t: Telephony | None = site.telephony
    if t is None:
        return
    if node.name == t.pbx:
        _pbx(plan, site, node, t)
    if t.trunk is not None and node.name == t.trunk.operator:
        _operator(plan, site, node, t.trunk)
    address = pbx_address(site)
    for ext in (e for e in t.extensions if e.phone == node.name):
        account = (
            f"<sip:{ext.number}@{address};transport=udp>;auth_user={ext.number};auth_pass={ext.secret};"
            f"answermode={ext.answer};regint=600;audio_codecs=pcmu,pcma\n"
        )
        _baresip(plan, node.name, "baresip", f"ausine,{tone(ext)}", 5060, account, max_calls=1)

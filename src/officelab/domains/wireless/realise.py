"""Wi-Fi admission, emulated on the cable (this kernel has no mac80211_hwsim): for each secured SSID, hostapd
(``driver=wired``) authenticates on the access point's port with its internal EAP server (WPA2/WPA3-Personal) or
through FreeRADIUS on the domain controller (WPA2-Enterprise, see `officelab.domains.wireless.radius`), an nftables netdev
table lets through only the MACs it admitted (hostapd_cli's action script fills the set), and each station runs
wpa_supplicant (``-D wired``) on its Wi-Fi interface. The station is ready when it is admitted; its DHCP client
(stage CLIENTS too, retrying) gets its lease once the port lets it through.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from officelab.core.errors import LabError
from officelab.domains.network.model import CommandProbe
from officelab.domains.switchcli.model import Ssid
from officelab.domains.wireless import radius
from officelab.domains.wireless.facts import (
    ADMITTED,
    CA,
    RADIUS_PORT,
    TABLE,
    eap_password,
    enterprise,
    management_address,
    method,
    nft_name,
    radius_address,
    radius_name,
    radius_secret,
    radius_server,
    secured_ssids,
    station,
)
from officelab.runtime.plan import CommandPlan, DaemonPlan, FilePlan, HookPlan, LabPlan, ProbeSucceeds, Stage
from officelab.runtime.render import templates
from officelab.runtime.state import home
from officelab.site.model import Node
from officelab.site.topology import Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab, Progress

render = templates(__name__)

EGRESS_PREF = 100
"""tc preference of the program letting hostapd's own frames out of its port: before the VLAN program (49152),
which drops what is untagged on an access port's way out."""

_EAPOL_OUT = """\
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#define SEC(n) __attribute__((section(n), used))
/* The authenticator's own 802.1X frames, sent untagged on its port: out; anything else: the VLAN program decides. */
SEC("egress") int eapol_out(struct __sk_buff *skb) {
  if (!skb->vlan_present && skb->protocol == __builtin_bswap16(ETH_P_PAE)) return TC_ACT_OK;
  return TC_ACT_UNSPEC;
}
char _license[] SEC("license") = "GPL";
"""


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    ssids = secured_ssids(node)
    if ssids:
        _authenticator(plan, node, ssids)
    if node.name == radius_server(plan.site):
        radius.realise(plan, node)
    st = station(plan.site, node.name)
    if st is not None:
        password = eap_password(st.passphrase, st.ssid)
        conf = render(
            "wpa_supplicant.conf.j2",
            node=node.name,
            ssid=st.ssid,
            method=method(st.ssid),
            identity=st.identity,
            password=password,
            ca=CA,
            server=radius_name(plan.site),
        )
        plan.files.append(FilePlan(node.name, "wifi/wpa_supplicant.conf", conf, mode=0o600))
        plan.files.append(FilePlan(node.name, "run/wpa_supplicant/", "", mode=0o755))
        argv = ["wpa_supplicant", "-D", "wired", "-i", st.ifname, "-c", str(plan.node_dir(node.name) / "wifi/wpa_supplicant.conf")]
        admitted = CommandProbe(argv=["wpa_cli", "-i", st.ifname, "status"], expect=ADMITTED, timeout=3)
        what = f"{node.name} admitted on {st.ssid.name}"
        plan.daemons.append(DaemonPlan("wpa_supplicant", node.name, argv, Stage.CLIENTS, [ProbeSucceeds(admitted, what)]))


def _authenticator(plan: LabPlan, node: Node, ssids: list[Ssid]) -> None:
    node_dir = plan.node_dir(node.name)
    nft = {s.port: nft_name(s.port) for s in ssids}
    plan.files.append(FilePlan(node.name, "wifi/wifi.nft", render("wifi.nft.j2", table=TABLE, ssids=ssids, nft=nft)))
    plan.files.append(FilePlan(node.name, "wifi/admission.sh", render("admission.sh.j2", node=node.name, table=TABLE), mode=0o755))
    plan.files.append(FilePlan(node.name, "run/hostapd/", "", mode=0o755))
    plan.commands.append(CommandPlan(node.name, ("nft", "-f", str(node_dir / "wifi/wifi.nft")), "Wi-Fi admission table"))
    site = plan.site
    relay = {
        "server": radius_server(site),
        "address": radius_address(site),
        "port": RADIUS_PORT,
        "secret": radius_secret(site),
        "own": management_address(node),
    }
    for ssid in ssids:
        conf = render("hostapd.conf.j2", ssid=ssid, dir=node_dir, node=node.name, radius=relay if enterprise(ssid) else None)
        plan.files.append(FilePlan(node.name, f"wifi/{ssid.port}.conf", conf, mode=0o600))
        if not enterprise(ssid):
            users = render("eap_user.j2", ssid=ssid, method=method(ssid), password=eap_password(ssid.passphrase, ssid))
            plan.files.append(FilePlan(node.name, f"wifi/{ssid.port}.eap_user", users, mode=0o600))
        ping = CommandProbe(argv=["hostapd_cli", "-i", ssid.port, "ping"], expect="PONG", timeout=3)
        plan.daemons.append(
            DaemonPlan(
                f"hostapd-{ssid.port}",
                node.name,
                ["hostapd", str(node_dir / f"wifi/{ssid.port}.conf")],
                Stage.SERVERS,
                [ProbeSucceeds(ping, f"hostapd answers on {ssid.port}")],
            )
        )
        # Stage CLIENTS, with the stations: hostapd answers by then, so it attaches at once, while a station's
        # supplicant waits about 2 s (its startWhen) before its first EAPOL-Start. -G 1: it sees a stopped
        # hostapd within a second and exits (the supervisor starts it again: it attaches once hostapd is back).
        action = ["hostapd_cli", "-G", "1", "-i", ssid.port, "-a", str(node_dir / "wifi/admission.sh")]
        plan.daemons.append(DaemonPlan(f"admission-{ssid.port}", node.name, action, Stage.CLIENTS))
    hook = HookPlan(None, attach_eapol_out, "802.1X frames let out of the access points' secured ports")
    if hook not in plan.hooks:
        plan.hooks.append(hook)


def eapol_program() -> str:
    """The compiled program (cached with the VLAN programs)."""
    obj = home() / "cache" / "bpf" / "eapol-out.o"
    if obj.exists():
        return str(obj)
    clang = shutil.which("clang")
    if clang is None:
        raise LabError("clang is needed to build the 802.1X egress program: run `make setup` (installs clang)")
    obj.parent.mkdir(parents=True, exist_ok=True)
    source = obj.with_suffix(".c")
    source.write_text(_EAPOL_OUT)
    include = [f"-I/usr/include/{a}" for a in ("x86_64-linux-gnu", "aarch64-linux-gnu") if Path(f"/usr/include/{a}").is_dir()]
    tmp = obj.with_suffix(".tmp")
    result = subprocess.run(
        [clang, "-O2", "-target", "bpf", *include, "-c", str(source), "-o", str(tmp)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise LabError(f"compiling the 802.1X egress program failed: {result.stderr.strip().splitlines()[-1:]}")
    tmp.replace(obj)
    return str(obj)


def attach_eapol_out(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    """From the host (the program is in OfficeLab's cache, which nodes do not see), on each port that has VLAN
    programs (a port without any lets everything out)."""
    obj = eapol_program()
    for node in plan.site.nodes:
        for ssid in secured_ssids(node):
            tc = ["tc", "-n", plan.netns(node.name)]
            qdiscs = subprocess.run([*tc, "qdisc", "show", "dev", ssid.port], capture_output=True, text=True, check=False)
            if "clsact" not in qdiscs.stdout:
                continue
            argv = [
                *tc,
                "filter",
                "replace",
                "dev",
                ssid.port,
                "egress",
                "pref",
                str(EGRESS_PREF),
                "bpf",
                "da",
                "obj",
                obj,
                "sec",
                "egress",
            ]
            result = subprocess.run(argv, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise LabError(f"802.1X egress program on {node.name}:{ssid.port}: {result.stderr.strip()[:300]}")

"""802.1Q VLANs on Linux bridges, behind one interface.

This kernel has neither the 8021q module nor bridge ``vlan_filtering``. The realisation chosen here
(measured in shared/feasibility/network-layer.md, option (b)) tags and untags frames with a small eBPF
program on each bridge port (tc clsact ingress/egress): an access port pushes its VLAN's tag on the way
in and pops it on the way out; a trunk port lets through only its allowed VLANs and handles its native
VLAN untagged. Frames between switches therefore carry **real 802.1Q tags**, visible in a capture,
at ~7 Gbit/s. A stock distribution kernel would add ``vlan_filtering`` on the bridge: that realisation
slots in as another `VlanRealisation` with the same `PortVlan` input.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

from officelab.core.errors import LabError
from officelab.core.vlan import PortVlan as PortVlan


class VlanRealisation(Protocol):
    """Makes the ports of bridges in one namespace behave as access or trunk ports."""

    name: str

    def apply(self, netns: str, ports: dict[str, PortVlan]) -> None: ...

    def replace(self, netns: str, port: str, behaviour: PortVlan) -> None:
        """Change one live port's behaviour (another VLAN, another allowed list)."""
        ...

    def current(self, netns: str, port: str, caches: tuple[Path, ...] = ()) -> PortVlan | None:
        """What a live port does now, read from the data plane (None: nothing tags it)."""
        ...


_PROGRAM = """\
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#define SEC(n) __attribute__((section(n), used))
static long (*bpf_skb_vlan_push)(struct __sk_buff *skb, __u16 proto, __u16 tci) = (void *)BPF_FUNC_skb_vlan_push;
static long (*bpf_skb_vlan_pop)(struct __sk_buff *skb) = (void *)BPF_FUNC_skb_vlan_pop;
#define NATIVE {native}
#define ACCESS {access}
static __always_inline int allowed(__u32 vid) {{ switch (vid) {{ {cases} return 1; default: return 0; }} }}

/* A frame entering the bridge through this port. */
SEC("ingress") int port_in(struct __sk_buff *skb) {{
  if (!skb->vlan_present) {{
    if (!NATIVE) return TC_ACT_SHOT;
    return bpf_skb_vlan_push(skb, __builtin_bswap16(ETH_P_8021Q), NATIVE) ? TC_ACT_SHOT : TC_ACT_OK;
  }}
  if (ACCESS) return TC_ACT_SHOT;
  return allowed(skb->vlan_tci & 0xfff) ? TC_ACT_OK : TC_ACT_SHOT;
}}

/* A frame leaving the bridge through this port. */
SEC("egress") int port_out(struct __sk_buff *skb) {{
  if (!skb->vlan_present) return TC_ACT_SHOT;
  __u32 vid = skb->vlan_tci & 0xfff;
  if (!allowed(vid)) return TC_ACT_SHOT;
  if (NATIVE && vid == NATIVE) return bpf_skb_vlan_pop(skb) ? TC_ACT_SHOT : TC_ACT_OK;
  return TC_ACT_OK;
}}
char _license[] SEC("license") = "GPL";
"""


class BpfTagging:
    """VLANs by tc-eBPF tag push/pop on plain bridges (real 802.1Q tags on trunks)."""

    name = "tc-bpf"

    def __init__(self, cache: Path) -> None:
        self.cache = cache

    def program(self, port: PortVlan) -> Path:
        """The compiled program for this port behaviour (compiled once, then cached)."""
        obj = self.cache / f"vlan-{port.key}.o"
        if obj.exists():
            if not obj.with_suffix(".json").exists():
                self._describe(obj, port)
            return obj
        clang = shutil.which("clang")
        if clang is None:
            raise LabError("clang is needed to build the VLAN tagging programs: run `make setup` (installs clang)")
        self.cache.mkdir(parents=True, exist_ok=True)
        source = obj.with_suffix(".c")
        cases = " ".join(f"case {v}:" for v in port.allowed)
        source.write_text(_PROGRAM.format(native=port.native or 0, access=int(port.access), cases=cases))
        include = [f"-I/usr/include/{arch}" for arch in ("x86_64-linux-gnu", "aarch64-linux-gnu") if Path(f"/usr/include/{arch}").is_dir()]
        tmp = obj.with_suffix(".tmp")
        result = subprocess.run(
            [clang, "-O2", "-target", "bpf", *include, "-c", str(source), "-o", str(tmp)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise LabError(f"compiling the VLAN program failed: {result.stderr.strip().splitlines()[-1:]}")
        tmp.replace(obj)
        self._describe(obj, port)
        return obj

    @staticmethod
    def _describe(obj: Path, port: PortVlan) -> None:
        """Beside the program, what it does: the data plane then tells a port's behaviour (`current`)."""
        tmp = obj.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"allowed": list(port.allowed), "native": port.native, "access": port.access}))
        tmp.replace(obj.with_suffix(".json"))

    def apply(self, netns: str | None, ports: dict[str, PortVlan]) -> None:
        if not ports:
            return
        lines = []
        for ifname, port in sorted(ports.items()):
            obj = self.program(port)
            lines += [
                f"qdisc add dev {ifname} clsact",
                f"filter add dev {ifname} ingress bpf da obj {obj} sec ingress",
                f"filter add dev {ifname} egress bpf da obj {obj} sec egress",
            ]
        self._tc(netns, lines)

    def replace(self, netns: str | None, port: str, behaviour: PortVlan) -> None:
        self.ensure(netns, port, behaviour)

    def ensure(self, netns: str | None, port: str, behaviour: PortVlan) -> None:
        """Give ``port`` the program of ``behaviour``, whether it has another one or none yet."""
        obj = self.program(behaviour)
        verb = "replace" if self.attached(netns, port) else "add"
        lines = [] if verb == "replace" else [f"qdisc add dev {port} clsact"]
        lines += [f"filter replace dev {port} {d} pref 49152 handle 1 bpf da obj {obj} sec {d}" for d in ("ingress", "egress")]
        self._tc(netns, lines)

    def attached(self, netns: str | None, port: str) -> str | None:
        """The key of the program tagging ``port``'s frames (None: no program)."""
        argv = ["tc", *(["-n", netns] if netns else []), "-j", "filter", "show", "dev", port, "ingress"]
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        try:
            filters = json.loads(result.stdout or "[]")
        except ValueError:
            return None
        for item in filters:
            name = str(item.get("options", {}).get("bpf_name", ""))
            if name.startswith("vlan-"):
                return name[5:].split(".", 1)[0]
        return None

    def current(self, netns: str, port: str, caches: tuple[Path, ...] = ()) -> PortVlan | None:
        key = self.attached(netns, port)
        if key is None:
            return None
        for cache in (self.cache, *caches):
            try:
                data = json.loads((cache / f"vlan-{key}.json").read_text())
            except (OSError, ValueError):
                continue
            return PortVlan(allowed=tuple(data["allowed"]), native=data["native"], access=data["access"])
        raise LabError(f"{port} in {netns} runs VLAN program {key}, which no cache describes")

    def _tc(self, netns: str | None, lines: list[str]) -> None:
        argv = ["tc", *(["-n", netns] if netns else []), "-batch", "-"]
        result = subprocess.run(argv, input="\n".join(lines) + "\n", capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise LabError(f"attaching VLAN programs in {netns or 'this namespace'} failed: {result.stderr.strip()[:300]}")

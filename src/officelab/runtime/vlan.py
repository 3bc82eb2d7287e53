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

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from officelab.core.errors import LabError


@dataclass(frozen=True, order=True)
class PortVlan:
    """What a bridge port does with VLANs."""

    allowed: tuple[int, ...]
    native: int | None
    access: bool

    @classmethod
    def access_port(cls, vid: int) -> PortVlan:
        return cls(allowed=(vid,), native=vid, access=True)

    @classmethod
    def trunk_port(cls, allowed: list[int], native: int | None) -> PortVlan:
        vids = sorted(set(allowed) | ({native} if native is not None else set()))
        return cls(allowed=tuple(vids), native=native, access=False)

    @property
    def key(self) -> str:
        text = f"{'a' if self.access else 't'}:{','.join(map(str, self.allowed))}:{self.native or 0}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class VlanRealisation(Protocol):
    """Makes the ports of bridges in one namespace behave as access or trunk ports."""

    name: str

    def apply(self, netns: str, ports: dict[str, PortVlan]) -> None: ...

    def replace(self, netns: str, port: str, behaviour: PortVlan) -> None:
        """Change one live port's behaviour (another VLAN, another allowed list)."""
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
        return obj

    def apply(self, netns: str, ports: dict[str, PortVlan]) -> None:
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

    def replace(self, netns: str, port: str, behaviour: PortVlan) -> None:
        self._tc(netns, [f"qdisc del dev {port} clsact"])
        self.apply(netns, {port: behaviour})

    def _tc(self, netns: str, lines: list[str]) -> None:
        result = subprocess.run(
            ["tc", "-n", netns, "-batch", "-"], input="\n".join(lines) + "\n", capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise LabError(f"attaching VLAN programs in {netns} failed: {result.stderr.strip()[:300]}")

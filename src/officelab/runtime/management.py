"""A managed switch's management plane, as OfficeLab reaches it: configuration lines typed into the switch's own
operating system (`officelab.devices.switchos`) through the Unix socket it serves in its node's ``/run``.

OfficeLab changes a managed switch the way a technician would, so the switch's running configuration tells
the truth: a port moved to another VLAN by a fault is ``switchport access vlan 20`` in ``show running-config``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from officelab.core.errors import LabError
from officelab.devices.switchos.files import SwitchFiles
from officelab.runtime.supervisor import json_request
from officelab.runtime.vlan import PortVlan

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

TIMEOUT = 20.0


def control_socket(lab: Lab, node: str) -> Path:
    return SwitchFiles(lab.dir.node_dir(node)).control


def is_managed(lab: Lab, node: str) -> bool:
    """Does the switch run an operating system OfficeLab must go through (a ``cli:`` switch of a running lab)?"""
    return control_socket(lab, node).is_socket()


def _ask(lab: Lab, node: str, request: dict[str, Any]) -> dict[str, Any]:
    path = control_socket(lab, node)
    try:
        return json_request(path, request, TIMEOUT)
    except OSError as exc:
        raise LabError(f"{node}'s operating system does not answer on {path}: {exc}") from None


def configure(lab: Lab, node: str, lines: list[str]) -> None:
    """Type ``lines`` in configuration mode on ``node``; raises if the switch refuses one."""
    answer = _ask(lab, node, {"configure": lines})
    if not answer.get("ok"):
        refused = answer.get("refused") or [answer.get("output", "refused")]
        raise LabError(f"{node} refused the configuration: {refused[0]}")


def run(lab: Lab, node: str, line: str) -> str:
    """An exec command's output (privileged mode): ``show running-config``…"""
    return str(_ask(lab, node, {"exec": line}).get("output", ""))


def vlans(lab: Lab, node: str) -> list[int]:
    """The VLAN ids the switch knows (``show vlan brief``)."""
    return [int(line.split()[0]) for line in run(lab, node, "show vlan brief").splitlines() if line[:4].strip().isdigit()]


def port_lines(port: str, behaviour: PortVlan) -> list[str]:
    """The configuration that gives ``port`` this VLAN behaviour."""
    if behaviour.access:
        vid = behaviour.native or 1
        return [f"interface {port}", "switchport mode access", f"switchport access vlan {vid}"]
    allowed = ",".join(map(str, behaviour.allowed)) or "none"
    return [
        f"interface {port}",
        "switchport mode trunk",
        f"switchport trunk allowed vlan {allowed}",
        f"switchport trunk native vlan {behaviour.native or 1}",
    ]

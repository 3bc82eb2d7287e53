"""Live administration of a lab's PBX (Kamailio) through its control socket, with kamcmd: extensions and their
secrets, call forwarding (unconditional, busy, no answer), the public numbers' routing, the trunk's password and
registration state, and a backup/restore of that configuration — without rebuilding the lab."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from officelab.core.errors import OfficeLabError
from officelab.domains.telephony.facts import Forwards, operator_address
from officelab.domains.telephony.model import SipTrunkProbe, Trunk
from officelab.domains.telephony.realise import uacreg_table
from officelab.probes import ProbeResult, run_probe
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace
from officelab.site.model import Site

CONTROL = "unix:/run/kamailio_ctl"  # as seen on the PBX node (its private /run)
TABLES = ("pw", "cfu", "cfb", "cfna", "did", "trunk")
FORWARD_TABLES = {"always": "cfu", "busy": "cfb", "no-answer": "cfna"}


def pbx_node(lab: Lab) -> str:
    site = lab.site()
    if site.telephony is None:
        raise OfficeLabError(f"the site of lab {lab.name} has no `telephony` section")
    return site.telephony.pbx


def kamcmd(lab: Lab, *args: str) -> str:
    result = lab.run(pbx_node(lab), ["kamcmd", "-s", CONTROL, *args], timeout=10)
    if result.returncode != 0:
        raise OfficeLabError(f"kamcmd {' '.join(args[:2])}: {(result.stderr or result.stdout).strip()[-200:]}")
    return result.stdout


def dump(lab: Lab, table: str) -> dict[str, str]:
    """A table of the PBX: ``pw`` (extension → secret) or ``cfu`` (extension → forwarded number)."""
    text = kamcmd(lab, "htable.dump", table)
    return dict(re.findall(r"name: (\S+)\s+value: (\S+)", text))


def set_secret(lab: Lab, number: str, secret: str) -> None:
    kamcmd(lab, "htable.sets", "pw", f"s:{number}", f"s:{secret}")


def remove_extension(lab: Lab, number: str) -> None:
    kamcmd(lab, "htable.delete", "pw", f"s:{number}")


def set_forward(lab: Lab, number: str, target: str | None, when: str = "always") -> None:
    table = FORWARD_TABLES[when]
    if target is None:
        kamcmd(lab, "htable.delete", table, f"s:{number}")
    else:
        kamcmd(lab, "htable.sets", table, f"s:{number}", f"s:{target}")


def _trunk(lab: Lab) -> tuple[Site, Trunk]:
    site = lab.site()
    if site.telephony is None or site.telephony.trunk is None:
        raise OfficeLabError(f"the site of lab {lab.name} has no SIP trunk (`telephony: trunk:`)")
    return site, site.telephony.trunk


def set_trunk_password(lab: Lab, password: str) -> None:
    """The password the PBX gives the operator, for its registration and its calls (a wrong one is a classic fault)."""
    site, trunk = _trunk(lab)
    table = lab.dir.node_dir(pbx_node(lab)) / "kamailio" / "db" / "uacreg"
    table.write_text(uacreg_table(site, trunk, password))
    kamcmd(lab, "htable.sets", "trunk", "s:password", f"s:{password}")
    kamcmd(lab, "uac.reg_refresh", "trunk")  # reg_reload may run once per 150 s only


def trunk_status(lab: Lab) -> ProbeResult:
    """The trunk's registration as the PBX sees it."""
    site, trunk = _trunk(lab)
    node = pbx_node(lab)
    return run_probe(SipTrunkProbe(operator=operator_address(site, trunk)), NodePlace(node, lab.context(node)))


def live_forwards(lab: Lab) -> Forwards:
    """The PBX's forwarding right now: always / busy / no-answer → extension → number."""
    return {when: dump(lab, table) for when, table in FORWARD_TABLES.items()}


def backup(lab: Lab, path: Path) -> dict[str, Any]:
    data = {"format": "officelab-pbx-1", **{table: dump(lab, table) for table in TABLES}}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return data


def restore(lab: Lab, path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise OfficeLabError(f"{path}: not a PBX backup ({exc})") from None
    if data.get("format") != "officelab-pbx-1":
        raise OfficeLabError(f"{path}: not a PBX backup made by `officelab pbx backup`")
    for table in TABLES:
        current, wanted = dump(lab, table), data.get(table, {})
        for key in current.keys() - wanted.keys():
            kamcmd(lab, "htable.delete", table, f"s:{key}")
        for key, value in wanted.items():
            kamcmd(lab, "htable.sets", table, f"s:{key}", f"s:{value}")
    if "password" in data.get("trunk", {}):
        set_trunk_password(lab, data["trunk"]["password"])
    return dict(data)

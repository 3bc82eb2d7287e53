"""Live administration of a lab's PBX (Kamailio) through its control socket, with kamcmd: extensions and their
secrets, call forwarding, and a backup/restore of that configuration — without rebuilding the lab."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from officelab.errors import OfficeLabError
from officelab.runtime.lab import Lab

CONTROL = "unix:/run/kamailio_ctl"  # as seen on the PBX node (its private /run)
TABLES = ("pw", "cfu")


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


def set_forward(lab: Lab, number: str, target: str | None) -> None:
    if target is None:
        kamcmd(lab, "htable.delete", "cfu", f"s:{number}")
    else:
        kamcmd(lab, "htable.sets", "cfu", f"s:{number}", f"s:{target}")


def forward_of(lab: Lab, number: str) -> str | None:
    return dump(lab, "cfu").get(number)


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
        current = dump(lab, table)
        for key in current.keys() - data[table].keys():
            kamcmd(lab, "htable.delete", table, f"s:{key}")
        for key, value in data[table].items():
            kamcmd(lab, "htable.sets", table, f"s:{key}", f"s:{value}")
    return dict(data)

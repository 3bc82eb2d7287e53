"""Voice, video and automation: time from `up` to the first successful call, and CPU and memory (PSS) of these
parts idle and during a call while the cameras stream to the recorder. Run with `make bench` (as root)."""

from __future__ import annotations

import shutil
import sys
import threading
import time

from labhome import temporary_home
from procstats import TICKS, cpu_ticks, pss_kib

from officelab.domains.telephony.facts import call_probe, caller_party
from officelab.probes import run_probe
from officelab.runtime import netns
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site

PARTS = {
    "PBX (+ rtpengine, voicemail)": ["srv-ipbx"],
    "operator (+ 1 line)": ["operateur"],
    "phones (3)": ["phone-101", "phone-102", "phone-104"],
    "cameras": ["cam-entree", "cam-archives"],
    "recorder": ["nvr"],
    "broker + controller": ["gtb"],
    "MQTT devices": ["thermostat", "chauffage", "eclairage", "porte-entree"],
}


def pids(lab: Lab, nodes: list[str]) -> list[int]:
    inodes = {i for i in (netns.inode(lab.plan().netns(n)) for n in nodes) if i}
    return netns.processes_in(inodes)


def measure(lab: Lab, seconds: float) -> dict[str, tuple[float, float]]:
    """Part → (CPU % of one core over the window, PSS MiB at its end)."""
    groups = {part: pids(lab, nodes) for part, nodes in PARTS.items()}
    before = {part: sum(cpu_ticks(p) for p in ps) for part, ps in groups.items()}
    time.sleep(seconds)  # the measurement window itself
    return {
        part: (100 * (sum(cpu_ticks(p) for p in ps) - before[part]) / TICKS / seconds, sum(pss_kib(p) for p in ps) / 1024)
        for part, ps in groups.items()
    }


def main() -> None:
    home = temporary_home()
    path = builtin_sites()["cabinet-martin"]
    site = load_site(path)
    lab = Lab("benchvdi")
    try:
        lab.up(site, path.read_text())  # builds the domain template: the measured boot is the next one
        lab.down()
        start = time.monotonic()
        lab.up(site, path.read_text())
        booted = time.monotonic() - start
        assert site.telephony is not None
        caller, callee = site.telephony.extensions[0], site.telephony.extensions[1]
        assert caller.phone and callee.phone
        party = caller_party(site, caller.number)
        planned = call_probe(site, party, callee.number, seconds=1) if party else None
        assert planned is not None
        spec = planned[0]
        place = NodePlace(caller.phone, lab.context(caller.phone))
        while not run_probe(spec, place).ok:
            if time.monotonic() - start > 120:
                sys.exit("bench: no successful call within 120 s")
        first_call = time.monotonic() - start
        account = site.telephony.trunk
        assert account is not None and party is not None
        trunk = call_probe(site, party, account.prefix + account.subscribers[0].number, seconds=1)
        assert trunk is not None
        while not run_probe(trunk[0], place).ok:
            if time.monotonic() - start > 150:
                sys.exit("bench: no successful trunk call within 150 s")
        first_trunk = time.monotonic() - start
        idle = measure(lab, 10)
        windows = []
        for call in (spec, trunk[0]):
            calling = threading.Thread(target=run_probe, args=(call.model_copy(update={"seconds": 12, "timeout": 20}), place))
            calling.start()
            time.sleep(2)  # let the call establish before the window opens
            windows.append(measure(lab, 8))
            calling.join()
        busy, trunked = windows
        lab.down()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"up (warm domain template) {booted:.1f} s; first successful call {first_call:.1f} s after `up` started;")
    print(f"first successful call through the trunk {first_trunk:.1f} s after `up` started")
    print(f"{'part':<30}{'idle CPU':>10}{'idle PSS':>11}{'call CPU':>10}{'call PSS':>11}{'trunk CPU':>11}{'trunk PSS':>11}")
    for part in PARTS:
        print(
            f"{part:<30}{idle[part][0]:>9.1f}%{idle[part][1]:>8.1f} MiB{busy[part][0]:>9.1f}%{busy[part][1]:>8.1f} MiB"
            f"{trunked[part][0]:>10.1f}%{trunked[part][1]:>8.1f} MiB"
        )


if __name__ == "__main__":
    main()

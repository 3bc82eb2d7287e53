"""Wi-Fi admission time per station: from wpa_supplicant's start to the authenticator's AP-STA-CONNECTED and the
port's nftables set holding the station (the station can send), on the smallest WPA2-PSK site
(tests/domains/wireless/wifi_site.yaml: a WPA2-PSK and a WPA3-SAE station), measured on reassociation: the AP deauthenticates the station
(`hostapd_cli deauthenticate`), then the station authenticates again (`wpa_cli reauthenticate`), five runs. At boot
add wpa_supplicant's startWhen (about 2 s) before its first EAPOL-Start.

Run as root: `python bench/wireless.py` (a temporary OfficeLab home).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path

from labhome import temporary_home

from officelab.core.deadline import wait_for
from officelab.domains.wireless.facts import TABLE, Station, nft_name, stations
from officelab.runtime.lab import Lab
from officelab.site.loader import load_site

SITE = Path(__file__).resolve().parents[1] / "tests" / "domains" / "wireless" / "wifi_site.yaml"
RUNS = 5


def main() -> None:
    home = temporary_home()
    site = load_site(SITE)
    lab = Lab("benchwifi")
    try:
        start = time.monotonic()
        lab.up(site, SITE.read_text())
        boot = time.monotonic() - start
        per_station: dict[str, list[float]] = {}
        for st in stations(site):
            element = ["nft", "get", "element", "netdev", TABLE, nft_name(st.ssid.port), f"{{ {st.mac} }}"]

            def in_set(st: Station = st, element: list[str] = element) -> bool:
                return lab.run(st.ap, element, timeout=5).returncode == 0

            runs = per_station.setdefault(f"{st.node} on {st.ssid.name} ({st.ssid.security})", [])
            for _ in range(RUNS):
                lab.run(st.ap, ["hostapd_cli", "-i", st.ssid.port, "deauthenticate", st.mac])
                if not wait_for(lambda: not in_set(), 10, interval=0.05):
                    sys.exit("the deauthentication did not take the station out of the port's set")
                start = time.monotonic()
                lab.run(st.node, ["wpa_cli", "-i", st.ifname, "reauthenticate"])
                if not wait_for(in_set, 30, interval=0.05):
                    sys.exit(f"{st.node} was not admitted again within 30 s")
                runs.append(time.monotonic() - start)
    finally:
        if lab.leftovers():  # down even when a measure failed: nothing of the lab outlives the bench
            lab.down()
        shutil.rmtree(home, ignore_errors=True)
    print(f"wifi site boot {boot:.1f} s (its stations admitted before their DHCP leases)")
    for who, runs in per_station.items():
        print(
            f"  admission of {who} (reauthenticate to port open): median {statistics.median(runs):.2f} s "
            f"(runs: {', '.join(f'{r:.2f}' for r in runs)})"
        )


if __name__ == "__main__":
    main()

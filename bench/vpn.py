"""The user VPN's connect time, on the small VPN site (tests/domains/vpn/site-vpn.yaml): the remote worker's
OpenVPN client started again, until the server answers at its tunnel address (the tunnel usable: routes and
pushed DNS in place); a full session of a second user's certificate by the real client (`vpn-connect` probe:
process start, TLS handshake, pushed options); a refused (revoked) certificate; the ping through the tunnel.
The feasibility probe measured 0.05 s to "Initialization Sequence Completed" by hand.

Run as root: `.venv/bin/python bench/vpn.py`.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from labhome import temporary_home

from officelab.core.deadline import wait_for
from officelab.domains.network.model import PingProbe
from officelab.domains.vpn.model import VpnConnectProbe
from officelab.probes import run_probe
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace
from officelab.site.loader import load_site

SITE = Path(__file__).resolve().parent.parent / "tests" / "domains" / "vpn" / "site-vpn.yaml"
RUNS = 5


def main() -> None:
    temporary_home()
    site = load_site(SITE)
    vpn = site.vpn
    assert vpn is not None
    user = vpn.connected()[0]
    assert user.node is not None
    lab = Lab("benchvpn")
    try:
        start = time.monotonic()
        lab.up(site, SITE.read_text())
        boot = time.monotonic() - start
        place = NodePlace(user.node, lab.context(user.node))
        server = PingProbe(target=str(vpn.server_address), timeout=0.5)
        daemon = f"{user.node}/openvpn-{user.name}"
        connect = []
        for _ in range(RUNS):
            lab.stop_daemon(daemon)
            assert not run_probe(server, place).ok, "the tunnel is down once its client stops"
            start = time.monotonic()
            lab.start_daemon(daemon)
            assert wait_for(lambda: run_probe(server, place).ok, 20, interval=0.01)
            connect.append(time.monotonic() - start)
        others = [u for u in vpn.users if u.node is None]
        accepted = [u for u in others if not u.revoked]
        revoked = [u for u in others if u.revoked]
        session, refusal = [], []
        for _ in range(RUNS):
            for chosen, into, expect in ((accepted, session, True), (revoked, refusal, False)):
                if chosen:
                    start = time.monotonic()
                    assert run_probe(VpnConnectProbe(user=chosen[0].name), place).ok is expect
                    into.append(time.monotonic() - start)
        rtt = run_probe(PingProbe(target=str(vpn.server_address), count=5, timeout=1.0), place)
    finally:
        lab.down()
    print(f"VPN site boot {boot:.1f} s (DC from its template when cached)")
    print(f"tunnel usable after the client starts: median {statistics.median(connect):.3f} s ({', '.join(f'{c:.3f}' for c in connect)})")
    if session:
        print(f"a full session by the real client (vpn-connect: start to pushed options): median {statistics.median(session):.3f} s")
    if refusal:
        print(f"a revoked certificate refused (the client gives up after its hand window): median {statistics.median(refusal):.2f} s")
    print(f"ping through the tunnel: {rtt.summary}")


if __name__ == "__main__":
    main()

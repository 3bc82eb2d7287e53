"""The VPN probe: a real OpenVPN client run on the node with a user's certificate and configuration, without a
tunnel device (``--dev null``, nothing configured on the node), until the server completes the session or
refuses it."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from officelab.domains.vpn.facts import CLIENT_DIR, client_config
from officelab.domains.vpn.model import VpnConnectProbe
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place

DONE = "Initialization Sequence Completed"
ANSWERED = "TLS: Initial packet from"
EXIT_ONCE_UP = "/bin/sh -c 'kill -TERM $PPID'"
"""Run as ``--route-up``: the client stops itself once the session is complete (it is a probe, not a tunnel)."""


@probe("vpn-connect")
def vpn_connect_probe(spec: VpnConnectProbe, place: Place) -> ProbeResult:
    wait = max(2, int(spec.timeout))
    argv = ["openvpn", "--config", client_config(spec.user), "--dev", "null", "--ifconfig-noexec", "--route-noexec"]
    # --tls-exit: give up when the TLS session does not complete within the hand window (a refused certificate)
    argv += ["--tls-exit", "--connect-retry-max", "1", "--hand-window", str(wait), "--verb", "3"]
    argv += ["--script-security", "2", "--route-up", EXIT_ONCE_UP]
    sent = f"OpenVPN client as {spec.user} ({client_config(spec.user)})"
    login = None
    if spec.password is not None:  # another password than the user's own: in a file only root reads, never in argv
        login = f"{CLIENT_DIR}/probe-{uuid.uuid4().hex[:8]}.login"
        local = Path(place.path(login))
        local.write_text(f"{spec.user}\n{spec.password}\n")
        os.chmod(local, 0o600)
        argv += ["--auth-user-pass", login, "--auth-retry", "none"]
        sent += ", with another password"
    try:
        result = place.run(argv, timeout=wait + 4)
    finally:
        if login is not None:
            with contextlib.suppress(OSError):
                Path(place.path(login)).unlink()
    out = result.stdout + result.stderr
    if DONE in out:
        return ProbeResult(True, Layer.APPLICATION, f"the VPN server accepted {spec.user}'s certificate", sent, DONE)
    if "AUTH_FAILED" in out:
        return ProbeResult(False, Layer.APPLICATION, f"the VPN server refused {spec.user}'s login (AUTH_FAILED)", sent, out[-400:])
    if ANSWERED in out:
        # A server that refuses the client's certificate (revoked, unknown CA) drops the session without a word
        # under TLS 1.3: the client sees the server's certificate, then the handshake never completes.
        return ProbeResult(
            False,
            Layer.APPLICATION,
            f"the VPN server answered but refused {spec.user}'s session (certificate not accepted)",
            sent,
            out[-400:],
        )
    last = out.strip().splitlines()[-1] if out.strip() else f"exit {result.returncode}"
    return ProbeResult(False, Layer.TRANSPORT, f"no answer from the VPN server for {spec.user}: {last[-160:]}", sent, out[-400:])

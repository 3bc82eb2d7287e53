"""The ``wifi-auth`` probe: a throw-away wpa_supplicant from a fresh MAC, through the station's Wi-Fi interface.

The probe's supplicant runs on a veth of its own; an nftables netdev table on the station's interface forwards
the frames addressed to the probe's MAC to it (before any socket of the station's sees them) and sends the
probe's frames out through the interface. The authenticator answers the probe's MAC by unicast, so the
station's own supplicant never sees the probe's exchange, and a fresh MAC is never in 802.1X's quiet period.
"""

from __future__ import annotations

import secrets

from officelab.domains.wireless.facts import CA
from officelab.domains.wireless.model import WifiAuthProbe
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place

_SCRIPT = r"""
set -u
IF=$1 MAC=$2 TAG=$3 T=$4
P=wp$TAG D=$(mktemp -d)
cleanup() {
  [ -f "$D/pid" ] && kill "$(cat "$D/pid")" 2>/dev/null
  nft delete table netdev wp$TAG 2>/dev/null; ip link del "$P" 2>/dev/null; rm -rf "$D"
}
trap cleanup EXIT
cat > "$D/conf"
ip link add "$P" address "$MAC" type veth peer name "$P-p" || exit 3
ip link set "$P" up && ip link set "$P-p" up || exit 3
printf '%s\n' "table netdev wp$TAG {" \
  "chain air { type filter hook ingress device \"$IF\" priority -100; ether daddr $MAC fwd to \"$P-p\"; }" \
  "chain out { type filter hook ingress device \"$P-p\" priority 0; fwd to \"$IF\"; }" "}" | nft -f - || exit 3
wpa_supplicant -B -D wired -i "$P" -c "$D/conf" -P "$D/pid" -f "$D/log" || exit 3
end=$(( $(date +%s) + T ))
while [ "$(date +%s)" -le "$end" ]; do
  if grep -q 'CTRL-EVENT-EAP-SUCCESS' "$D/log"; then echo admitted; exit 0; fi
  if grep -q 'CTRL-EVENT-EAP-TLS-CERT-ERROR' "$D/log"; then echo "server certificate refused"; exit 2; fi
  if grep -q 'CTRL-EVENT-EAP-FAILURE' "$D/log"; then echo refused; exit 0; fi
  sleep 0.1
done
echo "no answer from the authenticator in $T s"; tail -3 "$D/log"; exit 2
"""
"""Polls the supplicant's log (every 0.1 s, up to the probe's deadline) for the authenticator's answer."""


@probe("wifi-auth")
def wifi_auth(spec: WifiAuthProbe, place: Place) -> ProbeResult:
    mac = "02:" + ":".join(f"{b:02x}" for b in secrets.token_bytes(5))
    tag = secrets.token_hex(3)
    peap = f'  phase2="auth=MSCHAPV2"\n  ca_cert="{CA}"\n  domain_match="{spec.server}"\n' if spec.method == "PEAP" else ""
    conf = (
        "ap_scan=0\nnetwork={\n  key_mgmt=IEEE8021X\n  eapol_flags=0\n"
        f'  eap={spec.method}\n  identity="{spec.identity}"\n  password={spec.password}\n{peap}}}\n'
    )
    sent = f"wpa_supplicant -D wired (EAP-{spec.method}, identity {spec.identity}) from {mac} via {spec.ifname}"
    argv = ["sh", "-c", _SCRIPT, "wifi-auth", spec.ifname, mac, tag, str(int(spec.timeout))]
    result = place.run(argv, timeout=spec.timeout + 10, input=conf)
    out = (result.stdout + result.stderr).strip()
    answer = out.splitlines()[0] if out else f"exit {result.returncode}"
    if result.returncode != 0 or answer not in ("admitted", "refused"):
        return ProbeResult(False, Layer.DATALINK, f"802.1X exchange not completed: {answer}", sent, out[-300:])
    return ProbeResult(answer == spec.outcome, Layer.DATALINK, f"the authenticator {answer} {mac}", sent, out[-300:])

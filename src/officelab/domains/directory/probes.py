"""Directory probes: LDAP bind and search (plain or LDAPS), Kerberos login. Each speaks the real protocol with the
real client library."""

from __future__ import annotations

import re
import ssl
import uuid

import ldap3
from ldap3.core.exceptions import LDAPException

from officelab.domains.directory.model import KerberosProbe, LdapProbe
from officelab.domains.network.probes import address_of
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place

# Samba/AD answers a refused LDAP bind with a sub-code that says why (data 52e: bad password, 533: disabled…).
AD_BIND_REASONS = {
    "52e": "wrong password",
    "533": "account disabled",
    "532": "password expired",
    "773": "must change password",
    "775": "account locked out",
    "525": "no such user",
    "701": "account expired",
}


@probe("ldap")
def ldap_probe(spec: LdapProbe, place: Place) -> ProbeResult:
    address = address_of(place, spec.server, spec.timeout)
    if isinstance(address, ProbeResult):
        return address
    sent = f"LDAP{'S' if spec.tls else ''} simple bind as {spec.user} to {address}:{spec.port}"
    try:
        with place.inside():
            tls = ldap3.Tls(validate=ssl.CERT_NONE) if spec.tls else None
            server = ldap3.Server(address, port=spec.port, use_ssl=spec.tls, tls=tls, connect_timeout=spec.timeout)
            connection = ldap3.Connection(server, user=spec.user, password=spec.password, receive_timeout=max(1, int(spec.timeout)))
            bound = connection.bind()
            result = dict(connection.result)
            if not bound:
                code = re.search(r"data ([0-9a-f]{3})", result.get("message", ""))
                reason = AD_BIND_REASONS.get(code[1], result.get("description", "")) if code else result.get("description", "refused")
                return ProbeResult(
                    False,
                    Layer.APPLICATION,
                    f"LDAP bind as {spec.user} refused: {reason}",
                    sent,
                    f"{result.get('description')}: {result.get('message', '')[:120]}",
                )
            if not spec.filter:
                connection.unbind()
                return ProbeResult(True, Layer.APPLICATION, f"{spec.user} authenticated by LDAP", sent, "bind: success")
            connection.search(spec.base, spec.filter, attributes=[spec.attribute] if spec.attribute else [])
            entries = list(connection.entries)
            connection.unbind()
    except (LDAPException, OSError) as exc:
        return ProbeResult(False, Layer.TRANSPORT, f"no LDAP service at {address}:{spec.port}: {exc}", sent)
    sent += f"; search {spec.filter}"
    if not entries:
        return ProbeResult(False, Layer.APPLICATION, f"nothing matches {spec.filter} under {spec.base}", sent, "0 entries")
    values = [str(v) for e in entries for v in (e[spec.attribute].values if spec.attribute and spec.attribute in e else [])]
    received = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}" + (
        f", {spec.attribute}: {'; '.join(values)[:300]}" if spec.attribute else ""
    )
    missing = [x for x in spec.expect if not any(x.lower() in v.lower() for v in values)]
    if missing:
        return ProbeResult(False, Layer.APPLICATION, f"{spec.attribute} lacks {', '.join(missing)}", sent, received)
    extra = [v for v in values if not any(x.lower() in v.lower() for x in spec.expect)]
    if spec.exact and extra:
        return ProbeResult(False, Layer.APPLICATION, f"{spec.attribute} also holds {', '.join(extra)[:200]}", sent, received)
    return ProbeResult(True, Layer.APPLICATION, f"{spec.filter}: {received}", sent, received, data={"values": values})


@probe("kerberos")
def kerberos_probe(spec: KerberosProbe, place: Place) -> ProbeResult:
    cache = f"FILE:/run/officelab-probe-{uuid.uuid4().hex[:8]}.ccache"
    argv = ["sh", "-c", f'KRB5CCNAME={cache} kinit "$0" && KRB5CCNAME={cache} klist && KRB5CCNAME={cache} kdestroy', spec.principal]
    sent = f"Kerberos AS-REQ for {spec.principal}"
    result = place.run(argv, timeout=spec.timeout + 5, input=spec.password + "\n")
    out = (result.stdout + result.stderr).strip()
    if result.returncode == 0 and "krbtgt/" in out:
        ticket = next((line.strip() for line in out.splitlines() if "krbtgt/" in line), "")
        return ProbeResult(True, Layer.APPLICATION, f"{spec.principal} got a Kerberos ticket", sent, ticket)
    reason = out.splitlines()[-1] if out else f"kinit exited {result.returncode}"
    if "Password incorrect" in out or "Preauthentication failed" in out:
        reason = "wrong password"
    elif "revoked" in out or "disabled" in out.lower():
        reason = "account disabled"
    elif "Cannot contact any KDC" in out or "Cannot find KDC" in out:
        return ProbeResult(False, Layer.TRANSPORT, f"no Kerberos KDC answers for {spec.principal}", sent, out[-200:])
    return ProbeResult(False, Layer.APPLICATION, f"Kerberos login of {spec.principal} refused: {reason}", sent, out[-200:])

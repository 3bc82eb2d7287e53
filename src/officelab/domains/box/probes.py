"""The box's probes: a real login on its admin page (cookie session), and a real DHCP exchange whose lease must be
in the planned range."""

from __future__ import annotations

import http.client
import ipaddress
from urllib.parse import urlencode, urlsplit

from officelab.domains.box.model import BoxLeaseProbe, BoxLoginProbe
from officelab.domains.network.model import DhcpProbe
from officelab.domains.network.probes.links import dhcp_probe
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place


def _request(place: Place, url: str, method: str, path: str, timeout: float, body: str = "", cookie: str = "") -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=timeout)
    with place.inside():
        connection.connect()
    headers = {"User-Agent": "officelab-probe", **({"Cookie": cookie} if cookie else {})}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@probe("box-login")
def box_login_probe(spec: BoxLoginProbe, place: Place) -> ProbeResult:
    sent = f"GET {spec.url}login, then POST the password"
    try:
        page = _request(place, spec.url, "GET", "/login", spec.timeout)
        if page.status != 200:
            return ProbeResult(False, Layer.APPLICATION, f"the box's login page answered {page.status}", sent)
        answer = _request(place, spec.url, "POST", "/login", spec.timeout, urlencode({"password": spec.password}))
        cookie = (answer.getheader("Set-Cookie") or "").split(";")[0]
        accepted = answer.status == 303 and bool(cookie)
        status = _request(place, spec.url, "GET", "/", spec.timeout, cookie=cookie).status if accepted else answer.status
    except OSError as exc:
        return ProbeResult(False, Layer.TRANSPORT, f"the box's admin page {spec.url} does not answer: {exc}", sent)
    received = f"login {answer.status}" + (f", status page {status}" if accepted else "")
    if spec.refused:
        if accepted:
            return ProbeResult(False, Layer.APPLICATION, "the box still accepts its factory password: change it", sent, received)
        return ProbeResult(True, Layer.APPLICATION, "the factory password is refused", sent, received)
    if not accepted or status != 200:
        return ProbeResult(False, Layer.APPLICATION, "the box's admin page refuses the planned password", sent, received)
    return ProbeResult(True, Layer.APPLICATION, "logged in to the box's admin page", sent, received)


@probe("box-lease")
def box_lease_probe(spec: BoxLeaseProbe, place: Place) -> ProbeResult:
    result = dhcp_probe(DhcpProbe(interface=spec.interface, subnet=spec.subnet, timeout=spec.timeout), place)
    if not result.ok:
        return result
    lease = ipaddress.ip_interface(str((result.data or {}).get("lease", "0.0.0.0/32"))).ip
    if not int(spec.start) <= int(lease) <= int(spec.end):
        summary = f"the box leased {lease}, outside the planned range {spec.start}–{spec.end}"
        return ProbeResult(False, Layer.APPLICATION, summary, result.sent, result.received, data=result.data)
    return ProbeResult(
        True, Layer.APPLICATION, f"leased {lease}, in the planned range {spec.start}–{spec.end}", result.sent, result.received
    )

"""Wi-Fi's part of the recette: each station of a secured SSID admitted by the SSID's authenticator, a supplicant
with a wrong key (password) refused on the same port (a throw-away one, from a fresh MAC), and on a WPA2-Enterprise
SSID a new login with the station's user admitted (the server tells right from wrong) and a disabled directory
account refused with its right password."""

from __future__ import annotations

from officelab.domains.directory.checks import dc_ready
from officelab.domains.network.model import CommandProbe
from officelab.domains.wireless.facts import (
    AUTHORISED,
    Station,
    disabled_users,
    eap_password,
    enterprise,
    method,
    radius_name,
    radius_server,
    stations,
    wrong_key,
)
from officelab.domains.wireless.model import WifiAuthProbe
from officelab.recette.context import Derivation

CRITERIA = ("TRI-CP3-C1",)
ENTERPRISE = ("TRI-CP3-C1", "TRI-CP4-C1")


def admitted_check(st: Station) -> str:
    return f"wifi:{st.node}"


def _how(st: Station) -> tuple[str, str]:
    if enterprise(st.ssid):
        return f"802.1X PEAP-MSCHAPv2 en tant que {st.user}, via RADIUS", f"802.1X PEAP-MSCHAPv2 as {st.user}, through RADIUS"
    return f"émulé en 802.1X EAP-{method(st.ssid)}", f"emulated as 802.1X EAP-{method(st.ssid)}"


def derive(ctx: Derivation) -> None:
    site = ctx.site
    radius = radius_server(site)
    server = radius_name(site) if radius else ""
    disabled = disabled_users(site)
    tried: set[str] = set()
    for st in stations(site):
        link = f"link:{st.node}:{st.ifname}"
        # PEAP's answer comes from the domain controller (ntlm_auth): its checks first.
        # (the directory's domain is derived first; its checks are not built on a site where no host may use the DC)
        dc = (dc_ready(ctx),) if enterprise(st.ssid) and radius and dc_ready(ctx) in ctx.ids else ()
        needs = (link, *dc)
        criteria = ENTERPRISE if enterprise(st.ssid) else CRITERIA
        how_fr, how_en = _how(st)
        ctx.check(
            admitted_check(st),
            f"{st.node} est admis sur le SSID {st.ssid.name} ({st.ssid.security}, {how_fr})",
            f"{st.node} is admitted on SSID {st.ssid.name} ({st.ssid.security}, {how_en})",
            on=st.ap,  # the authenticator's view: the station is known and authorised (what opens the port)
            probe=CommandProbe(argv=["hostapd_cli", "-i", st.ssid.port, "sta", st.mac], expect=AUTHORISED, layer="network", timeout=3),
            criteria=criteria,
            depends=(link,),  # not the DC's checks: they may run from this very station
            group="wireless",
        )
        wrong = "un mauvais mot de passe" if enterprise(st.ssid) else "une mauvaise phrase de passe"
        ctx.check(
            f"wifi-refused:{st.node}",
            f"Le SSID {st.ssid.name} refuse {wrong} (essai depuis {st.node})",
            f"SSID {st.ssid.name} refuses a wrong {'password' if enterprise(st.ssid) else 'passphrase'} (tried from {st.node})",
            on=st.node,
            probe=WifiAuthProbe(
                ifname=st.ifname, method=method(st.ssid), identity=st.identity, password=wrong_key(st), server=server, outcome="refused"
            ),
            criteria=criteria,
            depends=needs,
            deadline=15,
            group="wireless",
        )
        if not enterprise(st.ssid):
            continue
        if st.expected:  # the directory's password (the station may hold another: wifi:<node> says so)
            _login(ctx, st, server, needs)
        if st.ssid.name in tried:
            continue
        tried.add(st.ssid.name)
        _disabled(ctx, st, disabled, server, needs)


def _login(ctx: Derivation, st: Station, server: str, needs: tuple[str, ...]) -> None:
    """A new login as the station's user, with the directory's password: admitted (with the refusals, it shows the
    server tells a right password from a wrong one)."""
    ctx.check(
        f"wifi-login:{st.node}",
        f"Le SSID {st.ssid.name} admet {st.user} avec son mot de passe (nouvelle connexion depuis {st.node})",
        f"SSID {st.ssid.name} admits {st.user} with their password (a new connection from {st.node})",
        on=st.node,
        probe=WifiAuthProbe(
            ifname=st.ifname,
            method="PEAP",
            identity=st.user,
            password=eap_password(st.expected, st.ssid),
            server=server,
            outcome="admitted",
        ),
        criteria=ENTERPRISE,
        depends=needs,
        deadline=15,
        group="wireless",
    )


def _disabled(ctx: Derivation, st: Station, disabled: list[str], server: str, needs: tuple[str, ...]) -> None:
    """A disabled account, with its right password, refused on the SSID (tried from its first station)."""
    cid = f"wifi-disabled:{st.ssid.name}"
    fr = f"Le SSID {st.ssid.name} refuse un compte de l'annuaire désactivé"
    en = f"SSID {st.ssid.name} refuses a disabled directory account"
    if not disabled:
        ctx.not_built(cid, fr, en, "no user of the directory is disabled (`enabled: false`)", "wireless")
        return
    directory = ctx.site.directory
    assert directory is not None
    user = next(u for u in directory.users if u.login == disabled[0])
    ctx.check(
        cid,
        f"{fr} ({user.login}, essai depuis {st.node})",
        f"{en} ({user.login}, tried from {st.node})",
        on=st.node,
        probe=WifiAuthProbe(
            ifname=st.ifname, method="PEAP", identity=user.login, password=f'"{user.password}"', server=server, outcome="refused"
        ),
        criteria=ENTERPRISE,
        depends=needs,
        deadline=15,
        group="wireless",
    )

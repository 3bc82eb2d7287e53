"""Wi-Fi's part of the recette: each station of a WPA2-PSK SSID admitted by the SSID's authenticator, and a
supplicant with a wrong key refused on the same port (a throw-away one, from a fresh MAC)."""

from __future__ import annotations

from officelab.domains.network.model import CommandProbe
from officelab.domains.wireless.facts import AUTHORISED, Station, method, stations, wrong_key
from officelab.domains.wireless.model import WifiAuthProbe
from officelab.recette.context import Derivation

CRITERIA = ("TRI-CP3-C1",)


def admitted_check(st: Station) -> str:
    return f"wifi:{st.node}"


def derive(ctx: Derivation) -> None:
    for st in stations(ctx.site):
        link = f"link:{st.node}:{st.ifname}"
        ctx.check(
            admitted_check(st),
            f"{st.node} est admis sur le SSID {st.ssid.name} ({st.ssid.security}, émulé en 802.1X EAP-{method(st.ssid)})",
            f"{st.node} is admitted on SSID {st.ssid.name} ({st.ssid.security}, emulated as 802.1X EAP-{method(st.ssid)})",
            on=st.ap,  # the authenticator's view: the station is known and authorised (what opens the port)
            probe=CommandProbe(argv=["hostapd_cli", "-i", st.ssid.port, "sta", st.mac], expect=AUTHORISED, layer="network", timeout=3),
            criteria=CRITERIA,
            depends=(link,),
            group="wireless",
        )
        ctx.check(
            f"wifi-refused:{st.node}",
            f"Le SSID {st.ssid.name} refuse une mauvaise phrase de passe (essai depuis {st.node})",
            f"SSID {st.ssid.name} refuses a wrong passphrase (tried from {st.node})",
            on=st.node,
            probe=WifiAuthProbe(
                ifname=st.ifname, method=method(st.ssid), identity=st.ssid.name, password=wrong_key(st.ssid), outcome="refused"
            ),
            criteria=CRITERIA,
            depends=(link,),
            deadline=15,
            group="wireless",
        )

"""Faults of Wi-Fi admission: a station given a wrong passphrase, the SSID's authenticator stopped, and on
WPA2-Enterprise the access point's RADIUS secret mistyped or the RADIUS server stopped.

Neither has a diagnosis vantage (`vantage` is None): `officelab diagnose`'s bottom-up walk has no 802.1X step yet, so
it would see a gateway that does not answer, not the admission."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.core.deadline import wait_for
from officelab.core.errors import OfficeLabError
from officelab.domains.wireless.facts import (
    AUTHORISED,
    TABLE,
    Station,
    eap_password,
    enterprise,
    nft_name,
    radius_secret,
    radius_server,
    station,
    stations,
)
from officelab.domains.wireless.radius import DAEMON
from officelab.faults import truth as t
from officelab.faults.mechanisms import edit_file, restore_file, start
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

COMPETENCIES = ("TRI-CT", "TRI-CP3", "TAI-CP5")
SUPPLICANT = "wifi/wpa_supplicant.conf"


def _station_names(site: Site) -> list[str]:
    return [s.node for s in stations(site)]


class WrongPassphrase(Fault):
    """The station's supplicant holds another passphrase (a typing error on the tablet): the authenticator refuses
    it, takes its MAC out of the port's authorised set, and the station is cut off."""

    kind: ClassVar[str] = "wifi-wrong-passphrase"
    title_fr: ClassVar[str] = "Mauvaise clé Wi-Fi sur un poste"
    title_en: ClassVar[str] = "Wrong Wi-Fi passphrase on a station"
    layer: ClassVar[Layer] = Layer.DATALINK
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = COMPETENCIES

    node: str = Field(description="a station of a secured SSID (tablet-1): its passphrase, or its user's password")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(node=n) for n in _station_names(site)]

    def problems(self, site: Site) -> list[str]:
        if station(site, self.node) is None:
            return [f"{self.node} is not a station of a secured SSID (stations: {', '.join(_station_names(site)) or 'none'})"]
        return []

    def truth(self, site: Site) -> GroundTruth:
        st = station(site, self.node)
        assert st is not None
        return GroundTruth(
            f"{self.node} a une mauvaise phrase de passe pour le SSID {st.ssid.name} : l'authentificateur la refuse",
            f"{self.node} holds a wrong passphrase for SSID {st.ssid.name}: the authenticator refuses it",
            f"{self.node}: {SUPPLICANT}",
            f"saisir la bonne phrase de passe du SSID {st.ssid.name} sur {self.node}",
            f"enter SSID {st.ssid.name}'s right passphrase on {self.node}",
            t.ids(site, f"wifi:{self.node}"),
            tuple(i for i in t.addressing(site, {self.node}) if i != f"wifi:{self.node}"),
        )

    def inject(self, lab: Lab) -> Undo:
        st = station(lab.site(), self.node)
        assert st is not None
        path = lab.dir.node_dir(self.node) / SUPPLICANT
        right = f"password={eap_password(st.passphrase, st.ssid)}"
        wrong = f"password={eap_password(st.passphrase + 'x', st.ssid)}"
        text = path.read_text()
        if right not in text:
            raise OfficeLabError(f"{self.node}: {SUPPLICANT} does not hold the site's key any more (changed by hand?)")
        daemon = f"{self.node}/wpa_supplicant"
        # The station leaves the network before it is given the new passphrase (EAPOL-Logoff: the authenticator
        # unauthorises it), as a station on radio deauthenticates: with EAP-pwd the station, not the authenticator,
        # finds the passphrase wrong, and the authenticator would otherwise keep its earlier admission for a while.
        lab.run(self.node, ["wpa_cli", "-i", st.ifname, "logoff"], timeout=5)
        lab.stop_daemon(daemon)
        path.write_text(text.replace(right, wrong, 1))
        lab.start_daemon(daemon)  # it runs, and is refused: not ready, but settled once the port is closed to it
        undo = {"node": self.node, "file": SUPPLICANT, "old": right, "new": wrong, "daemon": daemon}
        if not wait_for(lambda: not _authorised(lab, st), 15, interval=0.2):
            self.clear(lab, undo)
            raise OfficeLabError(f"{st.ap} still admits {self.node} 15 s after its logoff: fault not injected")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        lab.stop_daemon(undo["daemon"])
        lab.start_daemon(undo["daemon"])
        st = station(lab.site(), self.node)
        assert st is not None
        wait_admitted(lab, st, nudge=True, fresh=True)  # a new association if need be: no quiet period left


class AuthenticatorStopped(Fault):
    """The SSID's authenticator (hostapd on the access point's port) is stopped: stations already admitted stay in
    the port's authorised set, a newcomer (the probe) gets no answer."""

    kind: ClassVar[str] = "wifi-authenticator-stopped"
    title_fr: ClassVar[str] = "Authentificateur Wi-Fi arrêté"
    title_en: ClassVar[str] = "Wi-Fi authenticator stopped"
    layer: ClassVar[Layer] = Layer.DATALINK
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = COMPETENCIES

    ssid: str = Field(description="a secured SSID of the site")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(ssid=name) for name in dict.fromkeys(s.ssid.name for s in stations(site))]

    def _stations(self, site: Site) -> list[str]:
        return [s.node for s in stations(site) if s.ssid.name == self.ssid]

    def problems(self, site: Site) -> list[str]:
        return [] if self._stations(site) else [f"no station of the site is on a secured SSID {self.ssid!r}"]

    def _daemon(self, site: Site) -> str:
        st = next(s for s in stations(site) if s.ssid.name == self.ssid)
        return f"{st.ap}/hostapd-{st.ssid.port}"

    def truth(self, site: Site) -> GroundTruth:
        daemon = self._daemon(site)
        return GroundTruth(
            f"l'authentificateur du SSID {self.ssid} (hostapd sur {daemon.split('/')[0]}) est arrêté",
            f"SSID {self.ssid}'s authenticator (hostapd on {daemon.split('/')[0]}) is stopped",
            daemon,
            f"redémarrer hostapd pour le SSID {self.ssid}",
            f"start hostapd for SSID {self.ssid} again",
            t.ids(site, *(f"wifi:{n}" for n in self._stations(site)), *_refusals(site, [self.ssid])),
            t.addressing(site, self._stations(site)),
        )

    def inject(self, lab: Lab) -> Undo:
        daemon = self._daemon(lab.site())
        admission = daemon.replace("/hostapd-", "/admission-")
        lab.stop_daemon(daemon)
        lab.stop_daemon(admission)  # its hostapd_cli would exit, again and again, until the supervisor gave up on it
        return {"daemon": daemon, "admission": admission}

    def clear(self, lab: Lab, undo: Undo) -> None:
        """The authenticator back, its stations associate again (a station on real radio does so by itself when the
        AP's beacons come back; a wired supplicant never learns that its authenticator went away)."""
        start(lab, undo["daemon"])
        start(lab, undo["admission"])
        for st in stations(lab.site()):
            if st.ssid.name == self.ssid:
                wait_admitted(lab, st, nudge=True)


def _authorised(lab: Lab, st: Station) -> bool:
    """Does the authenticator have the station authorised, and its MAC in the port's set?"""
    sta = ["hostapd_cli", "-i", st.ssid.port, "sta", st.mac]
    element = ["nft", "get", "element", "netdev", TABLE, nft_name(st.ssid.port), f"{{ {st.mac} }}"]
    return AUTHORISED in lab.run(st.ap, sta, timeout=5).stdout and lab.run(st.ap, element, timeout=5).returncode == 0


def wait_admitted(lab: Lab, st: Station, nudge: bool = False, fresh: bool = False) -> None:
    """Until the authenticator has the station authorised and the admission script has opened the port to it.
    With ``nudge``, the station associates again while it is not (as a station does when the AP's beacons come
    back): the admission script's hostapd_cli, started again by the supervisor, attaches once hostapd is back.
    A ``fresh`` supplicant (just started) is left its own first attempt before any nudge."""
    # A nudge restarts an exchange under way: leave each one time to end (a supplicant's first EAPOL-Start comes
    # about 2.2 s after it starts; a PEAP login goes through RADIUS and the DC, seconds under load).
    every, deadline = (8.0, 40.0) if enterprise(st.ssid) else (4.0, 25.0)
    last = [time.monotonic() if fresh else 0.0]

    def admitted() -> bool:
        if _authorised(lab, st):
            return True
        if nudge and time.monotonic() - last[0] > every:
            # The station logs off then on: a new EAPOL exchange. Not `reauthenticate`: a supplicant still waiting
            # for an answer from before ignores it until its 30 s authPeriod ends (measured on radius-secret-
            # mismatch's clear). Not hostapd's `deauthenticate`: it arms a 5 s removal of the station that then
            # takes away the admission that follows (measured: admitted, then cut off 3-4 s later).
            lab.run(st.node, ["wpa_cli", "-i", st.ifname, "logoff"], timeout=5)
            lab.run(st.node, ["wpa_cli", "-i", st.ifname, "logon"], timeout=5)
            last[0] = time.monotonic()
        return False

    if not wait_for(admitted, deadline, interval=0.2):
        raise OfficeLabError(f"{st.node} was not admitted again on {st.ssid.name} within {deadline:.0f} s: see {st.ap}'s hostapd log")


def _enterprise_ssids(site: Site) -> list[str]:
    return list(dict.fromkeys(s.ssid.name for s in stations(site) if enterprise(s.ssid)))


def _refusals(site: Site, ssids: list[str]) -> list[str]:
    """The checks that ask the SSIDs' authenticator for a new admission (answered by RADIUS)."""
    on = [s.node for s in stations(site) if s.ssid.name in ssids]
    return [*(f"wifi-refused:{n}" for n in on), *(f"wifi-login:{n}" for n in on), *(f"wifi-disabled:{name}" for name in ssids)]


class RadiusSecretMismatch(Fault):
    """The access point's shared secret for the SSID is mistyped: FreeRADIUS drops its requests (their
    Message-Authenticator does not match), the stations that associate again get no answer."""

    kind: ClassVar[str] = "radius-secret-mismatch"
    title_fr: ClassVar[str] = "Secret RADIUS différent sur la borne"
    title_en: ClassVar[str] = "RADIUS secret mismatch on the access point"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 3
    competencies: ClassVar[tuple[str, ...]] = ("TRI-CT", "TRI-CP3", "TRI-CP4")

    ssid: str = Field(description="a WPA2-Enterprise SSID of the site")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(ssid=name) for name in _enterprise_ssids(site)]

    def problems(self, site: Site) -> list[str]:
        if self.ssid not in _enterprise_ssids(site):
            return [f"no station of the site is on a WPA2-Enterprise SSID {self.ssid!r} ({', '.join(_enterprise_ssids(site)) or 'none'})"]
        return []

    def _stations(self, site: Site) -> list[Station]:
        return [s for s in stations(site) if s.ssid.name == self.ssid]

    def truth(self, site: Site) -> GroundTruth:
        st = self._stations(site)[0]
        nodes = [s.node for s in self._stations(site)]
        return GroundTruth(
            f"le secret RADIUS de {st.ap} pour le SSID {self.ssid} ne correspond pas à celui du serveur",
            f"{st.ap}'s RADIUS secret for SSID {self.ssid} does not match the server's",
            f"{st.ap}: wifi/{st.ssid.port}.conf (auth_server_shared_secret)",
            f"remettre sur {st.ap} le secret partagé déclaré sur le serveur RADIUS",
            f"give {st.ap} the shared secret the RADIUS server has for it",
            t.ids(site, *(f"wifi:{n}" for n in nodes), *_refusals(site, [self.ssid])),
            t.addressing(site, nodes),
        )

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        sts = self._stations(site)
        st, secret = sts[0], radius_secret(site)
        line = f"auth_server_shared_secret={secret}\n"
        undo = edit_file(lab, st.ap, f"wifi/{st.ssid.port}.conf", line, line.replace(secret, secret[:-1] + "X", 1))
        undo |= {"daemon": f"{st.ap}/hostapd-{st.ssid.port}", "admission": f"{st.ap}/admission-{st.ssid.port}"}
        _restart_authenticator(lab, undo)
        for each in sts:  # they associate again with the AP that came back, as stations on radio do
            lab.run(each.node, ["wpa_cli", "-i", each.ifname, "reauthenticate"], timeout=5)
        if not wait_for(lambda: not any(_authorised(lab, each) for each in sts), 15, interval=0.2):
            self.clear(lab, undo)
            raise OfficeLabError(f"{st.ap} still admits the stations of {self.ssid} 15 s after the secret changed: fault not injected")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        _restart_authenticator(lab, undo)
        for st in self._stations(lab.site()):
            wait_admitted(lab, st, nudge=True)


def _restart_authenticator(lab: Lab, undo: Undo) -> None:
    """hostapd reads its configuration at start: stopped (it deauthenticates its stations), then started with its
    admission script."""
    lab.stop_daemon(undo["daemon"])
    lab.stop_daemon(undo["admission"])  # after: it takes the stations' MACs out of the port's set
    start(lab, undo["daemon"])
    start(lab, undo["admission"])


class RadiusServerStopped(Fault):
    """FreeRADIUS is stopped: the stations already admitted stay so (no reauthentication period), a station that
    associates (the probe) gets no answer."""

    kind: ClassVar[str] = "radius-server-stopped"
    title_fr: ClassVar[str] = "Serveur RADIUS arrêté"
    title_en: ClassVar[str] = "RADIUS server stopped"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = ("TRI-CT", "TRI-CP3", "TRI-CP4")

    node: str = Field(description="the RADIUS server (the domain controller)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        server = radius_server(site)
        return [cls(node=server)] if server and _enterprise_ssids(site) else []

    def problems(self, site: Site) -> list[str]:
        server = radius_server(site)
        if server != self.node or not _enterprise_ssids(site):
            return [f"{self.node} is not the RADIUS server of a WPA2-Enterprise SSID (the site's: {server or 'none'})"]
        return []

    def truth(self, site: Site) -> GroundTruth:
        daemon = f"{self.node}/{DAEMON}"
        return GroundTruth(
            f"le serveur RADIUS (FreeRADIUS sur {self.node}) est arrêté : aucune nouvelle connexion Wi-Fi d'entreprise",
            f"the RADIUS server (FreeRADIUS on {self.node}) is stopped: no new WPA2-Enterprise connection",
            daemon,
            f"redémarrer FreeRADIUS sur {self.node}",
            f"start FreeRADIUS on {self.node} again",
            t.ids(site, *_refusals(site, _enterprise_ssids(site))),
            (),
        )

    def inject(self, lab: Lab) -> Undo:
        daemon = f"{self.node}/{DAEMON}"
        lab.stop_daemon(daemon)
        return {"daemon": daemon}

    def clear(self, lab: Lab, undo: Undo) -> None:
        start(lab, undo["daemon"])


def catalogue() -> tuple[type[Fault], ...]:
    return (WrongPassphrase, AuthenticatorStopped, RadiusSecretMismatch, RadiusServerStopped)

"""Faults of the domain itself: a computer's trust lost, the SRV record that finds the DC removed, the DC stopped."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.core.errors import OfficeLabError
from officelab.faults import truth as t
from officelab.faults.mechanisms import DaemonStopped, run
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

from officelab.domains.directory.faults.samba import SKILLS, directory, samba_tool


class ComputerTrustBroken(Fault):
    """The computer account's password reset on the DC (as when a computer is restored from an old image, or its
    account reset by mistake): the computer's machine secret no longer matches, its trust with the domain is lost."""

    kind: ClassVar[str] = "computer-trust-broken"
    title_fr: ClassVar[str] = "Relation d'approbation du poste rompue"
    title_en: ClassVar[str] = "Computer trust with the domain broken"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 3
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    kept_in_state: ClassVar[bool] = True

    computer: str = Field(description="a computer joined to the domain (pc-compta-1)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        d = directory(site)
        joined = [c for c in (d.computers if d else []) if t.ids(site, f"ad:testjoin:{c}")]
        # Workstations first: a file server's broken trust also takes its users' shares with it.
        return [cls(computer=c) for c in sorted(joined, key=lambda c: site.node(c).kind.value == "server")]

    def problems(self, site: Site) -> list[str]:
        d = directory(site)
        known = d.computers if d else []
        return [] if self.computer in known else [f"{self.computer} is not joined to the domain ({', '.join(known) or 'none'})"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return self.computer, f"ad:testjoin:{self.computer}", self.computer

    def truth(self, site: Site) -> GroundTruth:
        d = directory(site)
        assert d is not None
        server = site.node(self.computer).services.files is not None
        uses = tuple(c.id for c in t.checks(site) if c.group in ("shares", "printing")) if server else ()
        return GroundTruth(
            f"{self.computer} a perdu sa relation d'approbation avec le domaine (secret machine différent de celui du DC)",
            f"{self.computer} has lost its trust with the domain (its machine secret differs from the DC's)",
            f"{d.controller}: computer account {self.computer}",
            f"réintégrer {self.computer} au domaine (net ads join), ou réinitialiser son compte et le rejoindre",
            f"join {self.computer} to the domain again (net ads join), or reset its account and rejoin",
            t.ids(site, f"ad:testjoin:{self.computer}"),
            uses,
        )

    def inject(self, lab: Lab) -> Undo:
        other = f"Trust#{secrets.token_hex(12)}"  # random, never shown: what matters is that the computer lacks it
        account = f"{self.computer.upper()[:15]}$"
        samba_tool(lab, "user", "setpassword", account, stdin=f"{other}\n{other}\n")
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        d = directory(lab.site())
        assert d is not None
        conf = str(lab.dir.node_dir(self.computer) / "etc" / "samba" / "smb.conf")
        argv = ["net", "ads", "join", "--no-dns-updates", "-s", conf, "-U", "Administrator"]  # PASSWD: off the command line
        run(lab, self.computer, argv, "joining the domain again", env={"PASSWD": d.admin_password})


class SrvRecordRemoved(Fault):
    kept_in_state: ClassVar[bool] = True
    kind: ClassVar[str] = "srv-record-removed"
    title_fr: ClassVar[str] = "Enregistrement SRV du domaine supprimé"
    title_en: ClassVar[str] = "Domain SRV record removed"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 3
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls()] if t.ids(site, "ad:srv") else []

    def problems(self, site: Site) -> list[str]:
        return [] if t.ids(site, "ad:srv") else ["this site has no directory whose SRV records the recette checks"]

    def _record(self, site: Site) -> tuple[str, str]:
        d = directory(site)
        assert d is not None
        return "_ldap._tcp", f"{d.controller}.{d.domain} 389 0 100"

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return t.place_of(site, "ad:srv"), "ad:srv", "_ldap"

    def truth(self, site: Site) -> GroundTruth:
        d = directory(site)
        assert d is not None
        name, value = self._record(site)
        return GroundTruth(
            f"l'enregistrement SRV {name}.{d.domain} a été supprimé : les postes ne trouvent plus le contrôleur",
            f"the SRV record {name}.{d.domain} was removed: computers no longer find the controller",
            f"{d.controller}: DNS {name}.{d.domain} SRV",
            f"recréer l'enregistrement (samba_dnsupdate, ou samba-tool dns add … {name} SRV '{value}')",
            f"create the record again (samba_dnsupdate, or samba-tool dns add … {name} SRV '{value}')",
            t.ids(site, "ad:srv"),
        )

    def _dns(self, lab: Lab, action: str) -> None:
        d = lab.site().directory
        assert d is not None
        name, value = self._record(lab.site())
        samba_tool(lab, "dns", action, "127.0.0.1", d.domain, name, "SRV", value, admin=True)

    def inject(self, lab: Lab) -> Undo:
        self._dns(lab, "delete")
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        try:
            self._dns(lab, "add")
        except OfficeLabError as exc:
            # The DC registers its own records again (samba_dnsupdate, every few minutes): already back is cleared.
            if "already exists" not in str(exc):
                raise


class ControllerStopped(DaemonStopped):
    kind: ClassVar[str] = "dc-stopped"
    title_fr: ClassVar[str] = "Contrôleur de domaine arrêté"
    title_en: ClassVar[str] = "Domain controller stopped"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    daemon_name: ClassVar[str] = "domain controller"

    @classmethod
    def target(cls, site: Site) -> str | None:
        d = directory(site)
        return f"{d.controller}/samba" if d else None

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        d = directory(site)
        return (t.place_of(site, "ad:dc"), "ad:dc", d.controller) if d else None

    def truth(self, site: Site) -> GroundTruth:
        d = directory(site)
        assert d is not None
        # The DC is also the DNS of the domain's clients: what they resolve fails with it.
        return GroundTruth(
            f"le service Samba AD de {d.controller} est arrêté (annuaire, Kerberos et DNS du domaine)",
            f"the Samba AD service on {d.controller} is stopped (directory, Kerberos and the domain's DNS)",
            f"{d.controller}/samba",
            f"redémarrer Samba sur {d.controller}",
            f"start Samba on {d.controller} again",
            t.ids(site, "ad:srv"),
            ("ad:*", "smb:*", "print:*", "backup:*", "dns:*", "dnsrec:*", "web:*", "ptr:*"),
        )

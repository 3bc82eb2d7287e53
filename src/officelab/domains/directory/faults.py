"""Faults of the directory, made on the domain controller with samba-tool as an administrator would: a user
disabled, expired, locked out by wrong passwords, with a changed password, removed from a group; an SRV record
removed; the domain controller stopped."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.domains.directory.model import Directory, DirectoryUser
from officelab.faults import truth as t
from officelab.faults.mechanisms import DaemonStopped, run
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TRI-CT", "TAI-CP11", "TRI-CP6", "TAI-CP6")


def _directory(site: Site) -> Directory | None:
    return site.directory


def _samba_tool(lab: Lab, *args: str, stdin: str | None = None, admin: bool = False) -> str:
    """samba-tool on the DC; ``admin``: as the Administrator, whose password Samba reads from PASSWD."""
    d = lab.site().directory
    assert d is not None
    conf = str(lab.dir.node_dir(d.controller) / "etc" / "samba" / "smb.conf")
    argv = ["samba-tool", *args, "-s", conf, *(["-U", "Administrator"] if admin else [])]
    env = {"PASSWD": d.admin_password} if admin else None
    return run(lab, d.controller, argv, f"samba-tool {' '.join(args[:2])}", stdin=stdin, env=env)


def _user_checks(site: Site, login: str) -> tuple[str, ...]:
    """What a user's account failing makes fail: the user's shares and prints (the checks that log in as them)."""
    return tuple(c.id for c in t.checks(site) if c.group in ("shares", "printing") and f":{login}" in c.id)


class _UserFault(Fault):
    kept_in_state: ClassVar[bool] = True
    user: str = Field(description="a user's login (pdurand)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        d = _directory(site)
        checked = {c.id.rsplit(":", 1)[1] for c in t.checks(site) if c.id.startswith("ad:login:")}
        return [cls(user=u.login) for u in (d.users if d else []) if u.enabled and u.login in checked and cls.fits(u)]

    @classmethod
    def fits(cls, user: DirectoryUser) -> bool:
        return True

    def account(self, site: Site) -> DirectoryUser:
        d = _directory(site)
        found = next((u for u in (d.users if d else []) if u.login == self.user), None)
        assert found is not None
        return found

    def problems(self, site: Site) -> list[str]:
        d = _directory(site)
        if d is None:
            return ["this site has no directory"]
        logins = [u.login for u in d.users if u.enabled]
        return [] if self.user in logins else [f"{self.user} is not an enabled user of the directory ({', '.join(logins)})"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = f"ad:login:{self.user}"
        return t.place_of(site, check), check, self.user

    def login_truth(self, site: Site, cause_fr: str, cause_en: str, fix_fr: str, fix_en: str) -> GroundTruth:
        d = _directory(site)
        assert d is not None
        return GroundTruth(
            cause_fr,
            cause_en,
            f"{d.controller}: user {self.user}",
            fix_fr,
            fix_en,
            t.ids(site, f"ad:login:{self.user}", f"ad:kerberos:{self.user}"),
            _user_checks(site, self.user),
        )


class UserDisabled(_UserFault):
    kind: ClassVar[str] = "user-disabled"
    title_fr: ClassVar[str] = "Compte utilisateur désactivé"
    title_en: ClassVar[str] = "User account disabled"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    def truth(self, site: Site) -> GroundTruth:
        return self.login_truth(
            site,
            f"le compte de {self.user} est désactivé dans l'annuaire",
            f"{self.user}'s account is disabled in the directory",
            f"réactiver le compte (samba-tool user enable {self.user})",
            f"enable the account again (samba-tool user enable {self.user})",
        )

    def inject(self, lab: Lab) -> Undo:
        _samba_tool(lab, "user", "disable", self.user)
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        _samba_tool(lab, "user", "enable", self.user)


class UserExpired(_UserFault):
    kind: ClassVar[str] = "user-expired"
    title_fr: ClassVar[str] = "Compte utilisateur expiré"
    title_en: ClassVar[str] = "User account expired"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    def truth(self, site: Site) -> GroundTruth:
        return self.login_truth(
            site,
            f"le compte de {self.user} a expiré (date d'expiration passée)",
            f"{self.user}'s account has expired (its expiry date is past)",
            f"repousser ou retirer l'expiration (samba-tool user setexpiry {self.user} --noexpiry)",
            f"extend or remove the expiry (samba-tool user setexpiry {self.user} --noexpiry)",
        )

    def inject(self, lab: Lab) -> Undo:
        _samba_tool(lab, "user", "setexpiry", self.user, "--days=0")
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        _samba_tool(lab, "user", "setexpiry", self.user, "--noexpiry")


class PasswordChanged(_UserFault):
    kind: ClassVar[str] = "password-changed"
    title_fr: ClassVar[str] = "Mot de passe changé (l'utilisateur ne le connaît pas)"
    title_en: ClassVar[str] = "Password changed (the user does not know it)"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    def truth(self, site: Site) -> GroundTruth:
        return self.login_truth(
            site,
            f"le mot de passe de {self.user} a été changé : le sien est refusé",
            f"{self.user}'s password was changed: theirs is refused",
            f"réinitialiser le mot de passe de {self.user} et le lui communiquer",
            f"reset {self.user}'s password and tell them",
        )

    def inject(self, lab: Lab) -> Undo:
        other = f"Chg#{secrets.token_hex(6)}"  # random, never shown: what matters is that it is not theirs
        _samba_tool(lab, "user", "setpassword", self.user, stdin=f"{other}\n{other}\n")
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        password = self.account(lab.site()).password
        _samba_tool(lab, "user", "setpassword", self.user, stdin=f"{password}\n{password}\n")


class RemovedFromGroup(Fault):
    kept_in_state: ClassVar[bool] = True
    kind: ClassVar[str] = "removed-from-group"
    title_fr: ClassVar[str] = "Utilisateur retiré d'un groupe"
    title_en: ClassVar[str] = "User removed from a group"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    user: str = Field(description="a user's login")
    group: str = Field(description="one of the user's groups")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        d = _directory(site)
        checked = {c.id.split(":", 2)[2] for c in t.checks(site) if c.id.startswith("ad:group:")}
        return [cls(user=u.login, group=g) for u in (d.users if d else []) if u.enabled for g in u.groups if g in checked]

    def problems(self, site: Site) -> list[str]:
        d = _directory(site)
        user = next((u for u in (d.users if d else []) if u.login == self.user), None)
        if user is None:
            return [f"{self.user} is not a user of the directory"]
        return (
            [] if self.group in user.groups else [f"{self.user} is not in {self.group} (their groups: {', '.join(user.groups) or 'none'})"]
        )

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = f"ad:group:{self.group}"
        return t.place_of(site, check), check, self.group

    def truth(self, site: Site) -> GroundTruth:
        d = _directory(site)
        assert d is not None
        uses = tuple(c.id for c in t.checks(site) if c.group in ("shares", "printing") and f":{self.user}" in c.id)
        return GroundTruth(
            f"{self.user} n'est plus membre du groupe {self.group}",
            f"{self.user} is no longer a member of {self.group}",
            f"{d.controller}: group {self.group}",
            f"remettre {self.user} dans {self.group} (samba-tool group addmembers {self.group} {self.user})",
            f"add {self.user} to {self.group} again (samba-tool group addmembers {self.group} {self.user})",
            t.ids(site, f"ad:group:{self.group}"),
            (*uses, "ad:group:*"),  # nested or overlapping groups may show it too
        )

    def inject(self, lab: Lab) -> Undo:
        _samba_tool(lab, "group", "removemembers", self.group, self.user)
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        _samba_tool(lab, "group", "addmembers", self.group, self.user)


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
        d = _directory(site)
        assert d is not None
        return "_ldap._tcp", f"{d.controller}.{d.domain} 389 0 100"

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return t.place_of(site, "ad:srv"), "ad:srv", "_ldap"

    def truth(self, site: Site) -> GroundTruth:
        d = _directory(site)
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
        _samba_tool(lab, "dns", action, "127.0.0.1", d.domain, name, "SRV", value, admin=True)

    def inject(self, lab: Lab) -> Undo:
        self._dns(lab, "delete")
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        self._dns(lab, "add")


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
        d = _directory(site)
        return f"{d.controller}/samba" if d else None

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        d = _directory(site)
        return (t.place_of(site, "ad:dc"), "ad:dc", d.controller) if d else None

    def truth(self, site: Site) -> GroundTruth:
        d = _directory(site)
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


def catalogue() -> tuple[type[Fault], ...]:
    return (UserDisabled, UserExpired, PasswordChanged, RemovedFromGroup, SrvRecordRemoved, ControllerStopped)

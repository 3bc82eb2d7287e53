"""Faults of user accounts, made on the DC with samba-tool as an administrator would (or by real wrong passwords):
a user disabled, expired, with a changed password, locked out, removed from a group."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.core.errors import OfficeLabError
from officelab.domains.directory.model import DirectoryUser
from officelab.faults import truth as t
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

from officelab.domains.directory.faults.samba import SKILLS, directory, samba_tool, user_checks


class _UserFault(Fault):
    kept_in_state: ClassVar[bool] = True
    user: str = Field(description="a user's login (pdurand)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        d = directory(site)
        checked = {c.id.rsplit(":", 1)[1] for c in t.checks(site) if c.id.startswith("ad:login:")}
        return [cls(user=u.login) for u in (d.users if d else []) if u.enabled and u.login in checked and cls.fits(u)]

    @classmethod
    def fits(cls, user: DirectoryUser) -> bool:
        return True

    def account(self, site: Site) -> DirectoryUser:
        d = directory(site)
        found = next((u for u in (d.users if d else []) if u.login == self.user), None)
        assert found is not None
        return found

    def problems(self, site: Site) -> list[str]:
        d = directory(site)
        if d is None:
            return ["this site has no directory"]
        logins = [u.login for u in d.users if u.enabled]
        return [] if self.user in logins else [f"{self.user} is not an enabled user of the directory ({', '.join(logins)})"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = f"ad:login:{self.user}"
        return t.place_of(site, check), check, self.user

    def login_truth(self, site: Site, cause_fr: str, cause_en: str, fix_fr: str, fix_en: str) -> GroundTruth:
        d = directory(site)
        assert d is not None
        return GroundTruth(
            cause_fr,
            cause_en,
            f"{d.controller}: user {self.user}",
            fix_fr,
            fix_en,
            t.ids(site, f"ad:login:{self.user}", f"ad:kerberos:{self.user}"),
            user_checks(site, self.user),
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
        samba_tool(lab, "user", "disable", self.user)
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        samba_tool(lab, "user", "enable", self.user)


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
        samba_tool(lab, "user", "setexpiry", self.user, "--days=0")
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        samba_tool(lab, "user", "setexpiry", self.user, "--noexpiry")


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
        samba_tool(lab, "user", "setpassword", self.user, stdin=f"{other}\n{other}\n")
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        password = self.account(lab.site()).password
        samba_tool(lab, "user", "setpassword", self.user, stdin=f"{password}\n{password}\n")


LOCKOUT = {"account-lockout-threshold": "3", "account-lockout-duration": "30", "reset-account-lockout-after": "30"}
"""The lockout policy the fault sets when the domain has none (0: never locked out), as many companies do."""

SETTINGS = {
    "account-lockout-threshold": "Account lockout threshold (attempts)",
    "account-lockout-duration": "Account lockout duration (mins)",
    "reset-account-lockout-after": "Reset account lockout after (mins)",
}


class UserLockedOut(_UserFault):
    """Somebody typed a wrong password too many times at the user's workstation (real Kerberos pre-authentications
    refused by the DC) until the domain's lockout policy locked the account out."""

    kind: ClassVar[str] = "user-locked-out"
    title_fr: ClassVar[str] = "Compte utilisateur verrouillé (trop d'essais)"
    title_en: ClassVar[str] = "User account locked out (too many attempts)"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    def truth(self, site: Site) -> GroundTruth:
        return self.login_truth(
            site,
            f"le compte de {self.user} est verrouillé après des mots de passe erronés répétés",
            f"{self.user}'s account is locked out after repeated wrong passwords",
            f"déverrouiller le compte (samba-tool user unlock {self.user}) et rappeler la politique de mots de passe",
            f"unlock the account (samba-tool user unlock {self.user}) and remind the password policy",
        )

    def locked(self, lab: Lab) -> bool:
        shown = samba_tool(lab, "user", "show", self.user, "--attributes=lockoutTime")
        return any(line.startswith("lockoutTime:") and line.split(":", 1)[1].strip() not in ("", "0") for line in shown.splitlines())

    def inject(self, lab: Lab) -> Undo:
        d = directory(lab.site())
        assert d is not None
        shown = samba_tool(lab, "domain", "passwordsettings", "show", admin=True)
        before = {
            opt: next((ln.split(":", 1)[1].strip() for ln in shown.splitlines() if ln.startswith(label)), "0")
            for opt, label in SETTINGS.items()
        }
        if before["account-lockout-threshold"] == "0":
            samba_tool(lab, "domain", "passwordsettings", "set", *(f"--{k}={v}" for k, v in LOCKOUT.items()), admin=True)
        attempts = (
            int(before["account-lockout-threshold"])
            if before["account-lockout-threshold"] != "0"
            else int(LOCKOUT["account-lockout-threshold"])
        )
        where = t.place_of(lab.site(), f"ad:login:{self.user}")
        for _ in range(attempts + 1):
            # kinit refuses (wrong password): that is the point; what counts is the DC's bad-password count.
            lab.run(
                where, ["kinit", f"{self.user}@{d.realm}"], timeout=10, input=f"not-{secrets.token_hex(4)}\n", env={"KRB5CCNAME": "MEMORY:"}
            )
        if not self.locked(lab):
            self.restore(lab, before)
            raise OfficeLabError(f"{self.user} was not locked out after {attempts + 1} wrong passwords: fault not injected")
        return {"settings": before}

    def restore(self, lab: Lab, settings: dict[str, str]) -> None:
        if settings["account-lockout-threshold"] == "0":
            samba_tool(lab, "domain", "passwordsettings", "set", *(f"--{k}={v}" for k, v in settings.items()), admin=True)

    def clear(self, lab: Lab, undo: Undo) -> None:
        samba_tool(lab, "user", "unlock", self.user, admin=True)
        self.restore(lab, undo["settings"])


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
        d = directory(site)
        checked = {c.id.split(":", 2)[2] for c in t.checks(site) if c.id.startswith("ad:group:")}
        return [cls(user=u.login, group=g) for u in (d.users if d else []) if u.enabled for g in u.groups if g in checked]

    def problems(self, site: Site) -> list[str]:
        d = directory(site)
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
        d = directory(site)
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
        samba_tool(lab, "group", "removemembers", self.group, self.user)
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        samba_tool(lab, "group", "addmembers", self.group, self.user)

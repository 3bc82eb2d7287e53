"""Faults of the telephony: a phone with a wrong SIP secret (its own configuration), an extension with a wrong
secret on the PBX, a forward to a wrong number, a wrong trunk password, the PBX stopped."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.domains.telephony import admin
from officelab.domains.telephony.model import Extension
from officelab.faults import truth as t
from officelab.faults.mechanisms import DaemonStopped, edit_file, restart, restore_file
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TRI-CT", "TAI-CP11", "TRI-CP8")
CALLS = ("sip:call:*", "sip:busy:*", "sip:forward:*", "sip:voicemail:*", "sip:noanswer:*", "sip:group:*", "sip:out:*", "sip:in:*")
"""The call checks: each depends on the one before, so a fault fails the first that meets it and blocks or fails
the later ones."""


def _extensions(site: Site) -> list[Extension]:
    return site.telephony.extensions if site.telephony else []


def _first_call(site: Site, number: str, to_only: bool = False) -> tuple[str, ...]:
    """The first call check (in the recette's order) whose caller or callee is ``number`` (its callee only, with
    ``to_only``: a forward changes the calls to a number, not from it)."""
    for check in t.checks(site):
        rest = check.id.partition(":")[2].partition(":")[2]
        if check.id.startswith("sip:") and "->" in rest:
            caller, callee = rest.split("->", 1)
            if callee == number or (caller == number and not to_only):
                return (check.id,)
    return ()


class _ExtensionFault(Fault):
    number: str = Field(description="an extension with a phone (101)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(number=e.number) for e in _extensions(site) if e.phone and cls.seen(site, e.number)]

    @classmethod
    def seen(cls, site: Site, number: str) -> bool:
        return bool(_first_call(site, number))

    def extension(self, site: Site) -> Extension:
        found = next(e for e in _extensions(site) if e.number == self.number)
        return found

    def problems(self, site: Site) -> list[str]:
        numbers = [e.number for e in _extensions(site) if e.phone]
        if self.number not in numbers:
            return [f"{self.number} is not an extension with a phone ({', '.join(numbers) or 'none'})"]
        return [] if self.seen(site, self.number) else [f"no check of the recette would see this fault on {self.number}"]


class PhoneWrongSecret(_ExtensionFault):
    kind: ClassVar[str] = "phone-wrong-secret"
    title_fr: ClassVar[str] = "Téléphone configuré avec un mauvais secret SIP"
    title_en: ClassVar[str] = "Phone configured with a wrong SIP secret"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    kept_in_state: ClassVar[bool] = True

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        call = _first_call(site, self.number)[0]
        return t.place_of(site, call), call, self.number

    def truth(self, site: Site) -> GroundTruth:
        phone = self.extension(site).phone
        return GroundTruth(
            f"le téléphone {phone} a un mauvais secret SIP pour le poste {self.number} : le PBX refuse son enregistrement",
            f"phone {phone} has a wrong SIP secret for extension {self.number}: the PBX refuses its registration",
            f"{phone}: SIP account {self.number}",
            f"corriger le secret du compte SIP {self.number} sur {phone}",
            f"correct the secret of SIP account {self.number} on {phone}",
            _first_call(site, self.number),
            CALLS,
        )

    def inject(self, lab: Lab) -> Undo:
        ext = self.extension(lab.site())
        assert ext.phone is not None
        old = f"auth_pass={ext.secret}"
        undo = edit_file(lab, ext.phone, "baresip/accounts", old, f"auth_pass=Faux{secrets.token_hex(4)}")
        restart(lab, f"{ext.phone}/baresip")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        restart(lab, f"{undo['node']}/baresip")


class ExtensionWrongSecret(_ExtensionFault):
    kind: ClassVar[str] = "extension-wrong-secret"
    title_fr: ClassVar[str] = "Poste avec un mauvais secret sur le PBX"
    title_en: ClassVar[str] = "Extension with a wrong secret on the PBX"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    @classmethod
    def seen(cls, site: Site, number: str) -> bool:
        return bool(t.ids(site, f"sip:register:{number}"))

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = f"sip:register:{self.number}"
        return t.place_of(site, check), check, self.number

    def truth(self, site: Site) -> GroundTruth:
        pbx = site.telephony.pbx if site.telephony else ""
        return GroundTruth(
            f"sur le PBX ({pbx}), le poste {self.number} a un autre secret que celui de son téléphone",
            f"on the PBX ({pbx}), extension {self.number} has another secret than its phone's",
            f"{pbx}: extension {self.number}",
            f"remettre le secret du poste {self.number} sur le PBX (celui du téléphone)",
            f"set extension {self.number}'s secret on the PBX back (the phone's)",
            t.ids(site, f"sip:register:{self.number}"),
            CALLS,
        )

    def inject(self, lab: Lab) -> Undo:
        before = admin.dump(lab, "pw").get(self.number, self.extension(lab.site()).secret)
        admin.set_secret(lab, self.number, f"Autre{secrets.token_hex(4)}")
        return {"secret": before}

    def clear(self, lab: Lab, undo: Undo) -> None:
        admin.set_secret(lab, self.number, undo["secret"])


class ForwardWrongNumber(_ExtensionFault):
    kind: ClassVar[str] = "forward-wrong-number"
    title_fr: ClassVar[str] = "Renvoi vers un mauvais numéro"
    title_en: ClassVar[str] = "Call forward to a wrong number"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    @classmethod
    def seen(cls, site: Site, number: str) -> bool:
        return bool(_first_call(site, number, to_only=True))

    target: str = Field(default="199", description="the number calls are forwarded to (default 199: nobody's)")

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        call = _first_call(site, self.number, to_only=True)[0]
        return t.place_of(site, call), call, self.number

    def truth(self, site: Site) -> GroundTruth:
        pbx = site.telephony.pbx if site.telephony else ""
        return GroundTruth(
            f"le poste {self.number} a un renvoi immédiat vers le {self.target}, qui ne répond pas",
            f"extension {self.number} forwards every call to {self.target}, which does not answer",
            f"{pbx}: forward of {self.number}",
            f"supprimer ou corriger le renvoi du poste {self.number}",
            f"remove or correct extension {self.number}'s forward",
            _first_call(site, self.number, to_only=True),
            CALLS,
        )

    def inject(self, lab: Lab) -> Undo:
        before = admin.dump(lab, "cfu").get(self.number)
        admin.set_forward(lab, self.number, self.target, "always")
        return {"forward": before}

    def clear(self, lab: Lab, undo: Undo) -> None:
        admin.set_forward(lab, self.number, undo["forward"], "always")


class TrunkPasswordWrong(Fault):
    kind: ClassVar[str] = "trunk-password-wrong"
    title_fr: ClassVar[str] = "Mot de passe du trunk SIP erroné"
    title_en: ClassVar[str] = "Wrong SIP trunk password"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls()] if t.ids(site, "sip:trunk") else []

    def problems(self, site: Site) -> list[str]:
        return [] if t.ids(site, "sip:trunk") else ["this site has no SIP trunk"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return t.place_of(site, "sip:trunk"), "sip:trunk", "trunk"

    def truth(self, site: Site) -> GroundTruth:
        pbx = site.telephony.pbx if site.telephony else ""
        return GroundTruth(
            f"le PBX ({pbx}) présente un mauvais mot de passe à l'opérateur : le trunk n'est plus enregistré",
            f"the PBX ({pbx}) gives the operator a wrong password: the trunk is no longer registered",
            f"{pbx}: trunk",
            "remettre le mot de passe du compte SIP de l'opérateur",
            "set the operator's SIP account password back",
            t.ids(site, "sip:trunk"),
            ("sip:out:*", "sip:in:*"),
        )

    def inject(self, lab: Lab) -> Undo:
        admin.set_trunk_password(lab, f"Faux{secrets.token_hex(6)}")
        return {}

    def clear(self, lab: Lab, undo: Undo) -> None:
        trunk = lab.site().telephony.trunk  # type: ignore[union-attr]
        assert trunk is not None
        admin.set_trunk_password(lab, trunk.password)


class PbxStopped(DaemonStopped):
    kind: ClassVar[str] = "pbx-stopped"
    title_fr: ClassVar[str] = "PBX arrêté"
    title_en: ClassVar[str] = "PBX stopped"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    daemon_name: ClassVar[str] = "PBX"

    @classmethod
    def target(cls, site: Site) -> str | None:
        return f"{site.telephony.pbx}/kamailio" if site.telephony else None

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        register = next((c.id for c in t.checks(site) if c.id.startswith("sip:register:")), "")
        return (t.place_of(site, register), register, self.daemon(site).split("/")[0]) if register else None

    def truth(self, site: Site) -> GroundTruth:
        pbx = self.daemon(site).split("/")[0]
        registers = tuple(c.id for c in t.checks(site) if c.id.startswith("sip:register:"))
        return GroundTruth(
            f"le PBX (Kamailio sur {pbx}) est arrêté : aucun poste ne s'enregistre",
            f"the PBX (Kamailio on {pbx}) is stopped: no extension registers",
            f"{pbx}/kamailio",
            f"redémarrer Kamailio sur {pbx}",
            f"start Kamailio on {pbx} again",
            (*registers, *t.ids(site, "sip:trunk")),
            ("sip:*",),
        )


def catalogue() -> tuple[type[Fault], ...]:
    return (PhoneWrongSecret, ExtensionWrongSecret, ForwardWrongNumber, TrunkPasswordWrong, PbxStopped)

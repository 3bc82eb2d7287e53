"""Faults of mail: the provider's Postfix stopped, its submission port closed to clients, a mailbox's password
changed in Dovecot's passwd-file, a domain's MX record pointing to a wrong server in the public DNS. Each ground
truth is read from the derived checks (which ones submit, send as, read as, or look up what the fault changed)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.domains.mail.facts import PASSWD, SUBMISSION, mail_of, passwd_line, zone_for
from officelab.domains.mail.model import MailProbe
from officelab.faults import truth as t
from officelab.faults.mechanisms import DaemonStopped, edit_file, restart, restore_file
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TAI-CP7", "TRI-CT", "TAI-CP11")
MASTER_CF = "postfix/master.cf"
WRONG_MX = "mx.nowhere.invalid"
"""Where a wrong MX points: a name that does not exist (`.invalid` never resolves)."""


def mail_checks(site: Site, address: str) -> tuple[str, ...]:
    """The mail checks that exchange a message as or to the mailbox ``address``."""
    found = []
    for check in t.checks(site):
        p = check.probe
        if not isinstance(p, MailProbe) or not check.id.startswith("mail:"):
            continue
        if p.action == "send" and address in (p.user, p.to):
            found.append(check.id)
    return tuple(found)


class MailServerStopped(DaemonStopped):
    kind: ClassVar[str] = "mail-server-stopped"
    title_fr: ClassVar[str] = "Serveur de messagerie (SMTP) arrêté"
    title_en: ClassVar[str] = "Mail server (SMTP) stopped"
    layer: ClassVar[Layer] = Layer.TRANSPORT
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    daemon_name: ClassVar[str] = "mail server (Postfix)"

    @classmethod
    def target(cls, site: Site) -> str | None:
        return f"{site.mail.provider}/postfix" if site.mail is not None else None

    def truth(self, site: Site) -> GroundTruth:
        provider = mail_of(site).provider
        smtp = tuple(c.id for c in t.checks(site) if isinstance(c.probe, MailProbe) and c.id.startswith("mail:"))
        return GroundTruth(
            f"Postfix est arrêté sur {provider} : plus personne n'envoie de message (ports 25 et 587 fermés)",
            f"Postfix is stopped on {provider}: nobody can send mail (ports 25 and 587 closed)",
            f"{provider}/postfix",
            f"redémarrer Postfix sur {provider}",
            f"start Postfix again on {provider}",
            smtp,
        )


class SubmissionClosed(Fault):
    """Postfix's submission service listens on the loopback only (``127.0.0.1:submission`` in master.cf, as for a
    server meant to be reached through a local webmail): port 587 is closed to clients, port 25 still takes mail."""

    kind: ClassVar[str] = "mail-submission-closed"
    title_fr: ClassVar[str] = "Port de soumission (587) fermé aux clients"
    title_en: ClassVar[str] = "Submission port (587) closed to clients"
    layer: ClassVar[Layer] = Layer.TRANSPORT
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    kept_in_state: ClassVar[bool] = True

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls()] if site.mail is not None else []

    def problems(self, site: Site) -> list[str]:
        return [] if site.mail is not None else ["this site has no mail provider"]

    def truth(self, site: Site) -> GroundTruth:
        provider = mail_of(site).provider
        submitting = tuple(c.id for c in t.checks(site) if isinstance(c.probe, MailProbe) and c.probe.port == SUBMISSION)
        return GroundTruth(
            f"sur {provider}, le service submission de Postfix n'écoute que sur 127.0.0.1 : le port 587 est fermé aux clients",
            f"on {provider}, Postfix's submission service listens on 127.0.0.1 only: port 587 is closed to clients",
            f"{provider}: postfix master.cf, submission",
            "faire écouter le service submission sur toutes les adresses (master.cf) puis recharger Postfix",
            "make the submission service listen on every address (master.cf), then reload Postfix",
            submitting,
        )

    def inject(self, lab: Lab) -> Undo:
        provider = mail_of(lab.site()).provider
        undo = edit_file(lab, provider, MASTER_CF, "\nsubmission inet", "\n127.0.0.1:submission inet")
        restart(lab, f"{provider}/postfix")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        restart(lab, f"{undo['node']}/postfix")


class MailboxPasswordChanged(Fault):
    """The mailbox's password was changed on the server (its passwd-file line holds another hash): its owner's mail
    client, still configured with the old one, can neither send (SMTP AUTH) nor read (IMAP LOGIN)."""

    kind: ClassVar[str] = "mailbox-password-changed"
    title_fr: ClassVar[str] = "Mot de passe d'une boîte aux lettres changé"
    title_en: ClassVar[str] = "Mailbox password changed"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    kept_in_state: ClassVar[bool] = True

    address: str = Field(description="a mailbox of the site (amartin@cabinet-martin.fr)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(address=b.address) for b in site.mail.mailboxes if mail_checks(site, b.address)] if site.mail else []

    def problems(self, site: Site) -> list[str]:
        boxes = [b.address for b in site.mail.mailboxes] if site.mail else []
        return [] if self.address in boxes else [f"{self.address} is not a mailbox of the site ({', '.join(boxes) or 'none'})"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = f"mail:send:{self.address}"
        return t.place_of(site, check), check, mail_of(site).provider

    def truth(self, site: Site) -> GroundTruth:
        provider = mail_of(site).provider
        return GroundTruth(
            f"le mot de passe de {self.address} a été changé sur {provider} : son client ne s'authentifie plus",
            f"{self.address}'s password was changed on {provider}: its mail client no longer authenticates",
            f"{provider}: dovecot passwd-file, {self.address}",
            f"remettre le mot de passe de {self.address} (ou le donner au client de messagerie)",
            f"set {self.address}'s password back (or give the new one to the mail client)",
            mail_checks(site, self.address),
        )

    def inject(self, lab: Lab) -> Undo:
        site = lab.site()
        m = mail_of(site)
        box = next(b for b in m.mailboxes if b.address == self.address)
        text = (lab.dir.node_dir(m.provider) / PASSWD).read_text()
        old = next((line + "\n" for line in text.splitlines() if line.startswith(f"{box.address}:")), f"{box.address}:")
        # Dovecot reads its passwd-file again when it changes: no restart, as with `doveadm pw` and an editor.
        return edit_file(lab, m.provider, PASSWD, old, passwd_line(box, secrets.token_urlsafe(12)))

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)


class MxRecordWrong(Fault):
    """The domain's MX record in the public DNS names a server that does not exist: other providers cannot deliver
    to the domain (submission and IMAP, by the server's own name, still work)."""

    kind: ClassVar[str] = "mx-record-wrong"
    title_fr: ClassVar[str] = "Enregistrement MX erroné"
    title_en: ClassVar[str] = "Wrong MX record"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = (*SKILLS, "TAI-CP5")
    kept_in_state: ClassVar[bool] = True

    domain: str = Field(description="a mail domain of the site (cabinet-martin.fr)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(domain=d) for d in site.mail.domains if t.ids(site, f"mail:mx:{d}")] if site.mail else []

    def problems(self, site: Site) -> list[str]:
        domains = site.mail.domains if site.mail else []
        return [] if self.domain in domains else [f"{self.domain} is not a mail domain of the site ({', '.join(domains) or 'none'})"]

    def truth(self, site: Site) -> GroundTruth:
        server, _zone, _name = self._zone(site)
        return GroundTruth(
            f"l'enregistrement MX de {self.domain} sur {server} désigne un serveur inexistant",
            f"{self.domain}'s MX record on {server} names a server that does not exist",
            f"{server}: zone {self.domain}, MX",
            f"corriger l'enregistrement MX de {self.domain} (vers {mail_of(site).server_name})",
            f"correct {self.domain}'s MX record (to {mail_of(site).server_name})",
            t.ids(site, f"mail:mx:{self.domain}"),  # delivery through the MX is blocked under it
        )

    def _zone(self, site: Site) -> tuple[str, str, str]:
        found = zone_for(site, self.domain)
        assert found is not None  # validated: every mail domain is in a public zone
        server, zone, name = found
        return server, zone.name, name

    def inject(self, lab: Lab) -> Undo:
        server, _zone, _name = self._zone(lab.site())
        text = (lab.dir.node_dir(server) / "unbound.conf").read_text()
        start = f'local-data: "{self.domain}. 300 IN MX '
        line = next((x.strip() for x in text.splitlines() if x.strip().startswith(start)), start)
        undo = edit_file(lab, server, "unbound.conf", line, f'{start}10 {WRONG_MX}."')
        restart(lab, f"{server}/unbound")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        restart(lab, f"{undo['node']}/unbound")


def catalogue() -> tuple[type[Fault], ...]:
    return (MailServerStopped, SubmissionClosed, MailboxPasswordChanged, MxRecordWrong)

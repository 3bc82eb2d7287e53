"""The mail section of a site file: a provider on the emulated internet, the domains it hosts and their mailboxes,
and the probe kind ``mail`` (a message sent by SMTP, then read back by IMAP)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from officelab.core.model import DomainName, Model, NodeName
from officelab.core.probe import ProbeSpecBase

ADDRESS = r"^[a-z0-9][a-z0-9._-]{0,63}@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"
"""A mailbox address: a lowercase local part (letters, digits, ``.``, ``_``, ``-``) at a domain."""

Password = Annotated[str, StringConstraints(min_length=8, max_length=128, pattern=r"^[^\s:]+$")]
"""A mailbox password: no blank and no ``:`` (Dovecot's passwd-file separates its fields with ``:``)."""


class Mailbox(Model):
    address: Annotated[str, StringConstraints(pattern=ADDRESS, to_lower=True)]
    password: Password
    name: str = Field(default="", max_length=80, pattern=r"^[^\n\r:]*$", description="the person's name (the From: line)")

    @property
    def domain(self) -> str:
        return self.address.split("@", 1)[1]


class Mail(Model):
    """A mail provider (Postfix for SMTP, Dovecot for IMAP and SASL) hosting the site's mail domains."""

    provider: NodeName = Field(description="the provider's server, a `public-server` of the emulated internet")
    hostname: DomainName | None = Field(
        default=None, description="the server's name in DNS, what MX records point to; default: `mail.<first domain>`"
    )
    domains: list[DomainName] = Field(min_length=1, max_length=20)
    mailboxes: list[Mailbox] = Field(min_length=1, max_length=200)

    @property
    def server_name(self) -> str:
        return self.hostname or f"mail.{self.domains[0]}"

    @model_validator(mode="after")
    def _consistent(self) -> Mail:
        if len(set(self.domains)) != len(self.domains):
            raise ValueError("a domain is listed twice in `domains`")
        seen: set[str] = set()
        for box in self.mailboxes:
            if box.address in seen:
                raise ValueError(f"mailbox {box.address} is listed twice")
            seen.add(box.address)
            if box.domain not in self.domains:
                raise ValueError(f"mailbox {box.address}: its domain {box.domain} is not in `domains` ({', '.join(self.domains)})")
        return self


class MailProbe(ProbeSpecBase):
    """``send``: a message submitted (``port``: 587 with STARTTLS and AUTH as ``user``; 25: as another provider's
    MTA, no AUTH, to the MX of ``to``'s domain), then found in ``to``'s INBOX over IMAPS (993) with ``to_password``.
    ``refused``: SMTP AUTH (submission) and IMAP LOGIN as ``user`` with ``password``, both answered and both refused
    (a wrong password; a server that does not answer is a failure, not a refusal)."""

    kind: Literal["mail"] = "mail"
    action: Literal["send", "refused"] = "send"
    host: str = Field(description="the server's name (the certificate's), or `mx` to look up the MX of `to`'s domain")
    port: int = Field(default=587, ge=1, le=65535)
    user: str = ""
    password: str = ""
    to: str = ""
    to_password: str = ""
    ca: str = Field(default="/run/officelab/site-ca.pem", description="the CA file, as seen on the node")
    timeout: float = Field(default=10.0, gt=0, le=60)

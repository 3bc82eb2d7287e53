"""The mail probe: a real SMTP session (submission with STARTTLS and AUTH, or port 25 to the MX as another
provider's MTA would), then a real IMAPS session that finds the message, each verifying the server's certificate
and name against the lab's CA; or a wrong password that both services refuse."""

from __future__ import annotations

import imaplib
import smtplib
import socket
import ssl
import uuid
from email.message import EmailMessage
from email.utils import make_msgid

import dns.exception
import dns.message
import dns.query
import dns.rdatatype

from officelab.core.deadline import wait_for
from officelab.domains.mail.facts import IMAPS
from officelab.domains.mail.model import MailProbe
from officelab.domains.network.probes.services import address_of, nameservers
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place


class _Smtp(smtplib.SMTP):
    """SMTP to an address resolved by the node's own DNS, the server still named ``host`` (for the certificate)."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        self._address = address
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return socket.create_connection((self._address, port), timeout)


class _Imap(imaplib.IMAP4_SSL):
    def __init__(self, host: str, address: str, context: ssl.SSLContext, timeout: float) -> None:
        self._address = address
        super().__init__(host, IMAPS, ssl_context=context, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[no-any-return]


def _mx(place: Place, domain: str, timeout: float) -> str | ProbeResult:
    servers = nameservers(place)
    sent = f"DNS MX {domain}?"
    if not servers:
        return ProbeResult(False, Layer.APPLICATION, f"no DNS server configured on {place.name}", sent)
    try:
        with place.inside():
            answer = dns.query.udp(dns.message.make_query(domain, "MX"), servers[0], timeout=timeout)
    except (dns.exception.DNSException, OSError) as exc:
        return ProbeResult(False, Layer.APPLICATION, f"no answer from {servers[0]} for the MX of {domain} ({exc})", sent)
    found = sorted((r.preference, str(r.exchange).rstrip(".")) for rr in answer.answer if rr.rdtype == dns.rdatatype.MX for r in rr)
    if not found:
        return ProbeResult(False, Layer.APPLICATION, f"{domain} has no MX record: no server takes its mail", sent)
    return found[0][1]


def _failure(exc: Exception, what: str, sent: str) -> ProbeResult:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return ProbeResult(False, Layer.TRANSPORT, f"{what}: the server's certificate is refused ({exc.verify_message})", sent)
    if isinstance(exc, (smtplib.SMTPAuthenticationError, imaplib.IMAP4.error)):
        return ProbeResult(False, Layer.APPLICATION, f"{what}: login refused ({exc})", sent)
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return ProbeResult(False, Layer.APPLICATION, f"{what}: {exc.smtp_code} {error}", sent)
    if isinstance(exc, OSError):
        return ProbeResult(False, Layer.TRANSPORT, f"{what}: no answer ({exc.strerror or exc})", sent)
    return ProbeResult(False, Layer.APPLICATION, f"{what}: {exc}", sent)


@probe("mail")
def mail_probe(spec: MailProbe, place: Place) -> ProbeResult:
    context = ssl.create_default_context(cafile=place.path(spec.ca))
    host = spec.host
    if host == "mx":
        mx = _mx(place, spec.to.split("@")[-1], spec.timeout)
        if isinstance(mx, ProbeResult):
            return mx
        host = mx
    address = address_of(place, host, spec.timeout)
    if isinstance(address, ProbeResult):
        return address
    if spec.action == "refused":
        return _refused(spec, place, host, address, context)
    return _send(spec, place, host, address, context)


def _send(spec: MailProbe, place: Place, host: str, address: str, context: ssl.SSLContext) -> ProbeResult:
    token = f"officelab-{uuid.uuid4().hex[:12]}"
    auth = f", AUTH {spec.user}" if spec.port != 25 else ""
    sent = f"SMTP {host}:{spec.port} STARTTLS{auth}, MAIL FROM {spec.user or 'probe@officelab.test'} RCPT TO {spec.to}"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = spec.user or "probe@officelab.test", spec.to, token
    message["Message-ID"] = make_msgid(domain=host)
    message.set_content(f"Message de test OfficeLab / OfficeLab test message {token}\n")
    try:
        with place.inside(), _Smtp(host, address, spec.port, spec.timeout) as smtp:
            smtp.ehlo("officelab-probe.example")
            smtp.starttls(context=context)
            smtp.ehlo("officelab-probe.example")
            if spec.port != 25:
                smtp.login(spec.user, spec.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        return _failure(exc, f"SMTP {host}:{spec.port}", sent)
    sent += f"; IMAPS {host}:{IMAPS} LOGIN {spec.to}, SEARCH SUBJECT {token}"
    try:
        with place.inside():
            imap = _Imap(host, address, context, spec.timeout)
        with imap:
            imap.login(spec.to, spec.to_password)
            found: list[bytes | str] = []

            def arrived() -> bool:
                imap.select("INBOX")
                _status, data = imap.search(None, "SUBJECT", token)
                found[:] = data[0].split() if data and data[0] else []
                return bool(found)

            if not wait_for(arrived, spec.timeout, interval=0.2):
                return ProbeResult(False, Layer.APPLICATION, f"the message to {spec.to} was accepted but never reached its INBOX", sent)
            for number in found:  # the INBOX stays as the learner left it
                imap.store(number.decode() if isinstance(number, bytes) else number, "+FLAGS", "\\Deleted")
            imap.expunge()
    except (OSError, imaplib.IMAP4.error) as exc:
        return _failure(exc, f"IMAPS {host}:{IMAPS} as {spec.to}", sent)
    return ProbeResult(
        True, Layer.APPLICATION, f"{spec.to} received the message sent {'by ' + spec.user if spec.user else 'by SMTP'}", sent
    )


def _refused(spec: MailProbe, place: Place, host: str, address: str, context: ssl.SSLContext) -> ProbeResult:
    sent = f"SMTP {host}:{spec.port} STARTTLS, AUTH {spec.user} (wrong password); IMAPS {host}:{IMAPS} LOGIN {spec.user}"
    try:
        with place.inside(), _Smtp(host, address, spec.port, spec.timeout) as smtp:
            smtp.starttls(context=context)
            smtp.ehlo("officelab-probe.example")
            smtp.login(spec.user, spec.password)
        return ProbeResult(False, Layer.APPLICATION, f"SMTP accepted {spec.user} with a wrong password", sent)
    except smtplib.SMTPAuthenticationError:
        pass
    except (OSError, smtplib.SMTPException) as exc:
        return _failure(exc, f"SMTP {host}:{spec.port}", sent)
    try:
        with place.inside():
            imap = _Imap(host, address, context, spec.timeout)
        with imap:
            imap.login(spec.user, spec.password)
        return ProbeResult(False, Layer.APPLICATION, f"IMAP accepted {spec.user} with a wrong password", sent)
    except imaplib.IMAP4.error:
        pass
    except OSError as exc:
        return _failure(exc, f"IMAPS {host}:{IMAPS}", sent)
    return ProbeResult(True, Layer.APPLICATION, f"a wrong password for {spec.user} is refused by SMTP and IMAP", sent, "535; NO")

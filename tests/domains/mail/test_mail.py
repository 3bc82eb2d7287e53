"""Mail without root: the section's model and validation (file, line, field), the facts (MX, names, passwd-file,
s-nail's ~/.mailrc), the plan (Postfix and Dovecot with private directories and readiness) and the derived checks
and faults' ground truths."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from officelab.core.errors import SiteInvalid
from officelab.domains.mail import facts
from officelab.domains.mail.faults import MailboxPasswordChanged, MailServerStopped, MxRecordWrong, SubmissionClosed
from officelab.domains.mail.model import MailProbe
from officelab.recette.derive import derive_suite
from officelab.runtime.plan import PortListening, compile_plan
from officelab.site.loader import load_site, load_text
from tests.domains.mail.site import SITE


def refused(text: str) -> str:
    with pytest.raises(SiteInvalid) as caught:
        load_text(text, "mail.yaml")
    return "\n".join(f"{p.line}: {p.field}: {p.message} ({p.hint})" for p in caught.value.problems)


def test_the_smallest_site_loads_with_its_defaults() -> None:
    m = load_text(SITE).mail
    assert m is not None and m.server_name == "mail.example.com" and [b.domain for b in m.mailboxes] == ["example.com"] * 2


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("{address: bob@example.com", "{address: bob@example.org", "its domain example.org is not in `domains`"),
        ('password: "Bob#2026x"', 'password: "short"', "at least 8"),
        ('password: "Bob#2026x"', 'password: "has:colon"', "password"),
        ("provider: mail", "provider: home", "must be a public-server"),
        ('- {name: "@", type: MX, value: "10 mail.example.com"}', "- {name: x, value: 203.0.113.9}", "has no MX record"),
        ("- {name: mail, value: 203.0.113.25}", "- {name: mail, value: 203.0.113.99}", "has no A record 203.0.113.25"),
        ("domains: [example.com]", "domains: [example.com, example.net]", "no public DNS zone holds example.net"),
    ],
)
def test_bad_mail_sections_are_refused_with_their_line(old: str, new: str, said: str) -> None:
    assert old in SITE
    problems = refused(SITE.replace(old, new))
    assert said in problems and "mail" in problems, problems
    assert problems.split(":")[0] not in ("None", ""), problems  # a line number


def test_the_passwd_file_holds_a_salted_sha512_dovecot_checks() -> None:
    box = load_text(SITE).mail.mailboxes[0]  # type: ignore[union-attr]
    line = facts.passwd_line(box, "Secret#123")
    user, hashed, uid, gid, _gecos, home, *_ = line.rstrip("\n").split(":")
    assert (user, uid, gid, home) == ("alice@example.com", "8", "8", "/example.com/alice")
    raw = base64.b64decode(hashed.removeprefix("{SSHA512}"))
    digest, salt = raw[:64], raw[64:]
    assert hashed.startswith("{SSHA512}") and hashlib.sha512(b"Secret#123" + salt).digest() == digest
    assert "Secret#123" not in line and facts.passwd_line(box) != facts.passwd_line(box), "salted: never twice the same"


def test_facts_of_the_default_site() -> None:
    site = load_site("cabinet-martin")
    assert facts.mx_targets(site, "cabinet-martin.fr") == ["mail.example.com"]
    assert facts.server_names(site) == ["mail.example.com"] and facts.server_address(site) == "203.0.113.25"
    rc = facts.mailrc(site, site.mail.mailboxes[0])  # type: ignore[union-attr]
    assert "set mta=smtp://amartin%40cabinet-martin.fr@mail.example.com:587 smtp-use-starttls" in rc
    assert "set inbox=imaps://amartin%40cabinet-martin.fr@mail.example.com\n" in rc
    assert "password-amartin@cabinet-martin.fr@mail.example.com:587='Mail#Martin2026'" in rc and "tls-verify=strict" in rc
    assert "set from='Anne Martin <amartin@cabinet-martin.fr>'" in rc
    assert facts.quoted("it's") == "'it'\\''s'"  # closed, an escaped quote, reopened: as sh and s-nail read it


def test_the_plan_runs_postfix_and_dovecot_in_private_directories() -> None:
    lab_dir = Path("/var/lib/officelab/labs/t")
    plan = compile_plan(load_text(SITE), "t", lab_dir)
    node = lab_dir / "nodes" / "mail"
    daemons = {d.name: d for d in plan.daemons if d.node == "mail"}
    assert daemons["postfix"].argv == ["/usr/lib/postfix/sbin/master", "-c", str(node / "postfix"), "-d"]
    assert daemons["postfix"].ready == [PortListening("tcp", 25), PortListening("tcp", 587)]
    assert daemons["dovecot"].argv == ["dovecot", "-F", "-c", str(node / "dovecot/dovecot.conf")]
    assert daemons["dovecot"].ready == [PortListening("tcp", 993)]
    files = {f.path: f.content for f in plan.files if f.node == "mail"}
    main = files["postfix/main.cf"]
    for line in (
        f"queue_directory = {node}/postfix/queue",
        f"data_directory = {node}/postfix/data",
        "virtual_mailbox_domains = example.com",
    ):
        assert line in main
    assert "-o smtpd_tls_security_level=encrypt" in files["postfix/master.cf"]
    assert all(row.split()[4] == "n" for row in files["postfix/master.cf"].splitlines() if row and row[0].isalpha()), "no chroot"
    assert f"base_dir = {node}/run/dovecot" in files["dovecot/dovecot.conf"]
    assert files["postfix/mailboxes"] == "alice@example.com\texample.com/alice/\nbob@example.com\texample.com/bob/\n"
    assert all("Al'ice#2026" not in content for content in files.values()), "passwords are written by the hook, hashed"


def test_each_mailbox_sends_to_the_next_and_a_wrong_password_is_refused() -> None:
    checks = {c.id: c for c in derive_suite(load_text(SITE)) if c.id.startswith("mail:")}
    assert sorted(checks) == [
        "mail:mx:example.com",
        "mail:refused:alice@example.com",
        "mail:resolve:home",
        "mail:send:alice@example.com",
        "mail:send:bob@example.com",
        "mail:smtp:example.com",
    ]
    send = checks["mail:send:alice@example.com"].probe
    assert isinstance(send, MailProbe) and (send.user, send.to, send.port, send.host) == (
        "alice@example.com",
        "bob@example.com",
        587,
        "mail.example.com",
    )
    refuse = checks["mail:refused:alice@example.com"].probe
    assert isinstance(refuse, MailProbe) and refuse.action == "refused" and refuse.password != "Al'ice#2026"
    assert checks["mail:smtp:example.com"].depends == ("mail:mx:example.com", "mail:resolve:home")
    assert checks["mail:refused:alice@example.com"].depends == ("mail:resolve:home",)  # the name first, then the login
    assert {c.place for c in checks.values()} == {"home"}


def test_the_default_site_checks_mail_from_the_office_and_from_home() -> None:
    checks = {c.id: c for c in derive_suite(load_site("cabinet-martin")) if c.id.startswith("mail:")}
    assert checks["mail:send:amartin@cabinet-martin.fr"].place == "pc-accueil"
    assert "flow:users->wan:tcp/80" in checks["mail:send:amartin@cabinet-martin.fr"].depends
    assert checks["mail:remote:amartin@cabinet-martin.fr"].place == "teletravail"
    assert checks["mail:remote:amartin@cabinet-martin.fr"].depends == ("mail:resolve:teletravail",)
    # the MX is asked of the site's resolver, which asks the internet itself: the office's web flow is not needed
    assert not any(d.startswith("flow:") for d in checks["mail:mx:cabinet-martin.fr"].depends)
    assert len([i for i in checks if i.startswith("mail:send:")]) == 4


def test_ground_truths_name_exactly_the_checks_each_fault_breaks() -> None:
    site = load_text(SITE)
    assert set(MailServerStopped().truth(site).fails) == {
        "mail:smtp:example.com",
        "mail:send:alice@example.com",
        "mail:send:bob@example.com",
        "mail:refused:alice@example.com",
    }
    # Port 25 still takes mail when only submission is closed.
    assert set(SubmissionClosed().truth(site).fails) == {
        "mail:send:alice@example.com",
        "mail:send:bob@example.com",
        "mail:refused:alice@example.com",
    }
    # bob's password changed: bob cannot send, and alice's message to him cannot be read.
    assert set(MailboxPasswordChanged(address="bob@example.com").truth(site).fails) == {
        "mail:send:alice@example.com",
        "mail:send:bob@example.com",
    }
    assert MxRecordWrong(domain="example.com").truth(site).fails == ("mail:mx:example.com",)
    assert MxRecordWrong(domain="example.org").problems(site) and MailboxPasswordChanged(address="x@example.com").problems(site)

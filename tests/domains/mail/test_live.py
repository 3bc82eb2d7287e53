"""Mail on a live lab of the smallest site that has it (the ISP's core, a public DNS, the provider, a teleworker's
home): Postfix and Dovecot really exchange a message (submission with STARTTLS and AUTH, IMAPS, both verified
against the lab's CA), a wrong password is refused, and each mail fault fails exactly its ground truth, then
clears. A learner's client, s-nail, sends and reads with the documented options."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from officelab.core.deadline import wait_for
from officelab.domains.mail.facts import mailrc
from officelab.faults import engine
from officelab.faults.model import Fault
from officelab.recette.model import Status, SuiteResult
from officelab.recette.run import run_on_lab
from officelab.runtime.lab import Lab
from officelab.site.loader import load_text
from tests.domains.mail.site import SITE
from tests.live.leaks import Snapshot, assert_nothing_left, netns_inodes

pytestmark = pytest.mark.live
LAB = "tmail"


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    before = Snapshot()
    lab = Lab(LAB)
    lab.up(load_text(SITE), SITE)
    inodes = netns_inodes(LAB)
    yield lab
    lab.down()
    assert_nothing_left(LAB, lab.dir.path, before, inodes)


def failed(result: SuiteResult) -> set[str]:
    return {o.check.id for o in result.outcomes if o.status is Status.FAIL}


def passed(result: SuiteResult) -> set[str]:
    return {o.check.id for o in result.outcomes if o.status is Status.PASS}


def test_messages_go_both_ways_and_a_wrong_password_is_refused(lab: Lab) -> None:
    result = run_on_lab(lab)
    assert failed(result) == set()
    wanted = {
        "mail:mx:example.com",
        "mail:smtp:example.com",
        "mail:send:alice@example.com",
        "mail:send:bob@example.com",
        "mail:refused:alice@example.com",
    }
    assert wanted <= passed(result)


def faults(lab: Lab) -> list[Fault]:
    site = lab.site()
    return [cls.candidates(site)[0] for kind, (domain, cls) in engine.catalogue().items() if domain == "mail"]


@pytest.mark.parametrize("kind", ["mail-server-stopped", "mail-submission-closed", "mailbox-password-changed", "mx-record-wrong"])
def test_each_fault_fails_exactly_its_checks_then_clears(lab: Lab, kind: str) -> None:
    fault = next(f for f in faults(lab) if f.kind == kind)
    entry = engine.inject(lab, fault)
    truth = engine.truth_of(entry)
    assert truth.fails
    try:
        during = failed(run_on_lab(lab))
    finally:
        engine.clear(lab, [entry.id])
    assert during == set(truth.fails), f"{kind}: failed {sorted(during)}, ground truth {sorted(truth.fails)}"
    assert wait_for(lambda: failed(run_on_lab(lab)) == set(), 30, interval=1), f"{kind}: the checks do not pass again"


def test_a_learner_sends_and_reads_with_s_nail(lab: Lab) -> None:
    """The documented ~/.mailrc (`mailrc`), on the teleworker's node: s-nail sends by submission and lists the
    inbox over IMAPS, verifying the server's certificate (tls-verify=strict)."""
    site = lab.site()
    box = site.mail.mailboxes[0] if site.mail else None
    assert box is not None
    (lab.dir.node_dir("home") / "fs/root/.mailrc").write_text(mailrc(site, box))
    subject = f"ol-{uuid.uuid4().hex[:8]}"
    sent = lab.run("home", ["s-nail", "-s", subject, box.address], timeout=30, input="Bonjour\n", env={"HOME": "/root"})
    assert sent.returncode == 0, sent.stderr

    def listed() -> bool:
        return subject in lab.run("home", ["s-nail", "-H"], timeout=30, env={"HOME": "/root"}).stdout

    assert wait_for(listed, 20, interval=0.5), "the message sent with s-nail is not in the inbox s-nail lists"
    # The certificate is really checked: with another CA, s-nail refuses the IMAPS server.
    (lab.dir.node_dir("home") / "fs/root/.mailrc").write_text(
        mailrc(site, box).replace("/run/officelab/site-ca.pem", "/etc/ssl/certs/ca-certificates.crt")
    )
    refused = lab.run("home", ["s-nail", "-H"], timeout=30, env={"HOME": "/root"})
    assert subject not in refused.stdout, refused.stdout

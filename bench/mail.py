"""Mail: time from `up` to a ready mail node (Postfix listening on 25 and 587, Dovecot on 993, on the smallest site
that has one, the live test's), and the time of one send → receive round trip (SMTP submission with STARTTLS and
AUTH from the teleworker's home, then IMAPS until the message is in the INBOX). Run as root:
`python bench/mail.py [--runs N]`."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from labhome import temporary_home  # noqa: E402
from tests.domains.mail.site import SITE  # noqa: E402

from officelab.domains.mail.model import MailProbe  # noqa: E402
from officelab.probes import run_probe  # noqa: E402
from officelab.runtime.lab import Lab  # noqa: E402
from officelab.runtime.place import NodePlace  # noqa: E402
from officelab.site.loader import load_text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="boots measured (and round trips per boot: 5 each)")
    runs = parser.parse_args().runs
    temporary_home()
    site = load_text(SITE)
    assert site.mail is not None
    alice, bob = site.mail.mailboxes[0], site.mail.mailboxes[1]
    spec = MailProbe(host=site.mail.server_name, user=alice.address, password=alice.password, to=bob.address, to_password=bob.password)
    boots: list[float] = []
    trips: list[float] = []
    lab = Lab("benchmail")
    for _ in range(runs):
        start = time.monotonic()
        lab.up(site, SITE)  # returns once every daemon is ready: here, the mail node's Postfix and Dovecot
        boots.append(time.monotonic() - start)
        try:
            place = NodePlace("home", lab.context("home"))
            for _ in range(5):
                begun = time.monotonic()
                result = run_probe(spec, place)
                if not result.ok:
                    sys.exit(f"bench: the round trip failed: {result.summary}")
                trips.append(time.monotonic() - begun)
        finally:
            lab.down()
    each = ", ".join(f"{b:.2f}" for b in boots)
    print(f"mail: boot to ready (5 nodes, Postfix + Dovecot)  median {statistics.median(boots):.2f} s  (runs: {each})")
    print(
        f"mail: send → receive round trip (587 STARTTLS+AUTH, then IMAPS)  median {statistics.median(trips) * 1000:.0f} ms  "
        f"min {min(trips) * 1000:.0f} ms  max {max(trips) * 1000:.0f} ms  ({len(trips)} messages)"
    )


if __name__ == "__main__":
    main()

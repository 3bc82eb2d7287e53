"""Each node's own name files: the FQDN `hostname -f` gives, which a domain join registers in the DC's DNS."""

from __future__ import annotations

from pathlib import Path

from officelab.runtime.plan import compile_plan
from officelab.site.loader import load_site


def _hosts() -> dict[str, str]:
    plan = compile_plan(load_site("cabinet-martin"), "t", Path("/var/lib/officelab/labs/t"))
    return {f.node: f.content for f in plan.files if f.path == "etc/hosts"}


def test_pcs_of_an_ad_site_are_named_in_the_ad_domain() -> None:
    """A member, and a PC not joined yet (`pc-accueil`, which a learner may join by hand), have their FQDN in the
    AD domain, which the DC is authoritative for; a server that is no member keeps the site's domain."""
    hosts = _hosts()
    assert "127.0.1.1\tpc-compta-1.ad.cabinet-martin.lan pc-compta-1\n" in hosts["pc-compta-1"]
    assert "127.0.1.1\tpc-accueil.ad.cabinet-martin.lan pc-accueil\n" in hosts["pc-accueil"]
    assert "127.0.1.1\tsrv-backup.cabinet-martin.lan srv-backup\n" in hosts["srv-backup"]
    assert "127.0.1.1\tisp isp\n" in hosts["isp"]

"""The web's checks: from a client of each zone, the public web by name through the firewall, and the internal
applications of the site's domain (the DNS record, then the page)."""

from __future__ import annotations

import pytest

from officelab.domains.firewall.checks import zone_sources
from officelab.domains.network.checks import INFRA, INTERNET, REMOTE, dns_check
from officelab.domains.network.model import DnsProbe, HttpProbe
from tests.domains.derived import SITES, alone, assert_sound, derivation, family, firewall, suite, without

INTRANET = "intranet.cabinet-martin.lan"
RECORD = f"dnsrec:{INTRANET}"
PUBLIC = {"servers", "dmz", "users", "guests", "voice"}  # zones allowed to the internet on tcp/80
INTERNAL = {"mgmt", "users", "voice", "iot"}  # zones allowed to the servers on tcp/80 (not the servers' own)


@pytest.mark.parametrize("name", SITES)
def test_web_checks_are_sound(name: str) -> None:
    assert_sound("web", name, uses=("network", "firewall"), groups={"services"})


def test_cabinet_martin_opens_each_site_where_the_policy_allows_it() -> None:
    checks = alone("web")
    assert set(checks) == {f"web:{z}:www.example.com" for z in PUBLIC} | {f"web:{z}:{INTRANET}" for z in INTERNAL} | {RECORD}
    assert "web:mgmt:www.example.com" not in checks and f"web:guests:{INTRANET}" not in checks, "denied flows open no page"
    assert not any(i.endswith("www.cabinet-martin.fr") for i in checks), "the DMZ's site is neither of the internet nor of the domain"


def test_each_page_depends_on_its_name_and_its_allowed_flow() -> None:
    checks, ctx = alone("web"), derivation("cabinet-martin")
    assert checks["web:users:www.example.com"].depends == ("dns:pc-accueil", "flow:users->wan:tcp/80")
    assert checks[f"web:users:{INTRANET}"].depends == ("dns:pc-accueil", RECORD, "flow:users->servers:tcp/80")
    assert checks[f"web:iot:{INTRANET}"].depends == ("dns:cam-entree", RECORD, "flow:iot->servers:tcp/80")
    sources = zone_sources(ctx, *firewall(ctx))
    for check in checks.values():
        if not check.id.startswith("web:"):
            continue
        zone = check.id.split(":")[1]
        assert check.place == sources[zone][0].node.name and check.depends[0] == dns_check(ctx, check.place)
        assert all(v.depends[0] == dns_check(ctx, v.place) and v.depends[1:] == check.depends[1:] for v in check.fallbacks)
        flow = suite("cabinet-martin")[check.depends[-1]]
        assert flow.id.startswith(f"flow:{zone}->") and flow.expect, "a page depends only on a flow that must work"
        assert isinstance(check.probe, HttpProbe) and check.probe.url.startswith("http://") and check.probe.contains
        public = check.id.endswith("www.example.com")
        assert check.criteria == ((*REMOTE, *INTERNET) if public else REMOTE), check.id


def test_the_internal_record_is_checked_once_by_the_web() -> None:
    record = alone("web")[RECORD]
    assert record.id not in alone("network"), "not a record of the network's"
    assert family(alone("network"), "dnsrec:") == {i for i in family(suite("cabinet-martin"), "dnsrec:") if i != RECORD}
    assert record.place == "srv-app" and record.depends == ("dns:srv-app",), "from the first zone's client"
    assert record.criteria == (*INFRA, "TAI-CP5-C5") and record.group == "services"
    assert isinstance(record.probe, DnsProbe) and record.probe.name == INTRANET and record.probe.expect == "10.10.40.10"


def test_the_small_site_opens_the_public_web() -> None:
    checks = alone("web", "tpe")
    assert set(checks) == {"web:lan:www.example.com"}
    assert checks["web:lan:www.example.com"].depends == ("dns:pc-caisse", "flow:lan->wan:tcp/80")
    assert checks["web:lan:www.example.com"].place == "pc-caisse"


def test_no_page_without_firewall_web_server_or_internal_dns() -> None:
    no_firewall = without("tpe", ("nodes", "box", "services", "firewall"), ("nodes", "box", "services", "box", "forwards"))
    assert alone("web", no_firewall) == {}, "no firewall: no flow to go through"
    assert alone("web", without("tpe", ("nodes", "box", "services", "dns"))) == {}, "no name resolution"
    no_web = without("cabinet-martin", *(("nodes", n, "services", "web") for n in ("www", "srv-app", "srv-web")))
    assert not any(n.services.web for n in no_web.nodes)
    assert alone("web", no_web) == {}

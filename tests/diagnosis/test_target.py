"""What `officelab diagnose` reads from the technician's words, without a lab."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from officelab.core.errors import OfficeLabError
from officelab.diagnosis.target import for_user, resolve, who
from officelab.domains.firewall.facts import uplink_zone, zone_of_address
from officelab.site.loader import load_site, load_text
from officelab.site.topology import Topology

SITE = load_site("cabinet-martin")


def test_a_node_by_name_or_fqdn() -> None:
    for text in ("srv-files", "srv-files.cabinet-martin.lan"):
        target = resolve(SITE, text)
        assert (target.node, target.address, target.name) == ("srv-files", IPv4Address("10.10.40.20"), "srv-files.cabinet-martin.lan")


def test_services_name_their_server_port_and_checks() -> None:
    printing = resolve(SITE, "print:Compta")
    assert (printing.node, printing.proto, printing.port) == ("srv-files", "tcp", 631)
    assert printing.checks and all(c.id.startswith("print:Compta:") for c in printing.checks)
    share = resolve(SITE, "share:compta")
    assert share.port == 445 and all(c.id.startswith("smb:srv-files:compta:") and c.expect for c in share.checks)
    call = resolve(SITE, "call:101")
    assert call.node == "srv-ipbx" and all(c.id.endswith("->101") for c in call.checks)
    assert resolve(SITE, "camera:cam-entree").port == 554
    assert resolve(SITE, "mqtt:thermostat").node == "gtb"


def test_urls_addresses_and_checks() -> None:
    url = resolve(SITE, "http://intranet.cabinet-martin.lan/")
    assert (url.proto, url.port, url.name) == ("tcp", 80, "intranet.cabinet-martin.lan")
    assert resolve(SITE, "10.10.40.5").node == "srv-ad"
    check = resolve(SITE, "ad:login:pdurand")
    assert check.node == "srv-ad" and [c.id for c in check.checks] == ["ad:login:pdurand"]
    flow = resolve(SITE, "flow:users->wan:tcp/80")
    assert (flow.node, flow.port) == ("www", 80)


def test_unknown_targets_are_refused_with_the_forms() -> None:
    with pytest.raises(OfficeLabError, match="no print 'Nowhere'"):
        resolve(SITE, "print:Nowhere")
    with pytest.raises(OfficeLabError, match="give a node, an FQDN"):
        resolve(SITE, "nowhere")


def test_zones_of_addresses() -> None:
    router = SITE.node("fw")
    fw = router.services.firewall
    assert fw is not None
    topo = Topology(SITE)
    assert uplink_zone(router, fw) == "wan"
    assert zone_of_address(topo, router, fw, IPv4Address("10.10.40.5")) == "servers"
    assert zone_of_address(topo, router, fw, IPv4Address("203.0.113.80")) == "wan"  # a documentation range, yet the internet here


def test_an_ad_user_starts_from_their_workstation_with_their_own_checks() -> None:
    site = load_site("cabinet-martin")
    assert who(site, "pc-accueil") == ("pc-accueil", None)
    assert who(site, "pdurand") == ("pc-compta-1", "pdurand")
    with pytest.raises(OfficeLabError, match="no workstation in the site: add `workstation: NODE`"):
        who(site, "jpetit")
    with pytest.raises(OfficeLabError, match="neither a node nor a user"):
        who(site, "nobody")
    share = resolve(site, "share:compta")
    assert len({c.id.split(":")[3] for c in share.checks}) > 1, "the share's checks are several users'"
    for_user(share, "pdurand")
    assert share.checks and all(c.id.split(":")[3] == "pdurand" for c in share.checks)
    other = resolve(site, "share:compta")
    for_user(other, "stagiaire")  # nothing of theirs: the service's checks stay
    assert other.checks == resolve(site, "share:compta").checks


def test_a_workstation_must_be_a_joined_computer() -> None:
    text = load_site_text().replace('Durand#2026",\n       workstation: pc-compta-1}', 'Durand#2026",\n       workstation: pc-accueil}')
    with pytest.raises(OfficeLabError, match="'pc-accueil' is not a computer joined to the domain"):
        load_text(text, "cabinet-martin.yaml")


def load_site_text() -> str:
    from officelab.site.catalog import builtin_sites

    return builtin_sites()["cabinet-martin"].read_text()

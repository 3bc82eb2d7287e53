"""The directory's checks, from a joined workstation: the domain in DNS, the DC over LDAP and LDAPS, each user's
logon and ticket, each group's members, each computer's account and machine secret."""

from __future__ import annotations

from officelab.domains.directory.checks import client_base, dc_ready, for_domain_servers, login_check
from officelab.domains.directory.model import KerberosProbe, LdapProbe
from officelab.domains.network.checks import INFRA, ip_checks
from officelab.domains.network.model import DnsProbe
from officelab.recette.context import Derivation, On
from officelab.recette.model import Vantage
from officelab.site.model import Node
from tests.domains.derived import alone, assert_sound, derivation, site, suite, without

USERS = ("amartin", "pdurand", "sleroy", "jpetit", "stagiaire")
COMPUTERS = ("srv-files", "pc-compta-1", "pc-direction")
CLIENT = "pc-compta-1"  # the first joined workstation
WITHOUT_DIRECTORY = (
    ("directory",),
    ("nodes", "srv-files", "services", "files"),
    ("nodes", "srv-files", "services", "print"),
    ("backups",),
    ("vpn", "login"),
    ("wireless",),  # WPA2-Enterprise asks the directory through RADIUS
    ("nodes", "ap-1", "cli", "ssids", "Cabinet-Martin-Pro"),
)


def test_directory_checks_are_sound() -> None:
    assert_sound("directory", "cabinet-martin", uses=("network",), groups={"directory"})


def test_cabinet_martin_checks_its_whole_directory() -> None:
    checks = alone("directory")
    assert set(checks) == {
        "ad:srv",
        "ad:dc",
        "ad:ldaps",
        *(f"ad:login:{u}" for u in USERS),
        *(f"ad:kerberos:{u}" for u in USERS if u != "stagiaire"),
        *(f"ad:group:{g}" for g in ("Direction", "Comptabilite", "Personnel")),
        *(f"ad:{kind}:{c}" for c in COMPUTERS for kind in ("computer", "testjoin")),
    }, "no Kerberos ticket for a disabled account"
    for check in checks.values():
        assert check.place == (check.id.removeprefix("ad:testjoin:") if check.id.startswith("ad:testjoin:") else CLIENT), check.id
        assert check.expect is (check.id != "ad:login:stagiaire"), "a disabled account must NOT log on"


def test_the_directory_is_checked_bottom_up_from_its_client() -> None:
    checks, ctx = alone("directory"), derivation("cabinet-martin")
    gw = f"gw:{CLIENT}"
    assert checks["ad:srv"].depends == (gw,)
    assert checks["ad:dc"].depends == (gw, "ad:srv") and checks["ad:ldaps"].depends == (gw, "ad:dc")
    for check in checks.values():
        if check.id.startswith("ad:testjoin:"):
            assert check.depends == ("ad:dc", *ip_checks(ctx, check.place)), "and the computer's own address"
            assert check.depends[1] == f"ip:{check.place}:eth0" and all(d.startswith("trunk:") for d in check.depends[2:])
            assert not check.fallbacks, "a computer's own secret is checked on that computer"
        elif check.id not in ("ad:srv", "ad:dc"):
            assert check.depends == (gw, "ad:dc"), check.id
            # When the client's own checks fail, the next joined workstation runs it, needing its own gateway.
            assert [v.depends for v in check.fallbacks] == [(f"gw:{v.place}", "ad:dc") for v in check.fallbacks], check.id
            assert len(check.fallbacks) == 2 and CLIENT not in {v.place for v in check.fallbacks}
    assert checks["ad:srv"].criteria == ("TRI-CP6-C1", *INFRA) and checks["ad:dc"].criteria == ("TAI-CP6-C1", *INFRA)
    assert "TRI-CP5-C3" in checks["ad:ldaps"].criteria, "LDAPS is the encrypted access"
    assert checks["ad:login:amartin"].criteria == ("TAI-CP6-C1", "TRI-CP6-C2")
    srv, ldaps, ticket = checks["ad:srv"].probe, checks["ad:ldaps"].probe, checks["ad:kerberos:pdurand"].probe
    assert isinstance(srv, DnsProbe) and srv.type == "SRV" and srv.expect == "srv-ad.ad.cabinet-martin.lan"
    assert isinstance(ldaps, LdapProbe) and ldaps.port == 636 and ldaps.tls
    assert isinstance(ticket, KerberosProbe) and ticket.principal.startswith("pdurand@")
    group = checks["ad:group:Comptabilite"].probe
    assert isinstance(group, LdapProbe) and group.exact and sorted(group.expect) == ["Paul Durand", "Sophie Leroy"]


def test_the_queries_name_derived_checks() -> None:
    ctx, ids = derivation("cabinet-martin"), set(suite("cabinet-martin"))
    assert dc_ready(ctx) == "ad:dc" and dc_ready(ctx) in alone("directory")
    assert all(login_check(u) in alone("directory") for u in USERS)
    base = client_base(ctx)
    assert base is not None and base[1] == ()
    first = base[0][0]
    assert isinstance(first, Vantage) and first == Vantage(CLIENT, (f"gw:{CLIENT}",)) and set(first.depends) <= ids
    seen: list[tuple[str, On, tuple[str, ...]]] = []

    def record(ctx: Derivation, server: Node, where: On, base: tuple[str, ...]) -> None:
        seen.append((server.name, where, base))

    for_domain_servers(ctx, lambda n: n.services.files is not None or n.services.print is not None, record)
    assert seen == [("srv-files", base[0], ())]


def test_a_site_without_directory_has_no_directory_checks() -> None:
    ctx = derivation("tpe")
    assert site("tpe").directory is None and alone("directory", "tpe") == {} and client_base(ctx) is None
    calls: list[str] = []
    for_domain_servers(ctx, lambda n: True, lambda *args: calls.append("called"))
    assert calls == [], "no domain server is derived without the directory's client"
    bare = without("cabinet-martin", *WITHOUT_DIRECTORY)
    assert bare.directory is None and alone("directory", bare) == {}
    assert not any(i.startswith("ad:") for i in suite("tpe")) and any(i.startswith("ad:") for i in suite("cabinet-martin"))

"""The directory's part of the recette, from a joined workstation: the domain in DNS, the DC over LDAP and LDAPS,
every user's logon (refused when disabled) and Kerberos ticket, every group's exact members, every computer's
account and machine secret.

Shares and print queues, checked from the same clients, depend on it through `client_base`, `dc_ready` and
`login_check`. The client is the first joined workstation; when its own checks fail, the next ones.
"""

from __future__ import annotations

from collections.abc import Callable

from officelab.domains.directory.model import KerberosProbe, LdapProbe
from officelab.domains.network.checks import INFRA, dns_check, host_vantages, ip_checks
from officelab.domains.network.model import CommandProbe, DnsProbe
from officelab.recette.context import Derivation, On
from officelab.recette.model import Vantage
from officelab.site.model import Node, NodeKind

ServerChecks = Callable[[Derivation, Node, On, tuple[str, ...]], None]
"""Checks of one server, run from the directory's clients ``where`` once ``base`` passes."""


def directory_clients(ctx: Derivation) -> tuple[Vantage, ...]:
    """Where directory checks run from: joined workstations, else hosts that may use the DC (each needing its
    gateway)."""
    d = ctx.site.directory
    assert d is not None
    hosts = [hp for hp in ctx.hosts if hp.gateway is not None and hp.node.name != d.controller]
    joined = [hp for hp in hosts if hp.node.name in d.computers and hp.node.kind is not NodeKind.SERVER]
    others = [hp for hp in hosts if dns_check(ctx, hp.node.name) is not None and hp not in joined]
    return host_vantages(ctx, joined, also=others) if joined else host_vantages(ctx, others)


def derive(ctx: Derivation) -> None:
    d = ctx.site.directory
    if d is None:
        return
    where = directory_clients(ctx)
    if not where:
        ctx.not_built("ad:dc", "Le contrôleur de domaine répond", "The domain controller answers", "no host may use the DC", "directory")
        return
    dc_fqdn = f"{d.controller}.{d.domain}"
    admin = f"Administrator@{d.domain}"

    def search(filter: str, attribute: str, expect: list[str], exact: bool = False) -> LdapProbe:
        """An LDAP search as the domain's administrator: ``attribute`` of what ``filter`` finds holds ``expect``."""
        return LdapProbe(
            server=dc_fqdn,
            user=admin,
            password=d.admin_password,
            base=d.base_dn,
            filter=filter,
            attribute=attribute,
            expect=expect,
            exact=exact,
        )

    ctx.check(
        "ad:srv",
        f"Le domaine {d.domain} est annoncé dans le DNS (SRV LDAP)",
        f"Domain {d.domain} is published in DNS (LDAP SRV)",
        on=where,
        probe=DnsProbe(name=f"_ldap._tcp.{d.domain}", type="SRV", expect=dc_fqdn),
        criteria=("TRI-CP6-C1", *INFRA),
        depends=(),
        group="directory",
    )
    ctx.check(
        "ad:dc",
        f"Le contrôleur de domaine {d.controller} répond en LDAP",
        f"Domain controller {d.controller} answers LDAP",
        on=where,
        probe=LdapProbe(server=dc_fqdn, user=admin, password=d.admin_password),
        criteria=("TAI-CP6-C1", *INFRA),
        depends=("ad:srv",),
        group="directory",
    )
    ctx.check(
        "ad:ldaps",
        f"{d.controller} répond en LDAPS (TLS, port 636)",
        f"{d.controller} answers LDAPS (TLS, port 636)",
        on=where,
        probe=LdapProbe(server=dc_fqdn, user=admin, password=d.admin_password, port=636, tls=True),
        criteria=("TRI-CP5-C3", "TAI-CP6-C1"),
        depends=("ad:dc",),
        group="directory",
    )
    for user in d.users:
        upn = f"{user.login}@{d.domain}"
        state_fr, state_en = ("peut", "can") if user.enabled else ("ne peut pas", "cannot")
        ctx.check(
            f"ad:login:{user.login}",
            f"{user.name} ({user.login}) {state_fr} s'authentifier sur l'annuaire",
            f"{user.name} ({user.login}) {state_en} authenticate to the directory",
            on=where,
            probe=LdapProbe(server=dc_fqdn, user=upn, password=user.password),
            criteria=("TAI-CP6-C1", "TRI-CP6-C2"),
            expect=user.enabled and not user.must_change,
            depends=("ad:dc",),
            group="directory",
        )
        if user.enabled and not user.must_change:
            ctx.check(
                f"ad:kerberos:{user.login}",
                f"{user.login} obtient un ticket Kerberos",
                f"{user.login} gets a Kerberos ticket",
                on=where,
                probe=KerberosProbe(principal=f"{user.login}@{d.realm}", password=user.password),
                criteria=("TRI-CP6-C2",),
                depends=("ad:dc",),
                group="directory",
            )
    for group in d.groups:
        names = [u.name for u in d.members_of(group.name)]
        ctx.check(
            f"ad:group:{group.name}",
            f"Le groupe {group.name} contient exactement ses membres",
            f"Group {group.name} has exactly its members",
            on=where,
            probe=search(f"(&(objectClass=group)(cn={group.name}))", "member", names, exact=True),
            criteria=("TAI-CP6-C1",),
            depends=("ad:dc",),
            group="directory",
        )
    for computer in d.computers:
        account = f"{computer.upper()[:15]}$"
        ctx.check(
            f"ad:computer:{computer}",
            f"{computer} est intégré au domaine (compte ordinateur)",
            f"{computer} is joined to the domain (computer account)",
            on=where,
            probe=search(f"(sAMAccountName={account})", "dNSHostName", [f"{computer}.{d.domain}"]),
            criteria=("TRI-CP6-C1",),
            depends=("ad:dc",),
            group="directory",
        )
        ctx.check(
            f"ad:testjoin:{computer}",
            f"{computer} s'authentifie auprès du domaine (secret machine)",
            f"{computer} authenticates to the domain (machine secret)",
            on=computer,
            probe=CommandProbe(argv=["net", "ads", "testjoin"], expect="Join is OK", timeout=8),
            criteria=("TRI-CP6-C1",),
            depends=("ad:dc", *ip_checks(ctx, computer)),
            group="directory",
        )


def dc_ready(ctx: Derivation) -> str:
    """The check that the domain controller answers an authenticated LDAP bind."""
    return "ad:dc"


def login_check(user: str) -> str:
    """The check that ``user`` can (or cannot, if disabled) authenticate to the directory."""
    return f"ad:login:{user}"


def for_domain_servers(ctx: Derivation, serves: Callable[[Node], bool], derive: ServerChecks) -> None:
    """Derive ``derive(ctx, server, where, base)`` for each server that ``serves``, from the directory's client."""
    client = client_base(ctx)
    if client is None:
        return
    for server in ctx.site.nodes:
        if serves(server):
            derive(ctx, server, *client)


def client_base(ctx: Derivation) -> tuple[On, tuple[str, ...]] | None:
    """Where the domain's services are checked from (each vantage with what it needs), and what else they need."""
    where = directory_clients(ctx) if ctx.site.directory is not None else ()
    return (where, ()) if where else None

"""Mail's part of the recette: each domain's MX in the public DNS and delivery to it on port 25 (as another provider
would), each mailbox sending by submission (STARTTLS and AUTH) to the next one, which reads it over IMAPS (from an
office client through the firewall's NAT, else from the internet), the teleworker's mail from home, and a wrong
password refused."""

from __future__ import annotations

from officelab.domains.firewall.checks import allowed_flow, zone_sources
from officelab.domains.mail.facts import SMTP, SUBMISSION, mail_of, mx_targets, ring, server_address
from officelab.domains.mail.model import MailProbe
from officelab.domains.network.checks import INFRA, INTERNET, REMOTE, dns_check, host_vantages
from officelab.domains.network.model import DnsProbe
from officelab.recette.context import Derivation
from officelab.recette.model import Vantage
from officelab.site.model import NodeKind

CRITERIA = ("TAI-CP7-C1",)
"""Internet services installed, configured and secured (a mail account among them)."""
GROUP = "mail"
PEOPLE = (NodeKind.WORKSTATION, NodeKind.LAPTOP, NodeKind.TABLET)
"""Where a mail client runs in the office."""


def home_client(ctx: Derivation) -> str | None:
    """A teleworker's home on the emulated internet, where a person reads mail from outside the office."""
    return next((n.name for n in ctx.site.nodes if n.kind is NodeKind.REMOTE_SITE and any(i.address for i in n.interfaces)), None)


def internet_client(ctx: Derivation) -> str | None:
    """A node of the emulated internet that can speak SMTP to the MX as another provider would: a teleworker's home
    first, else a public server other than the provider and the DNS."""
    m = mail_of(ctx.site)
    home = home_client(ctx)
    others = [
        n.name
        for n in ctx.site.nodes
        if n.kind is NodeKind.PUBLIC_SERVER and n.name != m.provider and n.services.dns is None and any(i.address for i in n.interfaces)
    ]
    return next(iter([*([home] if home else []), *others]), None)


def office_clients(ctx: Derivation) -> tuple[tuple[Vantage, ...], tuple[Vantage, ...]]:
    """Vantage points in the office: the people's computers of the first zone that has some and whose web flow to the
    internet the firewall allows; each needing that flow (to reach the provider), then each needing only its DNS (to
    ask the site's resolver, which asks the internet itself, for an MX)."""
    for router in ctx.site.nodes:
        fw = router.services.firewall
        if fw is None:
            continue
        for zone, clients in zone_sources(ctx, router, fw).items():
            flow = allowed_flow(ctx, router, fw, zone, "wan", "tcp/80")
            resolving = [hp for hp in clients if hp.node.kind in PEOPLE and dns_check(ctx, hp.node.name) is not None]
            if flow is not None and resolving:
                return (
                    host_vantages(ctx, resolving, lambda hp, flow=flow: (f"dns:{hp.node.name}", flow)),  # type: ignore[misc]
                    host_vantages(ctx, resolving, lambda hp: (f"dns:{hp.node.name}",)),
                )
    return (), ()


def derive(ctx: Derivation) -> None:
    if ctx.site.mail is None:
        return
    m = mail_of(ctx.site)
    home, outside = home_client(ctx), internet_client(ctx)
    office, asking = office_clients(ctx)
    if outside is None and not office:
        ctx.not_built(
            "mail:send",
            "Les boîtes aux lettres envoient et reçoivent",
            "Mailboxes send and receive",
            "no node of the site can be a mail client (no office client reaching the internet, no teleworker)",
            GROUP,
        )
        return
    where = office or outside
    assert where is not None
    # the home asks its own resolver (the office's DNS when its VPN pushes it): a name it cannot resolve is one cause
    resolved: tuple[str, ...] = ()
    if home is not None:
        resolved = (
            ctx.check(
                f"mail:resolve:{home}",
                f"Depuis {home}, {m.server_name} se résout en {server_address(ctx.site)}",
                f"From {home}, {m.server_name} resolves to {server_address(ctx.site)}",
                on=home,
                probe=DnsProbe(name=m.server_name, expect=server_address(ctx.site)),
                criteria=(*CRITERIA, *INFRA),
                group=GROUP,
            ),
        )

    def at_home(on: object) -> tuple[str, ...]:
        return resolved if on == home else ()

    for domain in m.domains:
        target = next(iter(mx_targets(ctx.site, domain)), m.server_name)
        mx = ctx.check(
            f"mail:mx:{domain}",
            f"Le MX de {domain} désigne {target}",
            f"{domain}'s MX points to {target}",
            on=asking or where,
            probe=DnsProbe(name=domain, type="MX", expect=target),
            criteria=(*CRITERIA, *INFRA),
            group=GROUP,
        )
        first = next((b for b in m.mailboxes if b.domain == domain), None)
        if first is not None and outside is not None:
            ctx.check(
                f"mail:smtp:{domain}",
                f"Un serveur de l'internet remet un message à {first.address} par le MX (SMTP, port 25)",
                f"A server of the internet delivers a message to {first.address} through the MX (SMTP, port 25)",
                on=outside,
                probe=MailProbe(host="mx", port=SMTP, to=first.address, to_password=first.password),
                criteria=CRITERIA,
                depends=(mx, *at_home(outside)),
                group=GROUP,
                deadline=20,
            )
    for sender, recipient in ring(m):
        ctx.check(
            f"mail:send:{sender.address}",
            f"{sender.address} envoie un message (SMTP 587, STARTTLS, authentifié) que {recipient.address} reçoit (IMAPS)",
            f"{sender.address} sends a message (SMTP 587, STARTTLS, authenticated) that {recipient.address} receives (IMAPS)",
            on=where,
            probe=MailProbe(
                host=m.server_name,
                port=SUBMISSION,
                user=sender.address,
                password=sender.password,
                to=recipient.address,
                to_password=recipient.password,
            ),
            criteria=(*CRITERIA, *INTERNET),
            group=GROUP,
            deadline=20,
        )
    first = m.mailboxes[0]
    if home is not None and office:
        ctx.check(
            f"mail:remote:{first.address}",
            f"Depuis {home}, {first.address} s'écrit un message et le lit (SMTP 587 et IMAPS)",
            f"From {home}, {first.address} writes a message to itself and reads it (SMTP 587 and IMAPS)",
            on=home,
            probe=MailProbe(
                host=m.server_name,
                port=SUBMISSION,
                user=first.address,
                password=first.password,
                to=first.address,
                to_password=first.password,
            ),
            criteria=(*CRITERIA, *REMOTE),
            depends=resolved,
            group=GROUP,
            deadline=20,
        )
    ctx.check(
        f"mail:refused:{first.address}",
        f"Un mauvais mot de passe pour {first.address} est refusé (SMTP et IMAP)",
        f"A wrong password for {first.address} is refused (SMTP and IMAP)",
        on=home or where,
        probe=MailProbe(action="refused", host=m.server_name, port=SUBMISSION, user=first.address, password=f"not-{first.password}"),
        criteria=CRITERIA,
        depends=at_home(home or where),
        group=GROUP,
    )

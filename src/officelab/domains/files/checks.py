"""The file server's part of the recette, from the directory's client: the server answers SMB; for each share, a
member of each group with rights and one outsider open it and write in it as their rights say (each an SMB
session as that user); a wrong password and a guest are refused."""

from __future__ import annotations

from officelab.domains.directory.checks import dc_ready, for_domain_servers, login_check
from officelab.domains.files.model import ShareRight, SmbProbe
from officelab.domains.network.model import TcpProbe
from officelab.recette.context import Derivation, On
from officelab.site.model import Node


def derive(ctx: Derivation) -> None:
    for_domain_servers(ctx, lambda node: node.services.files is not None, _shares)


def _shares(ctx: Derivation, server: Node, where: On, base: tuple[str, ...]) -> None:
    d = ctx.site.directory
    assert d is not None and server.services.files is not None
    fqdn = f"{server.name}.{d.domain}"
    service = f"smb:{server.name}"
    ctx.check(
        service,
        f"Le serveur de fichiers {server.name} répond (SMB)",
        f"File server {server.name} answers (SMB)",
        on=where,
        probe=TcpProbe(host=fqdn, port=445),
        criteria=("TRI-CP5-C1",),
        depends=(*base, dc_ready(ctx)),
        group="shares",
    )
    enabled = [u for u in d.users if u.enabled and not u.must_change]
    for share in server.services.files.shares:
        people = []
        for group in share.rights:
            member = next((u for u in enabled if group in u.groups and u not in people), None)
            if member is not None:
                people.append(member)
        outsider = next((u for u in enabled if not set(u.groups) & set(share.rights)), None)
        if outsider is not None:
            people.append(outsider)
        for user in people:
            rights = [share.rights[g] for g in user.groups if g in share.rights]
            can_read, can_write = bool(rights), any(r is not ShareRight.READ for r in rights)
            login = f"{d.netbios}\\{user.login}"
            for action, allowed in (("list", can_read), ("write", can_write)):
                if action == "write" and not can_read:
                    continue
                verb_fr = {"list": "ouvrir", "write": "écrire dans"}[action]
                verb_en = {"list": "open", "write": "write in"}[action]
                no_fr, no_en = ("", "") if allowed else ("ne ", "not ")
                criteria = ("TRI-CP5-C1", "TAI-CP6-C2") if allowed else ("TRI-CP5-C2", "TRI-CP6-C3", "TAI-CP6-C2")
                ctx.check(
                    f"smb:{server.name}:{share.name}:{user.login}:{action}",
                    f"{user.login} {no_fr}peut {'pas ' if not allowed else ''}{verb_fr} le partage {share.name}".replace("  ", " "),
                    f"{user.login} can {no_en}{verb_en} share {share.name}",
                    on=where,
                    probe=SmbProbe(server=fqdn, share=share.name, user=login, password=user.password, action=action),
                    criteria=criteria,
                    expect=allowed,
                    depends=(service, login_check(user.login)),
                    group="shares",
                )
        first = next((u for u in enabled if set(u.groups) & set(share.rights)), None)
        if first is not None:
            ctx.check(
                f"smb:{server.name}:{share.name}:badpass",
                f"Le partage {share.name} refuse un mauvais mot de passe",
                f"Share {share.name} refuses a wrong password",
                on=where,
                probe=SmbProbe(server=fqdn, share=share.name, user=f"{d.netbios}\\{first.login}", password="not-" + first.password),
                criteria=("TRI-CP5-C3",),
                expect=False,
                depends=(service,),
                group="shares",
            )
        if not share.guest:
            ctx.check(
                f"smb:{server.name}:{share.name}:guest",
                f"Le partage {share.name} refuse les invités",
                f"Share {share.name} refuses guests",
                on=where,
                probe=SmbProbe(server=fqdn, share=share.name, user=""),
                criteria=("TRI-CP5-C3",),
                expect=False,
                depends=(service,),
                group="shares",
            )

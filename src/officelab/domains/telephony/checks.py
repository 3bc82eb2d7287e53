"""Telephony's part of the recette: each phone registers (and is refused with a wrong secret), the trunk is
registered at the operator, and one real call per behaviour of the dial plan, proven by each side hearing the
other's test tone."""

from __future__ import annotations

from officelab.domains.network.checks import ip_checks
from officelab.domains.telephony.facts import call_probe, caller_party, operator_address, pbx_address
from officelab.domains.telephony.model import SipRegisterProbe, SipTrunkProbe, Telephony
from officelab.recette.context import Derivation


def derive(ctx: Derivation) -> None:
    t = ctx.site.telephony
    if t is None:
        return

    server = pbx_address(ctx.site)
    phones = [e for e in t.extensions if e.phone is not None]
    for ext in phones:
        assert ext.phone is not None
        base = tuple(ip_checks(ctx, ext.phone))
        ctx.check(
            f"sip:register:{ext.number}",
            f"Le poste {ext.number} ({ext.name}) s'enregistre sur l'IPBX",
            f"Extension {ext.number} ({ext.name}) registers on the PBX",
            on=ext.phone,
            probe=SipRegisterProbe(server=server, user=ext.number, password=ext.secret),
            criteria=("TRI-CP8-C1", "TRI-CP1-C2"),
            depends=base,
            group="telephony",
        )
        ctx.check(
            f"sip:refused:{ext.number}",
            f"L'IPBX refuse le poste {ext.number} avec un mauvais secret",
            f"The PBX refuses extension {ext.number} with a wrong secret",
            on=ext.phone,
            probe=SipRegisterProbe(server=server, user=ext.number, password="not-" + ext.secret),
            criteria=("TRI-CP1-C4", "TRI-CP8-C1"),
            expect=False,
            depends=(f"sip:register:{ext.number}",),
            group="telephony",
        )
    trunk_id = ""
    if t.trunk is not None:
        trunk_id = "sip:trunk"
        ctx.check(
            trunk_id,
            f"Le trunk SIP est enregistré chez l'opérateur ({t.trunk.operator})",
            f"The SIP trunk is registered at the operator ({t.trunk.operator})",
            on=t.pbx,
            probe=SipTrunkProbe(operator=operator_address(ctx.site, t.trunk), timeout=8),
            criteria=("TRI-CP8-C2", "TRI-CP8-C1"),
            depends=tuple(ip_checks(ctx, t.pbx)),
            deadline=20,
            group="telephony",
        )
    _call_checks(ctx, t, trunk_id)


def _call_checks(ctx: Derivation, t: Telephony, trunk_id: str) -> None:
    """One real call per behaviour of the dial plan: between phones, each forward, voicemail, no answer, each ring
    group, out through the trunk and in to each public number. Calls that share no phone, mailbox or trunk line
    run side by side; a call runs after the earlier ones that use what it uses (a phone holds one call)."""

    auto = [e for e in t.extensions if e.phone is not None and e.answer == "auto"]
    wanted: list[tuple[str, str, str]] = []  # (kind, caller number, dialled)
    for a, b in zip(auto, auto[1:] + auto[:1], strict=True):
        if a is not b:
            wanted.append(("call", a.number, b.number))
    for ext in t.extensions:
        if ext.forward:
            wanted.append(("forward", "", ext.number))
        elif ext.phone is None and ext.voicemail:
            wanted.append(("voicemail", "", ext.number))
        elif ext.phone is not None and ext.answer == "manual" and (ext.forward_no_answer or ext.voicemail):
            wanted.append(("noanswer", "", ext.number))
        elif ext.phone is not None and (ext.forward_busy or ext.voicemail):
            wanted.append(("busy", "", ext.number))
    wanted += [("group", "", g.number) for g in t.ring_groups]
    if t.trunk is not None and t.trunk.subscribers:
        line = t.trunk.subscribers[0]
        wanted.append(("out", "", t.trunk.prefix + line.number))
        wanted += [("in", line.number, d.number) for d in t.trunk.numbers]
    phones = [e.number for e in t.extensions if e.phone is not None]
    last_user: dict[str, str] = {}  # a phone, mailbox or the trunk → the last call derived that uses it
    for kind, caller_number, dialled in wanted:
        planned = None
        busy_from = None
        for number in [caller_number] if caller_number else (phones if kind == "busy" else [e.number for e in auto]):
            caller = caller_party(ctx.site, number)
            # busy: a third phone calls the extension first and holds the call; never the phone the busy forward
            # goes to, which would then answer 486 itself
            holders = [p for p in phones if p not in (number, dialled)] if kind == "busy" else [None]
            for holder in holders:
                busy_from = caller_party(ctx.site, holder) if holder is not None else None
                if kind == "busy" and busy_from is None:
                    continue
                planned = call_probe(ctx.site, caller, dialled, busy_from=busy_from, seconds=1) if caller is not None else None
                if caller is not None and planned is not None and number not in planned[2] and holder not in planned[2]:
                    break
                planned = None
            if planned is not None:
                break
        if planned is None or caller is None:
            why = (
                "no third phone can hold the extension busy (the phone its busy forward goes to would answer 486 itself)"
                if kind == "busy"
                else "no phone of the site can place this call"
            )
            ctx.not_built(
                f"sip:{kind}:{dialled}", f"Appel de test ({kind}) vers {dialled}", f"Test call ({kind}) to {dialled}", why, "telephony"
            )
            continue
        spec, answering, path = planned
        # time the call rings before it is answered: phones nobody answers and hunt groups on its way
        ringing = sum(t.no_answer_seconds for e in t.extensions if e.number in path[:-1] and e.answer == "manual") + sum(
            g.ring_seconds * (len(g.members) - 1) for g in t.ring_groups if g.number in path and g.strategy == "hunt"
        )
        spec = spec.model_copy(update={"timeout": min(60.0, 10.0 + ringing)})
        check_id = f"sip:{kind}:{caller.label.removeprefix('line ')}->{dialled}"
        names = {"caller": caller.label, "dialled": dialled, "answering": answering.label, "via": " → ".join(path)}
        title_fr, title_en = (text.format(**names) for text in CALL_TITLES[kind])
        parties = (caller.label, answering.label, dialled, busy_from.label if busy_from is not None else "")
        registered = [f"sip:register:{n}" for n in dict.fromkeys(parties) if n in phones]
        # What the call occupies while it lasts: its parties, every number on its way, the members a group rings
        # on the way, and the trunk line.
        ringing_members = [m for g in t.ring_groups if g.number in path for m in g.members]
        uses = {*parties, *path, *ringing_members, *(("trunk",) if kind in ("out", "in") else ())} - {""}
        after = tuple(dict.fromkeys(last_user[u] for u in sorted(uses) if u in last_user))
        ctx.check(
            check_id,
            title_fr,
            title_en,
            on=caller.node,
            probe=spec,
            criteria=CALL_CRITERIA.get(kind, ("TRI-CP8-C2", "TRI-CP1-C2")),
            # A call needs its phones' registrations (and the trunk); it only follows the calls that use what it
            # uses, so a failed call blocks no other.
            depends=(*registered, *((trunk_id,) if kind in ("out", "in") else ())),
            after=after,
            deadline=15 + ringing,
            group="telephony",
        )
        last_user.update(dict.fromkeys(uses, check_id))


# The derived test calls, by behaviour of the dial plan: (French, English) titles.
CALL_TITLES = {
    "call": (
        "Appel de {caller} vers {dialled} : chacun entend l'autre",
        "Call from {caller} to {dialled}: each side hears the other",
    ),
    "forward": (
        "Un appel vers {dialled} aboutit sur {answering} (renvoi immédiat)",
        "A call to {dialled} reaches {answering} (unconditional forward)",
    ),
    "voicemail": (
        "Un appel vers {dialled} (sans poste) arrive sur la messagerie, qui enregistre l'appelant",
        "A call to {dialled} (no phone) reaches the voicemail, which records the caller",
    ),
    "noanswer": (
        "Sans réponse, un appel vers {dialled} aboutit sur {answering} ({via})",
        "Unanswered, a call to {dialled} goes on to {answering} ({via})",
    ),
    "busy": (
        "Poste {dialled} occupé : l'appel aboutit sur {answering} ({via})",
        "Extension {dialled} busy: the call goes on to {answering} ({via})",
    ),
    "group": (
        "Le groupe d'appel {dialled} fait sonner ses membres ; {answering} répond",
        "Ring group {dialled} rings its members; {answering} answers",
    ),
    "out": (
        "Appel sortant par le trunk : {caller} joint {answering} ({dialled})",
        "Outgoing call through the trunk: {caller} reaches {answering} ({dialled})",
    ),
    "in": (
        "Appel entrant de l'opérateur vers le numéro public {dialled} : {answering} répond ({via})",
        "Incoming call from the operator to public number {dialled}: {answering} answers ({via})",
    ),
}  # fmt: skip


# A plain call proves the phones work; through the trunk it also proves the configuration asked for; the dial
# plan's behaviours (forwards, groups, voicemail) are configuration first.
CALL_CRITERIA = {"call": ("TRI-CP1-C2", "TRI-CP8-C1"), "out": ("TRI-CP1-C2", "TRI-CP8-C2"), "in": ("TRI-CP1-C2", "TRI-CP8-C2")}

"""Telephony's checks: each phone registers (and is refused with a wrong secret), the trunk is registered, and one
real call per behaviour of the dial plan, one after the other."""

from __future__ import annotations

from officelab.domains.network.checks import ip_checks
from officelab.domains.telephony.checks import CALL_CRITERIA
from officelab.domains.telephony.model import SipRegisterProbe
from tests.domains.derived import alone, assert_sound, derivation, without

PHONES = {"101": "phone-101", "102": "phone-102", "104": "phone-104"}
CALLS = [  # (id, caller's node, phones registered first), in the order they run
    ("sip:call:101->102", "phone-101", ("101", "102")),
    ("sip:call:102->101", "phone-102", ("102", "101")),
    ("sip:busy:101->102", "phone-101", ("101", "102", "104")),  # 104 holds a call with 102 first
    ("sip:forward:102->100", "phone-102", ("102", "101")),
    ("sip:voicemail:101->103", "phone-101", ("101",)),
    ("sip:noanswer:102->104", "phone-102", ("102", "101", "104")),  # 101 would answer itself: 102 calls
    ("sip:group:102->600", "phone-102", ("102", "101")),
    ("sip:group:101->601", "phone-101", ("101", "102")),
    ("sip:out:101->00555123456", "phone-101", ("101",)),
    ("sip:in:0555123456->0123456700", "operateur", ("101",)),
    ("sip:in:0555123456->0123456702", "operateur", ("102",)),
]


def test_telephony_checks_are_sound() -> None:
    assert_sound("telephony", "cabinet-martin", uses=("network",), groups={"telephony"})


def test_each_phone_registers_and_is_refused_with_a_wrong_secret() -> None:
    checks, ctx = alone("telephony"), derivation("cabinet-martin")
    registration = {f"sip:{kind}:{n}" for n in PHONES for kind in ("register", "refused")}
    assert set(checks) == registration | {"sip:trunk"} | {i for i, *_ in CALLS}, "no phone, no registration (103)"
    for number, phone in PHONES.items():
        register, refused = checks[f"sip:register:{number}"], checks[f"sip:refused:{number}"]
        assert register.place == refused.place == phone
        assert register.depends == ip_checks(ctx, phone) and register.depends[0] == f"ip:{phone}:eth0"
        assert register.expect and not refused.expect and refused.depends == (register.id,)
        assert register.criteria == ("TRI-CP8-C1", "TRI-CP1-C2") and refused.criteria == ("TRI-CP1-C4", "TRI-CP8-C1")
        assert isinstance(refused.probe, SipRegisterProbe) and refused.probe.password.startswith("not-")
    trunk = checks["sip:trunk"]
    assert trunk.place == "srv-ipbx" and trunk.deadline == 20
    assert trunk.depends == ("ip:srv-ipbx:eth0", "trunk:sw-floor:ge24", "trunk:sw-core:ge1")
    assert trunk.criteria == ("TRI-CP8-C2", "TRI-CP8-C1")


def test_calls_that_share_a_phone_run_one_after_the_other() -> None:
    checks = alone("telephony")
    calls = [c for c in checks.values() if c.id.split(":")[1] not in ("register", "refused", "trunk")]
    assert [c.id for c in calls] == [i for i, *_ in CALLS]

    def follows(later: str, earlier: str) -> bool:
        todo, seen = list(checks[later].after), set()
        while todo:
            current = todo.pop()
            if current == earlier:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(checks[current].after)
        return False

    for i, (call, (_, caller, parties)) in enumerate(zip(calls, CALLS, strict=True)):
        kind = call.id.split(":")[1]
        trunk = ("sip:trunk",) if kind in ("out", "in") else ()
        assert call.depends == (*(f"sip:register:{n}" for n in parties), *trunk), call.id  # what it needs
        assert set(call.after) <= {c.id for c in calls[:i]}, "it only follows earlier calls, and a failed call blocks no other"
        assert call.place == caller and call.expect and call.group == "telephony"
        assert call.criteria == CALL_CRITERIA.get(kind, ("TRI-CP8-C2", "TRI-CP1-C2")), call.id
        assert call.deadline >= 15
        for earlier, (_, _, others) in zip(calls[:i], CALLS[:i], strict=False):
            if set(parties) & set(others):
                assert follows(call.id, earlier.id), f"{call.id} shares a phone with {earlier.id}: one at a time"
    assert calls[0].after == ()
    assert calls[0].depends == ("sip:register:101", "sip:register:102"), "the first call waits for no other"
    assert checks["sip:noanswer:102->104"].deadline == 20, "it rings 5 s unanswered first"


def test_a_site_without_telephony_has_no_telephony_checks() -> None:
    assert alone("telephony", "tpe") == {}
    bare = without("cabinet-martin", ("telephony",))
    assert bare.telephony is None and alone("telephony", bare) == {}


def test_the_busy_call_holder_is_never_the_phone_the_busy_forward_goes_to() -> None:
    """102 forwards to 104 when busy. 104 cannot hold 102 busy (it would answer 486 itself), and 101 calling is the
    only other way: so with these three phones no busy call can be made, and none is derived (it used to hold the
    call with 104). On the default site (102 busy goes to voicemail) 104 holds the call."""
    from officelab.site.catalog import builtin_sites
    from officelab.site.loader import load_text

    text = builtin_sites()["cabinet-martin"].read_text()
    changed = text.replace("phone: phone-102, voicemail: true}", 'phone: phone-102, forward_busy: "104"}')
    assert changed != text
    checks = alone("telephony", load_text(changed, "busy.yaml"))
    assert [c.id for c in checks.values() if c.id.startswith("sip:busy:")] == []
    default = alone("telephony")["sip:busy:101->102"]
    assert default.probe.hold_node == "phone-104"  # type: ignore[attr-defined]

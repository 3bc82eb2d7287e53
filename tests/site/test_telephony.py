"""The dial plan as the lab's phones behave: who answers a call, through which numbers."""

from __future__ import annotations

from officelab.domains.telephony.facts import Forwards, route_call, site_forwards
from officelab.domains.telephony.model import Extension, Subscriber, Telephony
from officelab.site.loader import load_text


def telephony(default_site_text: str) -> Telephony:
    t = load_text(default_site_text).telephony
    assert t is not None
    return t


def answered(
    t: Telephony, number: str, forwards: Forwards | None = None, busy: frozenset[str] = frozenset()
) -> tuple[str | None, list[str]]:
    who, path = route_call(t, number, forwards, busy)
    label = who if isinstance(who, str) or who is None else who.number
    return label, path


def test_each_behaviour_of_the_default_site(default_site_text: str) -> None:
    t = telephony(default_site_text)
    assert answered(t, "102") == ("102", ["102"])
    assert answered(t, "100") == ("101", ["100", "101"]), "unconditional forward"
    assert answered(t, "103") == ("voicemail", ["103", "voicemail"]), "no phone: voicemail"
    assert answered(t, "104") == ("101", ["104", "101"]), "nobody answers the meeting room: forward on no answer"
    assert answered(t, "600") == ("101", ["600", "101"]), "ring group: the phone that picks up"
    assert answered(t, "0123456700") == ("101", ["0123456700", "600", "101"]), "public number to the ring group"
    assert answered(t, "00555123456") == ("0555123456", ["00555123456", "0555123456"]), "out through the trunk"
    assert answered(t, "00999999999") == (None, ["00999999999", "0999999999"]), "no such line at the operator"
    assert answered(t, "999") == (None, ["999"])


def test_live_forwards_replace_the_sites(default_site_text: str) -> None:
    t = telephony(default_site_text)
    live = site_forwards(t)
    assert live == {"always": {"100": "101"}, "busy": {}, "no-answer": {"104": "101"}}
    assert answered(t, "102", {**live, "always": {"102": "101"}}) == ("101", ["102", "101"])
    assert answered(t, "100", {**live, "always": {}}) == (None, ["100"]), "cancelled live: 100 has no phone, no voicemail"
    assert answered(t, "101", {"always": {"101": "102", "102": "101"}})[0] is None, "a forwarding loop ends"
    assert answered(t, "104", {**live, "no-answer": {"104": "102"}}) == ("102", ["104", "102"]), "no-answer target changed"


def test_busy_extensions(default_site_text: str) -> None:
    t = telephony(default_site_text)
    assert answered(t, "102", busy=frozenset({"102"})) == ("voicemail", ["102", "voicemail"])
    assert answered(t, "102", {"busy": {"102": "101"}}, busy=frozenset({"102"})) == ("101", ["102", "101"])
    assert answered(t, "600", busy=frozenset({"101"})) == (None, ["600"]), "the only auto member is busy"


def test_hunt_group_picks_the_first_auto_answering_member() -> None:
    t = Telephony(
        pbx="pbx",
        extensions=[
            Extension(number="10", name="a", secret="secret-a", phone="p1", answer="manual"),
            Extension(number="11", name="b", secret="secret-b"),
            Extension(number="12", name="c", secret="secret-c", phone="p3"),
        ],
        ring_groups=[{"number": "60", "name": "g", "members": ["10", "11", "12"], "strategy": "hunt"}],  # type: ignore[list-item]
    )
    who, path = route_call(t, "60")
    assert isinstance(who, Extension) and who.number == "12" and path == ["60", "12"]
    assert not isinstance(who, Subscriber)

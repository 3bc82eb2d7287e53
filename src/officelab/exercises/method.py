"""The learner's method, read from the journal: which commands test which layer, which change the network, and from
their order the method criteria — tests made bottom-up before changing anything, reaching the faulty layer in few
tests, and the fix verified afterwards. Each verdict is explained by the journal lines it rests on.

The layers of a test, bottom-up (the order the criteria ask for: link, IP configuration, gateway, DNS, service):
1 link, 2 neighbours (ARP, frames), 3 IP configuration, 4 gateway and routes, 5 name resolution, 6 the service."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from officelab.exercises.journal import OFFICELAB, Entry

RANKS = {1: "lien", 2: "voisinage (ARP, trames)", 3: "configuration IP", 4: "passerelle et routes", 5: "résolution DNS", 6: "service"}
LAYER_RANK = {"physical": 1, "data link": 2, "network": 3, "transport": 6, "application": 6}
"""A fault's OSI layer → the rank of test that reaches it."""
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_REDIRECT = re.compile(r"(?<![0-9&])>{1,2}\s*(?!/dev/null)(?!&)\S")


@dataclass(frozen=True)
class Action:
    """A journal entry as the method sees it: a test of a layer (``rank``), a change, or neither."""

    entry: Entry
    rank: int | None = None
    change: bool = False

    def line(self) -> str:
        what = f"test {RANKS[self.rank]}" if self.rank else "modification" if self.change else "autre"
        return f"{self.entry.node}$ {self.entry.command}  [{what}]"


def _words(command: str) -> list[str]:
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        words = command.split()
    while (words and words[0] in ("sudo", "env", "time", "watch", "timeout", "busybox")) or (words and re.match(r"^\w+=", words[0])):
        words = words[1:]
        if words and words[0].lstrip("-").isdigit():  # `timeout 5 …`, `watch -n 1 …`
            words = words[1:]
    return words


def _ip_subcommand(words: list[str]) -> tuple[str, str]:
    rest = [w for w in words[1:] if not w.startswith("-")]
    obj = rest[0] if rest else ""
    verb = rest[1] if len(rest) > 1 else "show"
    return obj, verb


_SHOW_VERBS = {"show", "list", "ls", "get", "lst", "s"}
_TESTS: dict[str, int] = {
    "ethtool": 1,
    "mii-tool": 1,
    "arp": 2,
    "arping": 2,
    "tcpdump": 2,
    "bridge": 2,
    "ifconfig": 3,
    "hostname": 3,
    "route": 4,
    "traceroute": 4,
    "tracepath": 4,
    "mtr": 4,
    "nslookup": 5,
    "dig": 5,
    "host": 5,
    "resolvectl": 5,
    "getent": 5,
    "smbclient": 6,
    "curl": 6,
    "wget": 6,
    "lpstat": 6,
    "lpq": 6,
    "lp": 6,
    "lpr": 6,
    "kinit": 6,
    "klist": 6,
    "wbinfo": 6,
    "ldapsearch": 6,
    "nc": 6,
    "ncat": 6,
    "telnet": 6,
    "ssh": 6,
    "sftp": 6,
    "mosquitto_sub": 6,
    "mosquitto_pub": 6,
    "ffprobe": 6,
    "sipsak": 6,
    "ss": 6,
    "netstat": 6,
    "nmap": 6,
    "openssl": 6,
    "net": 6,
    "testparm": 6,
}
_CHANGES = {
    "udhcpc",
    "dhclient",
    "nano",
    "vi",
    "vim",
    "ed",
    "tee",
    "kill",
    "cupsenable",
    "cupsaccept",
    "lpadmin",
    "nft",
    "iptables",
    "systemctl",
    "service",
    "cp",
    "mv",
    "rm",
    "chmod",
    "chown",
    "setfacl",
    "pdbedit",
    "smbpasswd",
    "passwd",
    "reboot",
}
_SAMBA_READS = {"list", "show", "listmembers", "listobjects", "view", "dbcheck", "testparm", "getpassword", "query"}


def classify(entry: Entry) -> Action:
    """What one journal entry is: a test (of which rank), a change, or neither."""
    words = _words(entry.command)
    if not words:
        return Action(entry)
    tool = words[0].rsplit("/", 1)[-1]
    if entry.node == OFFICELAB or tool == "officelab":
        return _officelab(entry, words[1:] if tool == "officelab" else words)
    if "/dev/tcp/" in entry.command or "/dev/udp/" in entry.command:
        return Action(entry, rank=6)  # bash's own port test: `timeout 2 bash -c '</dev/tcp/10.10.40.5/389'`
    if _REDIRECT.search(entry.command) or (tool == "sed" and any(w.startswith("-i") for w in words)):
        return Action(entry, change=True)
    if tool == "ip":
        obj, verb = _ip_subcommand(words)
        changing = verb in {"set", "add", "del", "delete", "flush", "replace", "change", "append"}
        if changing:
            return Action(entry, change=True)
        rank = {"link": 1, "l": 1, "neigh": 2, "n": 2, "neighbour": 2, "addr": 3, "a": 3, "address": 3, "route": 4, "r": 4}.get(obj)
        return Action(entry, rank=rank or 3)
    if tool == "ping":
        target = next((w for w in reversed(words[1:]) if not w.startswith("-") and not w.isdigit()), "")
        return Action(entry, rank=4 if _IP.match(target) else 5)
    if tool == "cat" and any(w.startswith("/sys/class/net") for w in words):
        return Action(entry, rank=1)
    if tool == "cat" and "/etc/resolv.conf" in words:
        return Action(entry, rank=5)
    if tool in ("cat", "tail", "less", "grep", "head") and any(w.startswith("/var/log/") for w in words):
        return Action(entry, rank=6)  # a service's own log: what it says about its requests
    if tool == "samba-tool":
        reading = (len(words) > 2 and words[2] in _SAMBA_READS) or any(w in _SAMBA_READS for w in words[1:3])
        return Action(entry, rank=6) if reading else Action(entry, change=True)
    if tool == "curl" and any(w.startswith(("-d", "--data", "-F", "--form")) for w in words[1:]):
        logging_in = any(w.rstrip("/").endswith("/login") for w in words[1:])
        return Action(entry, rank=6) if logging_in else Action(entry, change=True)  # a form posted to a box's page
    if tool == "nft" and len(words) > 1 and words[1] in ("list", "monitor"):
        return Action(entry, rank=4)  # the firewall's ruleset: what it forwards, translates and drops
    if tool in _CHANGES:
        return Action(entry, change=True)
    if tool in _TESTS:
        return Action(entry, rank=_TESTS[tool])
    return Action(entry)


def _officelab(entry: Entry, words: list[str]) -> Action:
    command, verb = [*words, "", ""][:2]
    if command in ("link", "port") or (command, verb) in {("service", "start"), ("service", "stop"), ("backup", "run")}:
        return Action(entry, change=True)  # a cable plugged, a port moved, a daemon started: the physical acts
    rank = {"status": 1, "capture": 2, "check": 6, "diagnose": 6, "backup": 6}.get(command)
    return Action(entry, rank=rank)  # `exercise brief/hint/check` test nothing of the network


@dataclass
class MethodItem:
    """One method criterion's verdict: a score between 0 and 1, and the journal lines that explain it."""

    key: str
    title: str
    score: float
    explanation: str
    lines: list[str] = field(default_factory=list)


def assess(entries: list[Entry], fault_layer: str | None, max_tests: int) -> list[MethodItem]:
    """The method items: ``logical`` (tests bottom-up before the first change), ``efficient`` (and reaching the
    faulty layer within ``max_tests`` tests), ``verified`` (a test after the last change)."""
    actions = [a for a in (classify(e) for e in entries) if a.rank or a.change]
    changes = [i for i, a in enumerate(actions) if a.change]
    first_change = changes[0] if changes else len(actions)
    before = [a for a in actions[:first_change] if a.rank]
    logical = _logical(before, bool(changes))
    target = LAYER_RANK.get(fault_layer or "", 1)
    reached = any(a.rank is not None and a.rank >= min(target, 5) for a in before) or (target == 1 and bool(before))
    if not before:
        efficient = MethodItem("efficient", "Diagnostic efficace", 0.0, "aucun test avant la première modification")
    elif not reached:
        efficient = MethodItem(
            "efficient",
            "Diagnostic efficace",
            0.0,
            f"aucun test n'a atteint la couche en défaut ({RANKS[target]}) avant de modifier",
            [a.line() for a in before],
        )
    else:
        score = logical.score if len(before) <= max_tests else logical.score * max_tests / len(before)
        efficient = MethodItem(
            "efficient",
            "Diagnostic efficace",
            round(score, 2),
            f"{len(before)} test(s) avant la première modification (au plus {max_tests} attendus), ordre {logical.score:.0%} ascendant",
            [a.line() for a in before],
        )
    after = [a for a in actions[changes[-1] + 1 :] if a.rank] if changes else []
    if not changes:
        verified = MethodItem("verified", "Solution vérifiée", 0.0, "aucune modification dans le journal : rien à vérifier")
    elif after:
        verified = MethodItem(
            "verified", "Solution vérifiée", 1.0, f"{len(after)} test(s) après la dernière modification", [a.line() for a in after]
        )
    else:
        verified = MethodItem(
            "verified", "Solution vérifiée", 0.0, "aucun test après la dernière modification", [actions[changes[-1]].line()]
        )
    return [logical, efficient, verified]


def _logical(before: list[Action], changed: bool) -> MethodItem:
    title = "Tests réalisés de manière logique (ascendante)"
    if not before:
        return MethodItem("logical", title, 0.0, "aucun test avant la première modification" if changed else "aucun test dans le journal")
    # The first tests may reproduce the customer's symptom (the name or the service fails): the diagnosis starts after.
    start = 0
    while start < len(before) - 1 and (before[start].rank or 0) >= 5:
        start += 1
    diagnosis = before[start:]
    ranks = [a.rank or 0 for a in diagnosis]
    descents = [i for i in range(1, len(ranks)) if ranks[i] < ranks[i - 1]]
    score = 1.0 if len(ranks) < 2 else 1 - len(descents) / (len(ranks) - 1)
    lines = [a.line() for a in before]
    if descents:
        shown = "; ".join(f"« {diagnosis[i].entry.command} » après « {diagnosis[i - 1].entry.command} »" for i in descents[:3])
        explanation = f"{len(descents)} retour(s) vers une couche plus basse : {shown}"
    else:
        explanation = f"{len(diagnosis)} test(s) de la couche {RANKS[ranks[0]]} vers {RANKS[max(ranks)]}, sans retour en arrière"
    return MethodItem("logical", title, round(score, 2), explanation, lines)

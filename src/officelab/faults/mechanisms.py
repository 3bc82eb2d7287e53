"""The mechanisms real faults have, shared by the domains' fault types: a node's configuration file changed (and
its daemon told), a daemon stopped and kept stopped, a command run on a node. Each returns what it changed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from officelab.core.errors import OfficeLabError
from officelab.faults.model import Fault, Undo

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab
    from officelab.site.model import Site


def run(lab: Lab, node: str, argv: list[str], what: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command on a node; a failure is the fault's failure, with the command's own words. Secrets go in
    ``stdin`` or ``env``, never in ``argv``."""
    result = lab.run(node, argv, timeout=60, input=stdin, env=env)
    if result.returncode != 0:
        raise OfficeLabError(f"{what} on {node}: {(result.stderr or result.stdout).strip()[-300:] or f'exit {result.returncode}'}")
    return result.stdout


NFT_TABLE = ("inet", "officelab")
"""The table of a router's ruleset (the firewall's nftables, where rules are deleted and put back)."""
_RULE = re.compile(r"^\s*(?P<text>.*?)\s*# handle (?P<handle>\d+)$")


def nft_rules(lab: Lab, node: str, chain: str) -> list[tuple[int, str]]:
    """The chain's rules, in order: (handle, text) as `nft -a list` prints them."""
    listing = run(lab, node, ["nft", "-a", "list", "chain", *NFT_TABLE, chain], f"listing the {chain} chain")
    rules = [(int(m["handle"]), m["text"]) for m in map(_RULE.match, listing.splitlines()) if m and m["text"]]
    return [(h, text) for h, text in rules if not text.endswith("{") and "type " not in text]  # not the chain's own lines


def delete_rules(lab: Lab, node: str, chain: str, comment: str) -> Undo:
    """Delete the rule(s) whose comment is ``comment``, remembering each one's text and the rule after it."""
    rules = nft_rules(lab, node, chain)
    deleted = []
    for index, (handle, text) in enumerate(rules):
        if f'comment "{comment}"' in text:
            after = next((h for h, x in rules[index + 1 :] if f'comment "{comment}"' not in x), None)
            deleted.append({"text": re.sub(r"counter packets \d+ bytes \d+", "counter", text), "before": after})
            run(lab, node, ["nft", "delete", "rule", *NFT_TABLE, chain, "handle", str(handle)], "deleting a rule")
    if not deleted:
        raise OfficeLabError(f"{node}: no rule {comment!r} in the live {chain} chain (changed by hand?): fault not injected")
    return {"node": node, "chain": chain, "rules": deleted}


def put_back_rules(lab: Lab, undo: Undo) -> None:
    """Put the rules `delete_rules` deleted back where they were."""
    for rule in undo["rules"]:
        where = (
            ["insert", "rule", *NFT_TABLE, undo["chain"], "position", str(rule["before"])]
            if rule["before"]
            else ["add", "rule", *NFT_TABLE, undo["chain"]]
        )
        run(lab, undo["node"], ["nft", *where, *rule_words(rule["text"])], "putting a rule back")


def rule_words(text: str) -> list[str]:
    """A rule's text as nft's arguments (a comment's words stay one argument)."""
    head, sep, comment = text.partition(' comment "')
    return [*head.split(), *(["comment", f'"{comment}'] if sep else [])]


def edit_file(lab: Lab, node: str, relative: str, old: str, new: str, count: int = 1) -> Undo:
    """Replace ``old`` by ``new`` in a file of the node's directory (its configuration): refused when ``old`` is
    not there (the lab was changed by hand), so a fault never silently does nothing."""
    path = lab.dir.node_dir(node) / relative
    text = path.read_text()
    if old not in text:
        raise OfficeLabError(f"{node}: {relative} does not hold {old.strip()!r} any more (changed by hand?): fault not injected")
    path.write_text(text.replace(old, new, count))
    return {"node": node, "file": relative, "old": old, "new": new}


def restore_file(lab: Lab, undo: Undo) -> None:
    """Put back what `edit_file` replaced, leaving the rest of the file as it is now."""
    path = lab.dir.node_dir(undo["node"]) / undo["file"]
    text = path.read_text()
    if undo["new"] in text:
        path.write_text(text.replace(undo["new"], undo["old"], 1))
    elif undo["new"] != "" or undo["old"] not in text:
        raise OfficeLabError(f"{undo['node']}: {undo['file']} was changed since the fault: put back {undo['old'].strip()!r} by hand")


def start(lab: Lab, daemon: str) -> None:
    """Start a stopped daemon again and wait until it is ready (its port listening…), not only running."""
    lab.start_daemon(daemon)
    plan = lab.plan()
    lab.wait_daemons_ready(plan, [d for d in plan.daemons if d.key == daemon])


def restart(lab: Lab, daemon: str) -> None:
    """Stop a daemon and start it again (a configuration it reads only at start), waiting until it is ready."""
    lab.stop_daemon(daemon)
    start(lab, daemon)


def reload(lab: Lab, daemon: str) -> None:
    """SIGHUP: the daemon reads its configuration again (dnsmasq its hosts files, mosquitto its ACLs)."""
    lab.control("signal", [daemon], signal="HUP")


class DaemonStopped(Fault):
    """A daemon stopped, and kept stopped: the supervisor restarts a daemon that crashed, never one a fault
    stopped. A domain's type names which daemon of the site (`target`) and what stops working with it."""

    daemon_name: ClassVar[str] = ""

    @classmethod
    def target(cls, site: Site) -> str | None:
        """``node/daemon`` of the site's daemon this type stops, or None when the site has none."""
        raise NotImplementedError

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls()] if cls.target(site) else []

    def problems(self, site: Site) -> list[str]:
        return [] if self.target(site) else [f"this site has no {self.daemon_name}"]

    def daemon(self, site: Site) -> str:
        found = self.target(site)
        assert found is not None
        return found

    def inject(self, lab: Lab) -> Undo:
        name = self.daemon(lab.site())
        state = lab.daemons().get(name, {}).get("state")
        if state not in ("running", "exited"):  # exited: the supervisor is about to start it again
            raise OfficeLabError(f"{name} is {state or 'unknown'}: nothing to stop")
        lab.stop_daemon(name)
        return {"daemon": name}

    def clear(self, lab: Lab, undo: Undo) -> None:
        start(lab, undo["daemon"])

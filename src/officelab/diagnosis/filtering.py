"""The firewall's part of a diagnosis walk: what the site's policy decides for the flow (naming the rule or the
default policy), whether that rule, the NAT and the port forward are in the firewall's running configuration."""

from __future__ import annotations

import re
from ipaddress import IPv4Address

from officelab.diagnosis.steps import Steps
from officelab.domains.firewall.facts import Flow, decision, nat_address, uplink_zone, zone_of, zone_of_address
from officelab.domains.firewall.model import Action
from officelab.probes import Layer


class Filtering(Steps):
    def firewall(self, address: IPv4Address | None, proto: str = "", port: int | None = None) -> tuple[str, str] | None:
        """What the design's policy decides for this flow (the target's, or ``proto``/``port`` to ``address``): (the
        firewall node, what decides it), or None when no firewall is crossed."""
        router = next((n for n in self.site.nodes if n.services.firewall is not None), None)
        t = self.target
        proto, port = (proto, port) if proto else (t.proto, t.port)
        if router is None or router.services.firewall is None or address is None:
            return None
        fw = router.services.firewall
        src = zone_of(self.topo, router, fw, self.source, self.ifname)
        dst = zone_of_address(self.topo, router, fw, address)
        if src is None or dst is None or src == dst:
            return None
        action, rule = decision(fw, Flow(src, dst, proto, port, address))
        allowed = action is Action.ACCEPT
        what = f"{src} → {dst} {proto}{f'/{port}' if port else ''}"
        self.step(Layer.TRANSPORT, f"politique du pare-feu ({what})", f"firewall policy ({what})", allowed, f"{rule}: {action.value}")
        if not allowed:
            self.conclude(
                f"la politique du site interdit ce flux ({what}, {rule}) : ce n'est pas une panne, c'est la conception",
                f"the site's policy forbids this flow ({what}, {rule}): not a fault, the design",
                f"{router.name}: {rule}",
                "si le besoin est réel, faire évoluer la politique (règle à ajouter, validée)",
                "if the need is real, change the policy (a rule to add, approved)",
                "TRI-CP4",
            )
        return router.name, rule

    def outside(self, address: IPv4Address) -> bool:
        """Is the address beyond the router's uplink (the emulated internet)?"""
        router = next((n for n in self.site.nodes if n.services.firewall is not None), None)
        if router is None or router.services.firewall is None:
            return False
        fw = router.services.firewall
        return zone_of_address(self.topo, router, fw, address) == uplink_zone(router, fw)

    def live_rule(self, decided: tuple[str, str]) -> None:
        """The rule the design's decision names is in the firewall's running ruleset (conclude if it is not)."""
        node, rule = decided
        present = rule == "default" or any(f'comment "{rule}"' in line for line in self.live_rules(node))
        seen = "in the live ruleset" if present else "missing from the live ruleset"
        self.step(Layer.TRANSPORT, f"règle « {rule} » sur {node}", f"rule '{rule}' on {node}", present, seen)
        if not present:
            self.conclude(
                f"la règle « {rule} » du pare-feu {node}, qui autorise ce flux, manque dans sa configuration active",
                f"firewall {node}'s rule '{rule}', which allows this flow, is missing from its running configuration",
                f"{node}: {rule}",
                f"rétablir la règle « {rule} » (nft) et l'enregistrer",
                f"put rule '{rule}' back (nft) and save it",
                "TRI-CP4",
            )

    def port_forward(self, address: IPv4Address | None) -> None:
        """Towards the site's public address: is the port forward the design has for this port in the live ruleset?"""
        t = self.target
        router = next((n for n in self.site.nodes if n.services.firewall is not None), None)
        if router is None or router.services.firewall is None or address is None or address != nat_address(self.site):
            return
        forward = next((f for f in router.services.firewall.nat.forwards if f.proto == t.proto and f.port == t.port), None)
        if forward is None:
            return
        live = [line for line in self.live_rules(router.name, "prerouting") if f'comment "forward {forward.name}"' in line]
        present = bool(live)
        sent_to = sorted({m for line in live for m in re.findall(r"dnat ip to ([0-9.]+)", line)})
        right = not sent_to or sent_to == [str(forward.to)]
        seen = f"{t.proto}/{t.port} → {', '.join(sent_to) or forward.to}" + ("" if right else f"; the design says {forward.to}")
        self.step(Layer.NETWORK, f"redirection {forward.name}", f"port forward {forward.name}", present and right, seen)
        if not present:
            self.conclude(
                f"la redirection {forward.name} ({t.proto}/{t.port} → {forward.to}) manque dans la configuration active de {router.name}",
                f"port forward {forward.name} ({t.proto}/{t.port} → {forward.to}) is missing from {router.name}'s running configuration",
                f"{router.name}: forward {forward.name}",
                f"rétablir la redirection {forward.name}",
                f"put port forward {forward.name} back",
                "TRI-CP4",
            )
        if not right:
            self.conclude(
                f"la redirection {forward.name} de {router.name} envoie vers {', '.join(sent_to)} au lieu de {forward.to}",
                f"port forward {forward.name} on {router.name} sends to {', '.join(sent_to)} instead of {forward.to}",
                f"{router.name}: forward {forward.name} → {', '.join(sent_to)}",
                f"corriger la destination de la redirection {forward.name} ({forward.to})",
                f"correct the destination of port forward {forward.name} ({forward.to})",
                "TRI-CP4",
            )

    def live_rules(self, node: str, chain: str = "forward") -> list[str]:
        listing = self.lab.run(node, ["nft", "list", "chain", "inet", "officelab", chain], timeout=10)
        return listing.stdout.splitlines()

"""The command lines' part of the recette: each managed switch answers on its CLI, runs the design, and saved it.

The configuration is read the way a technician or a backup tool reads it, over SSH (``show running-config``),
so a check passes on what the switch really runs, whatever changed it.
"""

from __future__ import annotations

from officelab.domains.network.checks import host_vantages
from officelab.domains.switchcli.facts import design, login, managed
from officelab.domains.switchcli.model import SshCliProbe, SwitchConfigProbe
from officelab.recette.context import Derivation


def derive(ctx: Derivation) -> None:
    for switch in ctx.site.nodes:
        if switch.kind.bridges and switch.management is not None and switch.cli is None:
            ctx.not_built(
                f"cli:{switch.name}",
                f"{switch.name} : ligne de commande en SSH",
                f"{switch.name}: command line over SSH",
                "the site gives it no `cli:` section (accounts, enable secret): add one to configure it over SSH",
                "infrastructure",
            )
    for switch in managed(ctx.site):
        assert switch.management is not None
        vid = ctx.topo.vlan_id(switch.management.vlan)
        admins = [hp for hp in ctx.hosts if hp.vlan is not None and hp.vlan.id == vid and hp.gateway is not None]
        address = str(switch.management.address.ip)
        user, password = login(switch)
        if not admins:
            ctx.not_built(
                f"cli:{switch.name}",
                f"{switch.name} : ligne de commande en SSH",
                f"{switch.name}: command line over SSH",
                f"no host of VLAN {vid} (its management VLAN) to log in from",
                "infrastructure",
            )
            continue
        on = host_vantages(ctx, admins)
        ctx.check(
            f"cli:{switch.name}",
            f"{switch.name} : ligne de commande en SSH sur {address}",
            f"{switch.name}: command line over SSH on {address}",
            on=on,
            probe=SshCliProbe(target=address, hostname=switch.name, username=user, password=password),
            criteria=("TAI-CP5-C1", "TAI-CP5-C3"),
            depends=(f"mgmt:{switch.name}",),
            group="infrastructure",
        )
        ports, vlans = design(ctx.site, switch)
        common = {"target": address, "hostname": switch.name, "username": user, "password": password}
        ctx.check(
            f"conf:{switch.name}",
            f"La configuration de {switch.name} est conforme au schéma (VLAN par port, trunks, ports désactivés)",
            f"{switch.name}'s configuration matches the design (VLAN per port, trunks, shut ports)",
            on=on,
            probe=SwitchConfigProbe(**common, ports=ports, vlans=vlans),
            criteria=("TRI-CP3-C4", "TAI-CP5-C2"),
            depends=(f"cli:{switch.name}",),
            group="infrastructure",
        )
        ctx.check(
            f"saved:{switch.name}",
            f"La configuration de {switch.name} est enregistrée (startup-config = running-config)",
            f"{switch.name}'s configuration is saved (startup-config = running-config)",
            on=on,
            probe=SwitchConfigProbe(**common, saved=True),
            criteria=("TRI-CP3-C4",),
            depends=(f"cli:{switch.name}",),
            group="infrastructure",
        )

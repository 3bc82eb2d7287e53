"""`officelab box page`: the box's admin page in this machine's browser, as seen from a LAN device."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from officelab.cli.output import DEFAULT_LAB, LabOption, fail, out
from officelab.domains.box.facts import ADMIN_PORT, boxes
from officelab.runtime.kernel import require_root
from officelab.runtime.lab import Lab
from officelab.runtime.relay import Relay
from officelab.site.topology import Topology


def register(app: typer.Typer) -> None:
    app.add_typer(box_app, name="box")


box_app = typer.Typer(help="The internet box's admin page.", no_args_is_help=True)


@box_app.command("page")
def page(
    lab: LabOption = DEFAULT_LAB,
    from_: Annotated[
        str | None, typer.Option("--from", help="The LAN device the browser sits on (default: the first DHCP client).")
    ] = None,
    port: Annotated[int, typer.Option(help="The loopback port to open (0: a free one).")] = 8080,
) -> None:
    """Open the box's admin page on http://127.0.0.1:PORT/, relayed from a LAN device until Ctrl-C."""
    require_root()
    target = Lab(lab)
    topo = Topology(target.site())
    found = boxes(topo)
    if not found:
        fail(f"the site of lab {lab} has no internet box (`kind: box` with `services: {{box: …}}`)")
    node, _, sides = found[0]
    lan = [hp.node.name for hp in topo.hosts if hp.vlan is not None and hp.vlan.id == sides.vlan.id and not hp.node.kind.routes]
    device = from_ or next((h for h in lan if topo.nodes[h].interfaces[0].dhcp), lan[0] if lan else "")
    if device not in lan:
        fail(f"{device!r} is not a device of {node.name}'s LAN (devices: {', '.join(lan)})", 2)
    with Relay(target.context(device), sides.address, ADMIN_PORT, port) as relay:
        out.print(f"{node.name}'s admin page ({sides.url} from {device}): open {relay.url} — Ctrl-C to stop")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            out.print("relay closed")

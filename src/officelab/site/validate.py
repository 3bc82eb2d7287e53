"""Cross-reference checks of a site: everything the types alone cannot say.

Each check appends `Problem`s with the field path where a person would fix it; the loader turns paths
into line numbers. All problems are collected, none stops the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network

from officelab.errors import Problem
from officelab.site.model import Node, NodeKind, PortMode, Site, VlanRef, split_endpoint
from officelab.site.telephony import Trunk
from officelab.site.topology import Topology
from officelab.site.zones import nat_address

RESERVED_PORT_NAMES = {"br0", "mgmt", "mgmt-p", "lo"}


class _Checker:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.topo = Topology(site)
        self.problems: list[Problem] = []

    def add(self, path: tuple[str | int, ...], message: str, hint: str = "") -> None:
        self.problems.append(Problem(path=path, message=message, hint=hint))

    def vlan_ref(self, ref: VlanRef | None, path: tuple[str | int, ...]) -> None:
        if ref is not None and self.topo.vlan(ref) is None:
            known = ", ".join(f"{v.id} ({v.name})" for v in self.site.vlans) or "none declared"
            self.add(path, f"unknown VLAN {ref!r}", f"declared VLANs: {known}")

    def duplicates(self, values: Iterable[tuple[object, tuple[str | int, ...]]], what: str) -> None:
        items = list(values)
        counts = Counter(v for v, _ in items)
        seen: set[object] = set()
        for value, path in items:
            if counts[value] > 1:
                if value in seen:
                    self.add(path, f"duplicate {what} {value}", f"each {what} must be unique in the site")
                seen.add(value)

    # ------------------------------------------------------------------ checks
    def run(self) -> list[Problem]:
        self.check_vlans()
        self.check_nodes()
        self.check_links()
        self.check_addressing()
        self.check_dhcp()
        self.check_firewall()
        self.check_checks()
        self.check_directory()
        self.check_data_services()
        self.check_automation()
        self.check_video()
        self.check_telephony()
        return self.problems

    def check_telephony(self) -> None:
        t = self.site.telephony
        if t is None:
            return
        pbx = self.topo.nodes.get(t.pbx)
        if pbx is None or not any(i.address for i in pbx.interfaces):
            self.add(("telephony", "pbx"), f"{t.pbx!r} is not a node with a static address", "the PBX is a server with a fixed address")
        numbers = {e.number for e in t.extensions}
        dialable = numbers | {g.number for g in t.ring_groups}
        known = ", ".join(sorted(dialable))
        for k, ext in enumerate(t.extensions):
            if ext.phone is not None:
                node = self.topo.nodes.get(ext.phone)
                if node is None or node.kind is not NodeKind.PHONE:
                    self.add(
                        ("telephony", "extensions", k, "phone"), f"{ext.phone!r} is not a phone of the site", "name a node of kind phone"
                    )
            for key in ("forward", "forward_busy", "forward_no_answer"):
                target = getattr(ext, key)
                if target is not None and target not in dialable:
                    self.add(("telephony", "extensions", k, key), f"no extension or ring group {target}", f"numbers: {known}")
            if ext.answer == "manual" and ext.phone is None:
                self.add(
                    ("telephony", "extensions", k, "answer"), "only a lab phone has an answer mode", "give it a `phone:` or remove `answer`"
                )
        self.duplicates(
            [(e.number, ("telephony", "extensions", k, "number")) for k, e in enumerate(t.extensions)]
            + [(g.number, ("telephony", "ring_groups", k, "number")) for k, g in enumerate(t.ring_groups)],
            "number",
        )
        for k, group in enumerate(t.ring_groups):
            for m, member in enumerate(group.members):
                if member not in numbers:
                    self.add(
                        ("telephony", "ring_groups", k, "members", m), f"no extension {member}", f"extensions: {', '.join(sorted(numbers))}"
                    )
        if t.trunk is not None:
            self.check_trunk(t.trunk, dialable, known)

    def check_trunk(self, trunk: Trunk, dialable: set[str], known: str) -> None:
        base: tuple[str | int, ...] = ("telephony", "trunk")
        operator = self.topo.nodes.get(trunk.operator)
        if operator is None or not operator.kind.on_internet or not any(i.address for i in operator.interfaces):
            self.add(
                (*base, "operator"),
                f"{trunk.operator!r} is not a node of the emulated internet with a fixed address",
                "name a public-server node (kind: public-server) for the operator",
            )
        if not trunk.public_address and nat_address(self.site) is None:
            self.add(
                (*base, "public_address"), "no router masquerades the site's traffic", "set `public_address:` to the PBX's public address"
            )
        self.duplicates(((d.number, (*base, "numbers", k, "number")) for k, d in enumerate(trunk.numbers)), "public number")
        self.duplicates(((s.number, (*base, "subscribers", k, "number")) for k, s in enumerate(trunk.subscribers)), "subscriber")
        for k, did in enumerate(trunk.numbers):
            if did.to not in dialable:
                self.add((*base, "numbers", k, "to"), f"no extension or ring group {did.to}", f"numbers: {known}")
        for k, sub in enumerate(trunk.subscribers):
            if sub.number in {d.number for d in trunk.numbers}:
                self.add(
                    (*base, "subscribers", k, "number"),
                    f"{sub.number} is one of the site's own numbers",
                    "give the subscriber another number",
                )
        internal = [e.number for e in self.site.telephony.extensions] if self.site.telephony else []
        for number in internal:
            if number.startswith(trunk.prefix):
                self.add(
                    (*base, "prefix"),
                    f"extension {number} starts with the external prefix {trunk.prefix}",
                    "choose a prefix no internal number starts with (usually 0)",
                )
                break

    def check_video(self) -> None:
        v = self.site.video
        if v is None:
            return
        recorder = self.topo.nodes.get(v.recorder)
        if recorder is None or recorder.kind is not NodeKind.SERVER:
            self.add(("video", "recorder"), f"{v.recorder!r} is not a server of the site", "the recorder (NVR) is a server node")
        self.duplicates(((c.node, ("video", "cameras", k, "node")) for k, c in enumerate(v.cameras)), "camera")
        for k, camera in enumerate(v.cameras):
            node = self.topo.nodes.get(camera.node)
            if node is None or node.kind is not NodeKind.CAMERA:
                self.add(("video", "cameras", k, "node"), f"{camera.node!r} is not a camera of the site", "name a node of kind camera")
            elif not any(i.address or i.reserve for i in node.interfaces):
                self.add(("video", "cameras", k, "node"), f"camera {camera.node} has no fixed address", "give it a DHCP `reserve`")

    def check_automation(self) -> None:
        a = self.site.automation
        if a is None:
            return
        base: tuple[str | int, ...] = ("automation",)
        for key in ("broker", "controller"):
            name = getattr(a, key)
            node = self.topo.nodes.get(name)
            if node is None:
                self.add((*base, key), f"unknown node {name!r}", "name a node of the site")
            elif key == "broker" and not any(i.address for i in node.interfaces):
                self.add((*base, key), f"the broker {name} needs a static address", "devices connect to it by address")
        self.duplicates(((d.name, (*base, "devices", k, "name")) for k, d in enumerate(a.devices)), "device")
        names = {d.name: d for d in a.devices}
        for k, device in enumerate(a.devices):
            node = self.topo.nodes.get(device.node)
            if node is None:
                self.add((*base, "devices", k, "node"), f"unknown node {device.node!r}", "the device runs on a node of kind iot")
            elif node.kind not in (NodeKind.IOT, NodeKind.CAMERA):
                self.add((*base, "devices", k, "node"), f"{device.node} is a {node.kind}, not a connected object", "use a node of kind iot")
        for k, rule in enumerate(a.rules):
            for part in ("when", "then"):
                device = getattr(rule, part).device
                if device not in names:
                    self.add(
                        (*base, "rules", k, part, "device"), f"unknown device {device!r}", f"devices: {', '.join(sorted(names)) or 'none'}"
                    )

    def node_index(self, name: str) -> int:
        return next(i for i, n in enumerate(self.site.nodes) if n.name == name)

    def check_directory(self) -> None:
        d = self.site.directory
        if d is None:
            return
        base: tuple[str | int, ...] = ("directory",)
        dc = self.topo.nodes.get(d.controller)
        if dc is None:
            self.add((*base, "controller"), f"unknown node {d.controller!r}", "name the server that runs the domain controller")
        elif dc.kind is not NodeKind.SERVER or not any(i.address for i in dc.interfaces):
            self.add((*base, "controller"), f"{d.controller} must be a server with a static address", "give it `address:` on eth0")
        if d.domain == self.site.site.domain:
            self.add(
                (*base, "domain"),
                f"the AD domain must differ from the site's DNS domain {d.domain}",
                f"use a sub-domain such as ad.{d.domain}",
            )
        self.duplicates(((g.name.lower(), (*base, "groups", k, "name")) for k, g in enumerate(d.groups)), "group")
        self.duplicates(((u.login, (*base, "users", k, "login")) for k, u in enumerate(d.users)), "login")
        groups = {g.name for g in d.groups}
        for k, user in enumerate(d.users):
            for m, group in enumerate(user.groups):
                if group not in groups:
                    self.add((*base, "users", k, "groups", m), f"unknown group {group!r}", f"groups: {', '.join(sorted(groups)) or 'none'}")
            if user.ou is not None and user.ou not in d.ous:
                self.add((*base, "users", k, "ou"), f"unknown OU {user.ou!r}", f"OUs: {', '.join(d.ous) or 'none'}")
            if len(user.password) < d.password_policy.min_length:
                self.add(
                    (*base, "users", k, "password"),
                    f"shorter than the password policy's {d.password_policy.min_length} characters",
                    "use a longer password or lower `password_policy.min_length`",
                )
        for k, name in enumerate(d.computers):
            node = self.topo.nodes.get(name)
            if node is None:
                self.add((*base, "computers", k), f"unknown node {name!r}", "list nodes to join to the domain")
            elif node.kind not in (NodeKind.SERVER, NodeKind.WORKSTATION, NodeKind.LAPTOP):
                self.add((*base, "computers", k), f"a {node.kind} cannot join a domain", "join servers, workstations and laptops")
            elif name == d.controller:
                self.add((*base, "computers", k), "the controller is not joined to its own domain", "remove it from `computers`")

    def check_data_services(self) -> None:
        d = self.site.directory
        groups = {g.name for g in d.groups} if d else set()
        for i, node in enumerate(self.site.nodes):
            base: tuple[str | int, ...] = ("nodes", i, "services")
            needs_domain = node.services.files is not None or node.services.print is not None
            if needs_domain and (d is None or node.name not in d.computers):
                self.add(
                    base,
                    f"{node.name} serves shares or queues with AD rights but is not a domain member",
                    "add a `directory:` section and list this node in `directory.computers`",
                )
            if node.services.files is not None:
                shares = node.services.files.shares
                self.duplicates(((s.name, (*base, "files", "shares", k, "name")) for k, s in enumerate(shares)), "share")
                for k, share in enumerate(node.services.files.shares):
                    for group in share.rights:
                        if group not in groups:
                            self.add(
                                (*base, "files", "shares", k, "rights", group),
                                f"unknown group {group!r}",
                                f"groups of the directory: {', '.join(sorted(groups)) or 'none'}",
                            )
            if node.services.print is not None:
                for k, queue in enumerate(node.services.print.queues):
                    printer = self.topo.nodes.get(queue.printer)
                    if printer is None or printer.services.printer is None:
                        self.add(
                            (*base, "print", "queues", k, "printer"),
                            f"{queue.printer!r} is not a printer of the site",
                            "name a node of kind printer with `services: {printer: {}}`",
                        )
                    elif not any(i.address or i.reserve for i in printer.interfaces):
                        self.add(
                            (*base, "print", "queues", k, "printer"),
                            f"printer {queue.printer} has no fixed address",
                            "give it a static address or a DHCP `reserve`",
                        )
                    for m, group in enumerate(queue.groups):
                        if group not in groups:
                            self.add((*base, "print", "queues", k, "groups", m), f"unknown group {group!r}", "")
        for k, job in enumerate(self.site.backups):
            path: tuple[str | int, ...] = ("backups", k)
            source = self.topo.nodes.get(job.source)
            if source is None or source.services.files is None:
                self.add((*path, "source"), f"{job.source!r} is not a file server of the site", "name a node with `services: {files: …}`")
            else:
                names = {s.name for s in source.services.files.shares}
                for m, wanted in enumerate(job.shares):
                    if wanted not in names:
                        self.add((*path, "shares", m), f"{job.source} has no share {wanted!r}", f"its shares: {', '.join(sorted(names))}")
            target = self.topo.nodes.get(job.target)
            if target is None or target.kind is not NodeKind.SERVER or not any(i.address for i in target.interfaces):
                self.add((*path, "target"), f"{job.target!r} must be a server with a static address", "name the backup server (NAS)")

    def check_checks(self) -> None:
        """The site's own checks: a known node, known criteria, known dependencies."""
        if not self.site.checks:
            return
        from officelab.criteria import catalogue
        from officelab.recette.derive import derive_suite

        known = catalogue().criteria
        ids = {c.id for c in derive_suite(self.site)}
        for i, check in enumerate(self.site.checks):
            if check.from_ not in self.topo.nodes:
                self.add(("checks", i, "from"), f"unknown node {check.from_!r}", "the node the probe runs on, from `nodes:`")
            for k, criterion in enumerate(check.criteria):
                if criterion not in known:
                    self.add(("checks", i, "criteria", k), f"unknown criterion {criterion!r}", "see `officelab criteria` for the IDs")
            for k, dep in enumerate(check.depends):
                if dep not in ids or dep == check.id:
                    self.add(("checks", i, "depends", k), f"unknown check {dep!r}", "see `officelab check --list` for the check ids")

    def check_vlans(self) -> None:
        vlans = self.site.vlans
        self.duplicates(((v.id, ("vlans", i, "id")) for i, v in enumerate(vlans)), "VLAN id")
        self.duplicates(((v.name, ("vlans", i, "name")) for i, v in enumerate(vlans)), "VLAN name")
        for i, vlan in enumerate(vlans):
            net = vlan.subnet
            if vlan.gateway is not None and not _usable(vlan.gateway, net):
                self.add(
                    ("vlans", i, "gateway"),
                    f"gateway {vlan.gateway} is not a usable address of {net}",
                    f"pick a host address of {net}, usually the first: {next(net.hosts(), net.network_address)}",
                )
            for other in vlans[:i]:
                if net.overlaps(other.subnet):
                    self.add(
                        ("vlans", i, "subnet"), f"subnet {net} overlaps VLAN {other.id} ({other.subnet})", "each VLAN needs its own subnet"
                    )

    def check_nodes(self) -> None:
        self.duplicates(((n.name, ("nodes", i, "name")) for i, n in enumerate(self.site.nodes)), "node name")
        for i, node in enumerate(self.site.nodes):
            base: tuple[str | int, ...] = ("nodes", i)
            self.duplicates(
                ((f.name, (*base, "interfaces", j, "name")) for j, f in enumerate(node.interfaces)), f"interface name on {node.name}:"
            )
            ports = [(name, (*base, "ports", j, "name")) for j, p in enumerate(node.ports) for name in p.names()]
            self.duplicates(ports, f"port on {node.name}:")
            for j, port in enumerate(node.ports):
                path = (*base, "ports", j)
                if set(port.names()) & RESERVED_PORT_NAMES:
                    self.add(
                        (*path, "name"),
                        f"{port.name} is a name OfficeLab uses inside switches",
                        f"avoid {', '.join(sorted(RESERVED_PORT_NAMES))}",
                    )
                self.vlan_ref(port.vlan, (*path, "vlan"))
                self.vlan_ref(port.native, (*path, "native"))
                for k, ref in enumerate(port.vlans):
                    self.vlan_ref(ref, (*path, "vlans", k))
            if node.management is not None:
                self.vlan_ref(node.management.vlan, (*base, "management", "vlan"))
            for j, iface in enumerate(node.interfaces):
                path = (*base, "interfaces", j)
                for k, ref in enumerate(iface.vlans):
                    self.vlan_ref(ref, (*path, "vlans", k))
                    vlan = self.topo.vlan(ref)
                    if vlan is not None and vlan.gateway is None:
                        self.add(
                            (*path, "vlans", k),
                            f"VLAN {vlan.id} ({vlan.name}) has no gateway for this sub-interface",
                            f"set `gateway:` on VLAN {vlan.name}",
                        )
                if iface.vlans and len(iface.name) > 10:
                    self.add(
                        (*path, "name"),
                        f"{iface.name} is too long for sub-interfaces ({iface.name}.4094 > 15 characters)",
                        "use at most 10 characters for a trunk interface name",
                    )
                if iface.gateway is not None and iface.address is not None and iface.gateway not in iface.address.network:
                    self.add(
                        (*path, "gateway"),
                        f"gateway {iface.gateway} is not on {iface.address.network}",
                        "the gateway must be in the interface's own subnet",
                    )
            if node.kind.bridges and not node.ports:
                self.add(
                    (*base, "ports"), f"switch {node.name} declares no ports", "add `ports:`, e.g. `- {name: 'ge[1-24]', vlan: users}`"
                )
            if not node.kind.bridges and not node.interfaces:
                self.add(
                    (*base, "interfaces"),
                    f"{node.kind} {node.name} has no interface",
                    "add `interfaces: [{name: eth0, dhcp: true}]` or a static address",
                )
        gateways = [(n.name, j, f.gateway) for n in self.site.nodes for j, f in enumerate(n.interfaces) if f.gateway]
        for name, _, _ in gateways:
            count = sum(1 for g in gateways if g[0] == name)
            if count > 1:
                i = next(k for k, n in enumerate(self.site.nodes) if n.name == name)
                self.add(("nodes", i, "interfaces"), f"{name} has {count} default gateways", "keep `gateway:` on one interface only")
                break

    def check_links(self) -> None:
        used: dict[str, int] = {}
        for i, link in enumerate(self.site.links):
            ends = []
            for side in ("a", "b"):
                endpoint = getattr(link, side)
                node_name, port = split_endpoint(endpoint)
                path = ("links", i, 0 if side == "a" else 1)
                node = self.topo.nodes.get(node_name)
                if node is None:
                    self.add(path, f"link to unknown node {node_name!r}", "check the node's name under `nodes:`")
                    continue
                if not self.topo.has_port(node_name, port):
                    have = list(self.topo.switch_ports.get(node_name, {})) if node.kind.bridges else [f.name for f in node.interfaces]
                    shown = ", ".join(have[:8]) + (" …" if len(have) > 8 else "")
                    self.add(path, f"{node_name} has no port {port!r}", f"its ports: {shown or 'none'}")
                    continue
                if endpoint in used:
                    self.add(path, f"{endpoint} is already cabled (link {used[endpoint]})", "a port takes one cable")
                used[endpoint] = i
                ends.append((node, port))
            if len(ends) == 2 and ends[0][0].name == ends[1][0].name:
                self.add(("links", i), f"link loops back to {ends[0][0].name}", "connect two different nodes")
            elif len(ends) == 2:
                self.check_link_modes(i, ends[0], ends[1])

    def check_link_modes(self, i: int, a: tuple[Node, str], b: tuple[Node, str]) -> None:
        topo = self.topo
        ports = [topo.switch_ports[n.name][p] if n.kind.bridges else None for n, p in (a, b)]
        ifaces = [topo.interface(n.name, p) if not n.kind.bridges else None for n, p in (a, b)]
        for k in (0, 1):
            other = 1 - k
            iface, port = ifaces[k], ports[other]
            if iface is not None and iface.vlans:
                if port is None or port.mode is not PortMode.TRUNK:
                    self.add(
                        ("links", i, k),
                        f"{a[0].name if k == 0 else b[0].name}:{iface.name} has VLAN sub-interfaces but is not cabled to a trunk port",
                        "cable it to a switch port with `mode: trunk`",
                    )
                    continue
                carried = {topo.vlan_id(r) for r in port.vlans}
                for ref in iface.vlans:
                    vid = topo.vlan_id(ref)
                    if vid is not None and vid not in carried:
                        self.add(
                            ("links", i, other),
                            f"the trunk does not carry VLAN {vid} of {iface.name}.{vid}",
                            f"add {vid} to the trunk's `vlans`",
                        )
            elif iface is not None and port is not None and port.mode is PortMode.TRUNK and port.native is None:
                self.add(
                    ("links", i, other),
                    "a host interface is cabled to a trunk port with no native VLAN",
                    "make the port `mode: access` with a `vlan`, or give the trunk a `native` VLAN",
                )
        p, q = ports
        if p is not None and q is not None:
            if p.mode != q.mode:
                self.add(
                    ("links", i),
                    f"switch-to-switch link joins a {p.mode} port and a {q.mode} port",
                    "both ends of an inter-switch link must be trunks (or both access)",
                )
            elif p.mode is PortMode.TRUNK:
                pv = {topo.vlan_id(r) for r in p.vlans}
                qv = {topo.vlan_id(r) for r in q.vlans}
                if pv != qv:
                    self.add(
                        ("links", i),
                        f"trunk mismatch: VLANs {sorted(v for v in pv ^ qv if v is not None)} are allowed on one end only",
                        "allow the same VLANs on both ends of the trunk",
                    )
                if topo.vlan_id(p.native) != topo.vlan_id(q.native):
                    self.add(("links", i), "native VLAN mismatch between the two ends of the trunk", "set the same `native` on both ends")
            elif topo.vlan_id(p.vlan) != topo.vlan_id(q.vlan):
                self.add(
                    ("links", i),
                    "the two access ports are in different VLANs (VLAN hopping by cable)",
                    "put both ports in the same VLAN or use a trunk",
                )

    def check_addressing(self) -> None:
        topo = self.topo
        addresses: list[tuple[object, tuple[str | int, ...]]] = []
        macs: list[tuple[object, tuple[str | int, ...]]] = []
        for i, node in enumerate(self.site.nodes):
            for name, iface, vid in topo.l3_interfaces(node):
                j = node.interfaces.index(iface)
                path: tuple[str | int, ...] = ("nodes", i, "interfaces", j)
                macs.append((topo.mac(node.name, name), (*path, "mac")))
                if vid is not None:
                    vlan = topo.vlan(vid)
                    if vlan is not None and vlan.gateway is not None:
                        addresses.append((vlan.gateway, ("vlans", self.site.vlans.index(vlan), "gateway")))
                    continue
                vlan = topo.vlan_of(node.name, name)
                if iface.address is not None:
                    addresses.append((iface.address.ip, (*path, "address")))
                    if vlan is not None and iface.address.network != vlan.subnet:
                        self.add(
                            (*path, "address"),
                            f"{iface.address} is not in VLAN {vlan.id} ({vlan.name}) {vlan.subnet}, where {node.name}:{name} is plugged",
                            f"use an address of {vlan.subnet} with /{vlan.subnet.prefixlen}, or move the port to the right VLAN",
                        )
                    if vlan is not None and iface.gateway is not None and vlan.gateway and iface.gateway != vlan.gateway:
                        self.add(
                            (*path, "gateway"),
                            f"gateway {iface.gateway} is not VLAN {vlan.name}'s gateway {vlan.gateway}",
                            f"use {vlan.gateway}",
                        )
                self.check_gateway_reachable(node, name, iface.gateway if iface.address else None, iface.dhcp, path)
                if iface.dhcp:
                    segment = topo.segment_of(node.name, name)
                    if segment is None:
                        self.add((*path, "dhcp"), f"{node.name}:{name} asks for DHCP but is not cabled", "add a link to this interface")
                    elif vlan is None or vlan.dhcp is None:
                        where = f"VLAN {vlan.id} ({vlan.name})" if vlan else "its segment"
                        self.add(
                            (*path, "dhcp"),
                            f"{node.name}:{name} asks for DHCP but {where} has no DHCP scope",
                            "add `dhcp:` to the VLAN or give the interface a static address",
                        )
                    elif iface.reserve is not None:
                        if iface.reserve not in vlan.subnet:
                            self.add(
                                (*path, "reserve"),
                                f"reserved address {iface.reserve} is not in {vlan.subnet}",
                                f"reserve an address of VLAN {vlan.name}",
                            )
                        addresses.append((iface.reserve, (*path, "reserve")))
            if node.management is not None:
                mgmt = node.management
                addresses.append((mgmt.address.ip, ("nodes", i, "management", "address")))
                vlan = topo.vlan(mgmt.vlan)
                if vlan is not None and mgmt.address.network != vlan.subnet:
                    self.add(
                        ("nodes", i, "management", "address"),
                        f"{mgmt.address} is not in VLAN {vlan.name} {vlan.subnet}",
                        f"use an address of {vlan.subnet}",
                    )
        for k, vlan in enumerate(self.site.vlans):
            if vlan.dhcp:
                for m, res in enumerate(vlan.dhcp.reservations):
                    addresses.append((res.address, ("vlans", k, "dhcp", "reservations", m, "address")))
        # A gateway appears once per VLAN however many sub-interfaces name it.
        addresses = list({(v, p): None for v, p in addresses})
        seen_gw: set[object] = set()
        unique: list[tuple[object, tuple[str | int, ...]]] = []
        for value, path in addresses:
            if path[0] == "vlans" and path[-1] == "gateway":
                if value in seen_gw:
                    continue
                seen_gw.add(value)
            unique.append((value, path))
        self.duplicates(unique, "address")
        self.duplicates(macs, "MAC address")
        self.check_plain_segments()

    def check_gateway_reachable(
        self, node: Node, ifname: str, gateway: IPv4Address | None, dhcp: bool, path: tuple[str | int, ...]
    ) -> None:
        """A host must share a segment with its gateway (for a DHCP client, the gateway of its VLAN)."""
        segment = self.topo.segment_of(node.name, ifname)
        if segment is None or (gateway is None and not dhcp):
            return
        if dhcp:
            vlan = self.topo.vlan(segment.vlan)
            gateway = vlan.gateway if vlan is not None else None
            if gateway is None:
                return
        for other, other_if in segment.members:
            other_node = self.topo.nodes[other]
            for name, iface, vid in self.topo.l3_interfaces(other_node):
                if name != other_if:
                    continue
                vlan = self.topo.vlan(vid)
                if (vlan is not None and vlan.gateway == gateway) or (iface.address is not None and iface.address.ip == gateway):
                    return
            if other_node.management is not None and other_node.management.address.ip == gateway:
                return
        where = f"VLAN {segment.vlan}" if segment.vlan is not None else "its segment"
        self.add(
            (*path, "dhcp" if dhcp else "gateway"),
            f"{node.name}:{ifname} cannot reach its gateway {gateway}: no interface of {where} has that address",
            "check that every trunk on the way carries the VLAN, and the gateway's port",
        )

    def fixed_addresses(self) -> set[IPv4Address]:
        """Every address that is always the same node's: static addresses and DHCP reservations."""
        fixed = {i.address.ip for n in self.site.nodes for i in n.interfaces if i.address is not None}
        fixed |= {i.reserve for n in self.site.nodes for i in n.interfaces if i.reserve is not None}
        fixed |= {r.address for v in self.site.vlans if v.dhcp for r in v.dhcp.reservations}
        return fixed

    def check_plain_segments(self) -> None:
        """Outside VLANs (a cable, an unmanaged switch), static addresses must share one subnet."""
        for segment in self.topo.segments:
            if segment.vlan is not None:
                continue
            nets: dict[IPv4Network, tuple[str, str]] = {}
            for node_name, ifname in sorted(segment.members):
                iface = self.topo.interface(node_name, ifname)
                if iface is not None and iface.address is not None:
                    nets.setdefault(iface.address.network, (node_name, ifname))
            if len(nets) > 1:
                (n1, a), (n2, b) = list(nets.items())[:2]
                i = next(k for k, n in enumerate(self.site.nodes) if n.name == b[0])
                j = next(k for k, f in enumerate(self.site.nodes[i].interfaces) if f.name == b[1])
                self.add(
                    ("nodes", i, "interfaces", j, "address"),
                    f"{b[0]}:{b[1]} is in {n2} but shares a cable or switch with {a[0]}:{a[1]} in {n1}",
                    "addresses on one segment must be in the same subnet",
                )

    def check_dhcp(self) -> None:
        topo = self.topo
        servers = [n for n in self.site.nodes if n.services.dhcp is not None]
        scopes = [(k, v) for k, v in enumerate(self.site.vlans) if v.dhcp is not None]
        for k, vlan in scopes:
            scope = vlan.dhcp
            assert scope is not None
            path: tuple[str | int, ...] = ("vlans", k, "dhcp")
            for end in ("start", "end"):
                address = getattr(scope, end)
                if not _usable(address, vlan.subnet):
                    self.add(
                        (*path, end), f"{address} is not a usable address of {vlan.subnet}", f"the scope must lie inside {vlan.subnet}"
                    )
            if vlan.gateway is not None and int(scope.start) <= int(vlan.gateway) <= int(scope.end):
                self.add(
                    (*path, "start"),
                    f"the scope {scope.start}–{scope.end} contains the gateway {vlan.gateway}",
                    "start the scope after the static addresses",
                )
            for m, res in enumerate(scope.reservations):
                if res.address not in vlan.subnet:
                    self.add((*path, "reservations", m, "address"), f"{res.address} is not in {vlan.subnet}", "")
            for k2, other in scopes:
                overlap = other.dhcp is not None and int(scope.start) <= int(other.dhcp.end) and int(other.dhcp.start) <= int(scope.end)
                if k2 < k and overlap:
                    self.add(
                        (*path, "start"),
                        f"scope overlaps the scope of VLAN {other.id} ({other.name})",
                        "DHCP scopes must not share addresses",
                    )
            if not servers:
                self.add(
                    path,
                    f"VLAN {vlan.name} has a DHCP scope but no node runs a DHCP server",
                    "add `services: {dhcp: {}}` to the router or a server",
                )
                continue
            served = any(
                topo.vlan_of(s.name, name) is not None and topo.vlan_of(s.name, name) == vlan
                for s in servers
                for name, _, _ in topo.l3_interfaces(s)
            )
            if not served:
                self.add(
                    path,
                    f"no DHCP server has an interface in VLAN {vlan.name}",
                    "run the DHCP server on the router that routes this VLAN (DHCP relay is not supported yet)",
                )

    def check_firewall(self) -> None:
        for i, node in enumerate(self.site.nodes):
            fw = node.services.firewall
            if fw is None:
                continue
            base: tuple[str | int, ...] = ("nodes", i, "services", "firewall")
            names = {n for n, _, _ in self.topo.l3_interfaces(node)}
            owner: dict[str, str] = {}
            for zone, members in fw.zones.items():
                for k, ref in enumerate(members.vlans):
                    vlan = self.topo.vlan(ref)
                    if vlan is None:
                        self.vlan_ref(ref, (*base, "zones", zone, "vlans", k))
                        continue
                    subs = [n for n in names if n.endswith(f".{vlan.id}")]
                    if not subs:
                        self.add(
                            (*base, "zones", zone, "vlans", k),
                            f"{node.name} has no interface in VLAN {vlan.name}",
                            "add the VLAN to the router's trunk interface `vlans`",
                        )
                    for sub in subs:
                        if sub in owner:
                            self.add(
                                (*base, "zones", zone, "vlans", k),
                                f"{sub} is already in zone {owner[sub]}",
                                "an interface belongs to one zone",
                            )
                        owner[sub] = zone
                for k, ifname in enumerate(members.interfaces):
                    if ifname not in names:
                        self.add(
                            (*base, "zones", zone, "interfaces", k),
                            f"{node.name} has no interface {ifname!r}",
                            f"its interfaces: {', '.join(sorted(names))}",
                        )
                    elif ifname in owner:
                        self.add(
                            (*base, "zones", zone, "interfaces", k),
                            f"{ifname} is already in zone {owner[ifname]}",
                            "an interface belongs to one zone",
                        )
                    owner[ifname] = zone
            zones = set(fw.zones)
            hint = f"zones: {', '.join(sorted(zones))}"
            for k, policy in enumerate(fw.policies):
                for key, value in (("from", policy.from_), ("to", policy.to)):
                    if value not in zones:
                        self.add((*base, "policies", k, key), f"unknown zone {value!r}", hint)
            for k, rule in enumerate(fw.rules):
                for key, value in (("from", rule.from_), ("to", rule.to)):
                    if value not in zones:
                        self.add((*base, "rules", k, key), f"unknown zone {value!r}", hint)
                if rule.ports and rule.proto not in ("tcp", "udp"):
                    self.add((*base, "rules", k, "ports"), f"ports need proto tcp or udp, not {rule.proto}", "set `proto: tcp`")
            for k, masq in enumerate(fw.nat.masquerade):
                for key, value in [("out", masq.out), *(("sources", s) for s in masq.sources)]:
                    if value not in zones:
                        self.add((*base, "nat", "masquerade", k, key), f"unknown zone {value!r}", hint)
            for k, fwd in enumerate(fw.nat.forwards):
                if fwd.zone not in zones:
                    self.add((*base, "nat", "forwards", k, "zone"), f"unknown zone {fwd.zone!r}", hint)
                reachable = fwd.to in self.fixed_addresses()
                if not reachable:
                    self.add(
                        (*base, "nat", "forwards", k, "to"), f"no node has address {fwd.to}", "forward to the static address of a server"
                    )


def _usable(address: IPv4Address, net: IPv4Network) -> bool:
    if address not in net:
        return False
    return net.prefixlen >= 31 or address not in (net.network_address, net.broadcast_address)


def validate(site: Site) -> list[Problem]:
    """Every cross-reference problem of a site (an empty list when it is sound)."""
    return _Checker(site).run()

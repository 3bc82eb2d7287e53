"""Active Directory with Samba: the domain controller and its members (file servers, joined workstations).

Provisioning a domain takes ~6 s and each join ~2 s, so the result is cached as a *domain template*: a
tarball (with xattrs and ACLs, which sysvol needs) of the DC's and members' Samba state, keyed on
everything that shapes it (the `directory` section, the DC's and members' names and addresses, the
Samba version). A cache hit restores it in well under a second; members then need no re-join (their
machine secret is in the template and never expires), and their DNS records, made by each member's own
secure update after its join, are only checked at each boot (renewed when a member's address changed).
Configuration files are regenerated at every `up`; state directories hold no absolute path, so a template
serves any lab of the same site.

Samba has compiled-in paths (``/run/samba``, ``/var/log/samba``): each node's programs get a private ``/run``
and the node's ``log/`` as ``/var/log`` (see `officelab.runtime.nodefs`).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from functools import cache
from ipaddress import IPv4Address
from pathlib import Path
from typing import TYPE_CHECKING

from officelab.core.errors import LabError
from officelab.domains.directory.model import Directory, LdapProbe
from officelab.domains.network.facts import dc_address
from officelab.domains.network.model import DnsProbe
from officelab.probes import run_probe
from officelab.runtime.archive import tar
from officelab.runtime.place import NodePlace
from officelab.runtime.plan import DaemonPlan, FilePlan, HookPlan, LabPlan, PortListening, ProbeSucceeds, Readiness, Stage
from officelab.runtime.render import templates
from officelab.runtime.state import home
from officelab.site.model import Node, NodeKind, Site
from officelab.site.topology import Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab, Progress

render = templates(__name__)

JOINABLE = (NodeKind.SERVER, NodeKind.WORKSTATION, NodeKind.LAPTOP)
JOIN_TRIES = 10


def _forwarder(topo: Topology, dc: Node) -> str:
    """The DC forwards what is not in its zone to the site's own DNS (the router), which forwards the rest."""
    for name, _, _ in topo.l3_interfaces(dc):
        segment = topo.segment_of(dc.name, name)
        if segment is None:
            continue
        for node_name, ifname in segment.members:
            node = topo.nodes[node_name]
            if node.services.dns is None or node.kind.on_internet:
                continue
            for sub, iface, vid in topo.l3_interfaces(node):
                if sub == ifname:
                    vlan = topo.vlan(vid)
                    address = vlan.gateway if vlan is not None else (iface.address.ip if iface.address else None)
                    if address is not None:
                        return str(address)
    return ""


def _common_files(plan: LabPlan, node: Node, d: Directory, address: IPv4Address) -> None:
    node_dir = plan.node_dir(node.name)
    plan.files.append(FilePlan(node.name, "krb5.conf", render("krb5.conf.j2", node=node.name, d=d, dc_address=address, dir=node_dir)))
    plan.env.setdefault(node.name, {})["KRB5_CONFIG"] = str(node_dir / "krb5.conf")
    # Samba writes the machine's keys to the system keytab: the node's own, not the host's /etc/krb5.keytab.
    plan.env[node.name]["KRB5_KTNAME"] = f"FILE:{node_dir}/samba/private/krb5.keytab"
    plan.files.append(FilePlan(node.name, "log/samba/.keep", ""))
    plan.files.append(FilePlan(node.name, "run/samba/.keep", ""))


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    d = topo.site.directory
    # Every server, workstation and laptop gets a member configuration, so a learner can join it live
    # (`net ads join`); only `computers` are joined at boot, and only file servers run winbindd and smbd.
    if d is None or (node.name != d.controller and node.kind not in JOINABLE):
        return
    address = dc_address(topo.site)
    node_dir = plan.node_dir(node.name)
    _common_files(plan, node, d, address)
    for sub in ("private", "lock", "state", "cache"):
        plan.files.append(FilePlan(node.name, f"samba/{sub}/", "", mode=0o755))
    # At /etc/samba/smb.conf on the node, so that net, smbclient, wbinfo, samba-tool find it without -s.
    conf = node_dir / "etc" / "samba" / "smb.conf"
    if node.name == d.controller:
        plan.files.append(
            FilePlan(
                node.name,
                "etc/samba/smb.conf",
                render("smb-dc.conf.j2", node=node.name, hostname=node.name, d=d, dir=node_dir, forwarder=_forwarder(topo, node)),
            )
        )
        admin = f"Administrator@{d.domain}"
        ready: list[Readiness] = [
            PortListening("tcp", 389),
            PortListening("tcp", 88),
            PortListening("tcp", 445),
            ProbeSucceeds(LdapProbe(server="127.0.0.1", user=admin, password=d.admin_password), f"an authenticated LDAP bind as {admin}"),
        ]
        plan.daemons.append(
            DaemonPlan("samba", node.name, ["samba", "-s", str(conf), "-F", "--no-process-group"], stage=Stage.SERVERS, ready=ready)
        )
        plan.hooks.append(HookPlan(None, prepare_domain, "domain template ready"))
        plan.hooks.append(HookPlan(Stage.CLIENTS, join_members, "domain members joined"))
        return
    plan.files.append(
        FilePlan(
            node.name,
            "etc/samba/smb.conf",
            render(
                "smb-member.conf.j2", node=node.name, hostname=node.name, d=d, dir=node_dir, file_server=node.services.files is not None
            ),
        )
    )
    plan.files.append(FilePlan(node.name, "etc/nsswitch.conf", render("nsswitch.conf.j2", node=node.name)))


# ---------------------------------------------------------------------------- domain template
@cache
def samba_version() -> str:
    try:
        return subprocess.run(["samba", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except FileNotFoundError:
        raise LabError("Samba is not installed: run `make setup`") from None


def template_key(site: Site) -> str:
    d = site.directory
    assert d is not None
    nodes = {}
    for name in [d.controller, *d.computers]:
        node = site.node(name)
        nodes[name] = [str(i.address) if i.address else (str(i.reserve) if i.reserve else "dhcp") for i in node.interfaces]
    # layout 2: members are registered in the DC's DNS under their AD name (`register_in_dns`), and proved there;
    # a template of layout 1 could lack their records (the join's own DNS update failed without failing the join).
    # layout 3: passwords set through stdin and PASSWD, never on a command line.
    blob = json.dumps({"directory": d.model_dump(mode="json"), "nodes": nodes, "samba": samba_version(), "layout": 3}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def template_path(site: Site) -> Path:
    return home() / "cache" / "samba" / f"{template_key(site)}.tgz"


def _nodes_with_state(site: Site) -> list[str]:
    d = site.directory
    assert d is not None
    return [d.controller, *d.computers]


def prepare_domain(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    """Before any daemon: restore the domain template, or provision the domain (offline) on the DC."""
    site = plan.site
    d = site.directory
    assert d is not None
    template = template_path(site)
    nodes_dir = plan.lab_dir / "nodes"
    if (plan.node_dir(d.controller) / "samba" / "private" / "sam.ldb").exists():
        (plan.node_dir(d.controller) / "samba" / ".from-template").write_text("restored from a lab snapshot")
        progress(f"domain {d.domain} restored from the lab snapshot")
        return
    if template.exists():
        tar(["-xzpf", str(template), "-C", str(nodes_dir)])
        (plan.node_dir(d.controller) / "samba" / ".from-template").write_text(template.name)
        progress(f"domain {d.domain} restored from its template")
        return
    progress(f"provisioning domain {d.domain} (first time for this site: ~10 s, then cached)")
    dc_dir = plan.node_dir(d.controller)
    (dc_dir / "provision.conf").write_text("[global]\n")
    samba_dir = dc_dir / "samba"
    samba_dir.mkdir(parents=True, exist_ok=True)
    _run(
        lab,
        d.controller,
        [
            "samba-tool",
            "domain",
            "provision",
            "-s",
            str(dc_dir / "provision.conf"),
            "--use-rfc2307",
            f"--targetdir={samba_dir}",
            f"--host-ip={dc_address(site)}",
            f"--host-name={d.controller}",
            f"--realm={d.realm}",
            f"--domain={d.netbios}",
            "--server-role=dc",
            "--dns-backend=SAMBA_INTERNAL",
            f"--option=log file = {dc_dir}/log/samba/log.%m",
            "--option=pid directory = /run/samba",
        ],
        "provisioning the domain",
        timeout=120,
    )
    for step, answers in directory_commands(d):
        conf = ["-s", str(dc_dir / "etc" / "samba" / "smb.conf")]
        _run(lab, d.controller, [*step, *conf], f"samba-tool {' '.join(step[1:3])}", input=answers)


def _typed_twice(password: str) -> str:
    """What samba-tool reads when it asks for a new password and its confirmation (no terminal: from stdin)."""
    return f"{password}\n{password}\n"


def directory_commands(d: Directory) -> list[tuple[list[str], str | None]]:
    """samba-tool commands that set the administrator's password and create the site's password policy, OUs,
    groups and users (run offline), each with what it reads on stdin: passwords never go on a command line."""
    policy = d.password_policy
    settings = [
        "samba-tool",
        "domain",
        "passwordsettings",
        "set",
        f"--min-pwd-length={policy.min_length}",
        f"--complexity={'on' if policy.complexity else 'off'}",
        f"--max-pwd-age={policy.max_age_days}",
        f"--history-length={policy.history}",
        "--min-pwd-age=0",
    ]
    # The provisioned administrator's random password is replaced by the site's, before the policy applies.
    commands: list[tuple[list[str], str | None]] = [
        (["samba-tool", "user", "setpassword", "Administrator"], _typed_twice(d.admin_password)),
        (settings, None),
    ]
    commands += [(["samba-tool", "ou", "add", f"OU={ou}"], None) for ou in d.ous]
    commands += [
        (["samba-tool", "group", "add", g.name, *([f"--description={g.description}"] if g.description else [])], None) for g in d.groups
    ]
    for user in d.users:
        given, _, surname = user.name.partition(" ")
        command = ["samba-tool", "user", "add", user.login, f"--given-name={given}"]
        command += [f"--surname={surname}"] if surname else []
        command += [f"--userou=OU={user.ou}"] if user.ou else []
        command += ["--must-change-at-next-login"] if user.must_change else []
        commands.append((command, _typed_twice(user.password)))
        if not user.enabled:
            commands.append((["samba-tool", "user", "disable", user.login], None))
    for group in d.groups:
        members = [u.login for u in d.members_of(group.name)]
        if members:
            commands.append((["samba-tool", "group", "addmembers", group.name, ",".join(members)], None))
    return commands


def join_members(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    """Once the DC and DHCP clients are up: join the members (unless restored), register each in the DC's DNS,
    then save the template. Restored members only have their DNS record checked (and renewed if it is wrong)."""
    site = plan.site
    d = site.directory
    assert d is not None
    marker = plan.node_dir(d.controller) / "samba" / ".from-template"
    if marker.exists():
        for name in d.computers:
            register_in_dns(lab, plan, name, only_if_wrong=True)
        return
    for name in d.computers:
        node_dir = plan.node_dir(name)
        for sub in ("private", "lock", "state", "cache"):
            (node_dir / "samba" / sub).mkdir(parents=True, exist_ok=True)
        # The DNS registration is a step of its own (`register_in_dns`): the join's built-in update takes the name
        # from the node's resolver (`hostname -f`), and when the DC refuses it (a name outside the AD zone, a record
        # owned by an earlier account of that name) it prints ERROR_DNS_UPDATE_FAILED and the join still exits 0.
        argv = [
            "net",
            "ads",
            "join",
            "--no-dns-updates",
            "-s",
            str(node_dir / "etc" / "samba" / "smb.conf"),
            "-U",
            "Administrator",  # its password in PASSWD (Samba reads it there): never on a command line
        ]
        for attempt in range(JOIN_TRIES):
            result = _logged(lab, plan, name, argv, timeout=60, env={"PASSWD": d.admin_password})
            if result.returncode == 0:
                break
            # On its first start a DC answers "Operations error" for a few seconds (TLS keys): try again.
            time.sleep(1.0 if attempt < JOIN_TRIES - 1 else 0)
        else:
            raise LabError(f"{name} could not join {d.domain}: {(result.stderr or result.stdout).strip()[-300:]}")
        register_in_dns(lab, plan, name)
        progress(f"{name} joined {d.domain}")
    save_template(lab, plan, progress)


def member_fqdn(d: Directory, name: str) -> str:
    """A member's name in the AD domain: what its /etc/hosts says, what it registers in the DC's DNS."""
    return f"{name}.{d.domain}"


def register_in_dns(lab: Lab, plan: LabPlan, name: str, only_if_wrong: bool = False) -> None:
    """The member's A record in the DC's DNS, as a member renews it at boot: a secure (GSS-TSIG) update with its
    own machine account (`net ads dns register -P`), of its name in the AD domain and its addresses; then proved by
    asking the DC's DNS from the member. ``only_if_wrong``: leave a record that already holds them alone."""
    d = plan.site.directory
    assert d is not None
    fqdn, dc = member_fqdn(d, name), dc_address(plan.site)
    addresses = _addresses(lab, name)
    if only_if_wrong and _dns_answers(lab, name, fqdn, dc) == addresses:
        _log(plan, name, f"{fqdn} A {' '.join(addresses)} in the DC's DNS ({dc}): checked, nothing to renew\n")
        return
    argv = ["net", "ads", "dns", "register", "-P", "-s", str(plan.node_dir(name) / "etc" / "samba" / "smb.conf"), fqdn, *addresses]
    answers: list[str] = []
    for attempt in range(JOIN_TRIES):
        result = _logged(lab, plan, name, argv, timeout=30)
        answers = _dns_answers(lab, name, fqdn, dc)
        if result.returncode == 0 and answers == addresses:
            return
        time.sleep(1.0 if attempt < JOIN_TRIES - 1 else 0)
    said = (result.stdout + result.stderr).strip().replace("\n", " ")[-300:]
    raise LabError(f"{name} could not register {fqdn} in the DC's DNS ({dc} answers {answers or 'nothing'}): {said}")


def _addresses(lab: Lab, name: str) -> list[str]:
    """The member's IPv4 addresses (what DHCP gave it, or its static ones)."""
    result = lab.run(name, ["ip", "-4", "-o", "addr", "show", "scope", "global"], timeout=10)
    return sorted(line.split()[3].split("/")[0] for line in result.stdout.splitlines() if len(line.split()) > 3)


def _dns_answers(lab: Lab, name: str, fqdn: str, dc: IPv4Address) -> list[str]:
    """The A records of ``fqdn`` as the DC's DNS gives them to the member (none if it does not answer)."""
    result = run_probe(DnsProbe(name=fqdn, server=dc, timeout=2), NodePlace(name, lab.context(name)))
    return sorted(result.data.get("answers", [])) if result.ok else []


def _logged(
    lab: Lab, plan: LabPlan, name: str, argv: list[str], timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a Samba command on a member and append what it said to its ``log/samba/join.log`` (/var/log/samba)."""
    result = lab.run(name, argv, timeout=timeout, env=env)
    _log(plan, name, f"$ {' '.join(argv)}\n{result.stdout}{result.stderr}[exit {result.returncode}]\n")
    return result


def _log(plan: LabPlan, name: str, text: str) -> None:
    with (plan.node_dir(name) / "log" / "samba" / "join.log").open("a") as f:
        f.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}")


def save_template(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    """Stop the DC (a consistent copy), archive the domain state of all its nodes, start the DC again."""
    site = plan.site
    d = site.directory
    assert d is not None
    key = f"{d.controller}/samba"
    lab.stop_daemon(key)
    template = template_path(site)
    template.parent.mkdir(parents=True, exist_ok=True)
    tmp = template.with_suffix(".tmp")
    members = [f"{n}/samba" for n in _nodes_with_state(site)]
    tar(["--exclude=*.pid", "--exclude=*/msg.sock", "--exclude=*/ncalrpc", "-czpf", str(tmp), "-C", str(plan.lab_dir / "nodes"), *members])
    tmp.replace(template)
    lab.start_daemon(key)
    lab.wait_daemons_ready(plan, [dp for dp in plan.daemons if dp.key == key])
    progress(f"domain template saved ({template.stat().st_size // 1024} KiB)")


def _run(lab: Lab, node: str, argv: list[str], what: str, timeout: float = 60, input: str | None = None) -> None:
    result = lab.run(node, argv, timeout=timeout, input=input)
    if result.returncode != 0:
        raise LabError(f"{what} on {node} failed: {(result.stderr or result.stdout).strip()[-400:]}")

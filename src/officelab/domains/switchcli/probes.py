"""The switch command-line probes: an SSH login with a terminal, as a technician's client opens one; then
``show version``, or the running configuration compared with a design."""

from __future__ import annotations

import asyncio
import re

import asyncssh

from officelab.domains.switchcli.facts import describe_port, parse_running, ports_of
from officelab.domains.switchcli.model import SshCliProbe, SwitchConfigProbe, SwitchShowProbe
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place

LoginSpec = SshCliProbe | SwitchConfigProbe | SwitchShowProbe


async def _session(spec: LoginSpec, commands: list[str]) -> tuple[str, list[str]]:
    """(the prompt, each command's output), from one interactive session with a PTY."""
    prompt = re.compile(rf"{re.escape(spec.hostname)}[>#] ?$")
    async with asyncssh.connect(
        spec.target, username=spec.username, password=spec.password, known_hosts=None, connect_timeout=spec.timeout
    ) as conn:
        process = await conn.create_process(term_type="vt100", term_size=(200, 0))
        seen = ""

        async def until_prompt() -> str:
            nonlocal seen
            while not prompt.search(seen):
                chunk = await process.stdout.read(65536)
                if not chunk:
                    raise ConnectionError(f"the session closed; it printed {seen[-120:]!r}")
                seen += chunk
            text, seen = seen, ""
            return text.replace("\r\n", "\n")

        first = await until_prompt()
        outputs = []
        for command in ["terminal length 0", *commands]:
            process.stdin.write(command + "\r")
            outputs.append(await until_prompt())
        process.stdin.write("exit\r")
        return first.strip().splitlines()[-1], outputs[1:]


def _login(
    spec: SshCliProbe | SwitchConfigProbe | SwitchShowProbe, place: Place, commands: list[str]
) -> tuple[str, list[str]] | ProbeResult:
    try:
        with place.inside():
            return asyncio.run(asyncio.wait_for(_session(spec, commands), spec.timeout))
    except asyncssh.PermissionDenied:
        return ProbeResult(False, Layer.APPLICATION, f"{spec.target} refuses the login of {spec.username}", f"SSH to {spec.target}")
    except (OSError, asyncssh.Error, TimeoutError, ConnectionError) as exc:
        what = str(exc) or type(exc).__name__
        return ProbeResult(False, Layer.TRANSPORT, f"no command line over SSH at {spec.target}: {what}", f"SSH to {spec.target}")


@probe("ssh-cli")
def ssh_cli_probe(spec: SshCliProbe, place: Place) -> ProbeResult:
    sent = f"SSH to {spec.target} as {spec.username} (terminal), `show version`"
    got = _login(spec, place, ["show version"])
    if isinstance(got, ProbeResult):
        return got
    prompt, (version,) = got
    found = re.search(r"^(\S+) uptime is (.+)$", version, re.M)
    if found is None or found[1] != spec.hostname:
        return ProbeResult(
            False,
            Layer.APPLICATION,
            f"{spec.target} answers as {found[1] if found else prompt!r}, expected {spec.hostname}",
            sent,
            version[-200:],
        )
    return ProbeResult(True, Layer.APPLICATION, f"{spec.hostname} command line: prompt {prompt}, up {found[2]}", sent, found[0])


def _body(output: str) -> str:
    """The configuration in ``show running-config``'s output: from its first ``!`` to ``end``."""
    lines = output.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("!")), len(lines))
    end = next((i for i, ln in enumerate(lines) if ln.strip() == "end"), len(lines) - 1)
    return "\n".join(lines[start : end + 1]) + "\n"


@probe("switch-config")
def switch_config_probe(spec: SwitchConfigProbe, place: Place) -> ProbeResult:
    commands = ["show running-config", *(["show startup-config"] if spec.saved else [])]
    sent = f"SSH to {spec.target} as {spec.username}: {', '.join(commands)}"
    got = _login(spec, place, commands)
    if isinstance(got, ProbeResult):
        return got
    _prompt, outputs = got
    running = _body(outputs[0])
    if spec.saved:
        startup = _body(outputs[1]) if "not present" not in outputs[1] else ""
        if startup.strip() != running.strip():
            return ProbeResult(
                False,
                Layer.APPLICATION,
                f"{spec.hostname}'s running configuration is not saved (write memory)",
                sent,
                "startup-config differs from running-config",
            )
        return ProbeResult(True, Layer.APPLICATION, f"{spec.hostname}'s configuration is saved", sent, f"{len(running)} bytes, identical")
    config, refused = parse_running(running, spec.hostname, ports_of(running))
    if refused:
        return ProbeResult(False, Layer.APPLICATION, f"{spec.hostname}'s configuration does not read back: {refused[0]}", sent)
    differences = []
    for port, wanted in spec.ports.items():
        live = config.interfaces.get(port)
        now = describe_port(live) if live is not None else "absent"
        if now != wanted:
            differences.append(f"{port} is {now}, the design says {wanted}")
    missing = [v for v in spec.vlans if v not in config.vlans]
    if missing:
        differences.append(f"VLAN {', '.join(map(str, missing))} missing from the VLAN database")
    if differences:
        return ProbeResult(
            False,
            Layer.DATALINK,
            f"{spec.hostname}: {differences[0]}" + (f" (+{len(differences) - 1} more)" if len(differences) > 1 else ""),
            sent,
            "; ".join(differences)[:500],
        )
    return ProbeResult(True, Layer.DATALINK, f"{spec.hostname} runs the design: {len(spec.ports)} ports, {len(spec.vlans)} VLANs", sent)


@probe("switch-show")
def switch_show_probe(spec: SwitchShowProbe, place: Place) -> ProbeResult:
    sent = f"SSH to {spec.target} as {spec.username}: {', '.join(spec.commands)}"
    got = _login(spec, place, list(spec.commands))
    if isinstance(got, ProbeResult):
        return got
    _prompt, outputs = got
    return ProbeResult(
        True,
        Layer.APPLICATION,
        f"{spec.hostname} answered {len(outputs)} command(s)",
        sent,
        outputs[0][-300:] if outputs else "",
        data={"outputs": dict(zip(spec.commands, outputs, strict=True))},
    )

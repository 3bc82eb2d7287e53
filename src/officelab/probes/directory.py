"""Directory and file-sharing probes: LDAP bind and search, Kerberos login, SMB session and file access,
and trade commands (``net ads testjoin``). Each speaks the real protocol with the real client library."""

from __future__ import annotations

import contextlib
import re
import ssl
import uuid

import ldap3
from ldap3.core.exceptions import LDAPException

from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.network import address_of
from officelab.probes.place import Place
from officelab.probes.spec import CommandProbe, KerberosProbe, LdapProbe, SmbProbe

# Samba/AD answers a refused LDAP bind with a sub-code that says why (data 52e: bad password, 533: disabled…).
AD_BIND_REASONS = {
    "52e": "wrong password",
    "533": "account disabled",
    "532": "password expired",
    "773": "must change password",
    "775": "account locked out",
    "525": "no such user",
    "701": "account expired",
}


@probe("ldap")
def ldap_probe(spec: LdapProbe, place: Place) -> ProbeResult:
    address = address_of(place, spec.server, spec.timeout)
    if isinstance(address, ProbeResult):
        return address
    sent = f"LDAP{'S' if spec.tls else ''} simple bind as {spec.user} to {address}:{spec.port}"
    try:
        with place.inside():
            tls = ldap3.Tls(validate=ssl.CERT_NONE) if spec.tls else None
            server = ldap3.Server(address, port=spec.port, use_ssl=spec.tls, tls=tls, connect_timeout=spec.timeout)
            connection = ldap3.Connection(server, user=spec.user, password=spec.password, receive_timeout=max(1, int(spec.timeout)))
            bound = connection.bind()
            result = dict(connection.result)
            if not bound:
                code = re.search(r"data ([0-9a-f]{3})", result.get("message", ""))
                reason = AD_BIND_REASONS.get(code[1], result.get("description", "")) if code else result.get("description", "refused")
                return ProbeResult(
                    False,
                    Layer.APPLICATION,
                    f"LDAP bind as {spec.user} refused: {reason}",
                    sent,
                    f"{result.get('description')}: {result.get('message', '')[:120]}",
                )
            if not spec.filter:
                connection.unbind()
                return ProbeResult(True, Layer.APPLICATION, f"{spec.user} authenticated by LDAP", sent, "bind: success")
            connection.search(spec.base, spec.filter, attributes=[spec.attribute] if spec.attribute else [])
            entries = list(connection.entries)
            connection.unbind()
    except (LDAPException, OSError) as exc:
        return ProbeResult(False, Layer.TRANSPORT, f"no LDAP service at {address}:{spec.port}: {exc}", sent)
    sent += f"; search {spec.filter}"
    if not entries:
        return ProbeResult(False, Layer.APPLICATION, f"nothing matches {spec.filter} under {spec.base}", sent, "0 entries")
    values = [str(v) for e in entries for v in (e[spec.attribute].values if spec.attribute and spec.attribute in e else [])]
    received = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}" + (
        f", {spec.attribute}: {'; '.join(values)[:300]}" if spec.attribute else ""
    )
    missing = [x for x in spec.expect if not any(x.lower() in v.lower() for v in values)]
    if missing:
        return ProbeResult(False, Layer.APPLICATION, f"{spec.attribute} lacks {', '.join(missing)}", sent, received)
    extra = [v for v in values if not any(x.lower() in v.lower() for x in spec.expect)]
    if spec.exact and extra:
        return ProbeResult(False, Layer.APPLICATION, f"{spec.attribute} also holds {', '.join(extra)[:200]}", sent, received)
    return ProbeResult(True, Layer.APPLICATION, f"{spec.filter}: {received}", sent, received, data={"values": values})


@probe("kerberos")
def kerberos_probe(spec: KerberosProbe, place: Place) -> ProbeResult:
    cache = f"FILE:/run/officelab-probe-{uuid.uuid4().hex[:8]}.ccache"
    argv = ["sh", "-c", f'KRB5CCNAME={cache} kinit "$0" && KRB5CCNAME={cache} klist && KRB5CCNAME={cache} kdestroy', spec.principal]
    sent = f"Kerberos AS-REQ for {spec.principal}"
    result = place.run(argv, timeout=spec.timeout + 5, input=spec.password + "\n")
    out = (result.stdout + result.stderr).strip()
    if result.returncode == 0 and "krbtgt/" in out:
        ticket = next((line.strip() for line in out.splitlines() if "krbtgt/" in line), "")
        return ProbeResult(True, Layer.APPLICATION, f"{spec.principal} got a Kerberos ticket", sent, ticket)
    reason = out.splitlines()[-1] if out else f"kinit exited {result.returncode}"
    if "Password incorrect" in out or "Preauthentication failed" in out:
        reason = "wrong password"
    elif "revoked" in out or "disabled" in out.lower():
        reason = "account disabled"
    elif "Cannot contact any KDC" in out or "Cannot find KDC" in out:
        return ProbeResult(False, Layer.TRANSPORT, f"no Kerberos KDC answers for {spec.principal}", sent, out[-200:])
    return ProbeResult(False, Layer.APPLICATION, f"Kerberos login of {spec.principal} refused: {reason}", sent, out[-200:])


@probe("smb")
def smb_probe(spec: SmbProbe, place: Place) -> ProbeResult:
    address = address_of(place, spec.server, spec.timeout)
    if isinstance(address, ProbeResult):
        return address
    sent = f"SMB session as {spec.user or 'guest'} to //{spec.server}/{spec.share}, {spec.action}"
    try:
        summary, received = _smb_exchange(spec, address, place)
    except _SmbRefused as refused:
        return ProbeResult(False, refused.layer, refused.summary, sent, refused.detail)
    return ProbeResult(True, Layer.APPLICATION, summary, sent, received)


class _SmbRefused(Exception):
    def __init__(self, layer: Layer, summary: str, detail: str) -> None:
        super().__init__(summary)
        self.layer, self.summary, self.detail = layer, summary, detail


SMB_WORDS = {
    "STATUS_ACCESS_DENIED": "access denied",
    "STATUS_BAD_NETWORK_NAME": "no such share",
    "STATUS_LOGON_FAILURE": "login refused (wrong password or unknown account)",
    "STATUS_ACCOUNT_DISABLED": "account disabled",
    "STATUS_PASSWORD_EXPIRED": "password expired",
    "STATUS_PASSWORD_MUST_CHANGE": "password must be changed",
    "STATUS_OBJECT_NAME_NOT_FOUND": "no such file",
}


def _smb_exchange(spec: SmbProbe, address: str, place: Place) -> tuple[str, str]:
    """One self-contained SMB exchange (no client-side session cache: probes run in parallel on many nodes)."""
    from smbprotocol.connection import Connection
    from smbprotocol.exceptions import SMBAuthenticationError, SMBException, SMBResponseException
    from smbprotocol.file_info import FileInformationClass
    from smbprotocol.open import (
        CreateDisposition,
        CreateOptions,
        DirectoryAccessMask,
        FileAttributes,
        FilePipePrinterAccessMask,
        ImpersonationLevel,
        Open,
        ShareAccess,
    )
    from smbprotocol.session import Session
    from smbprotocol.tree import TreeConnect

    connection = Connection(uuid.uuid4(), address, 445)
    step = "connect"
    try:
        with place.inside():
            connection.connect(timeout=int(spec.timeout))
        step = "login"
        session = Session(connection, spec.user or "", spec.password, require_encryption=False, auth_protocol="ntlm")
        session.connect()
        step = "share"
        tree = TreeConnect(session, f"\\\\{address}\\{spec.share}")
        tree.connect()
        step = spec.action
        if spec.action == "list":
            directory = Open(tree, "")
            directory.create(
                ImpersonationLevel.Impersonation,
                DirectoryAccessMask.FILE_LIST_DIRECTORY,
                FileAttributes.FILE_ATTRIBUTE_DIRECTORY,
                ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE,
                CreateDisposition.FILE_OPEN,
                CreateOptions.FILE_DIRECTORY_FILE,
            )
            entries = directory.query_directory("*", FileInformationClass.FILE_NAMES_INFORMATION)
            directory.close()
            names = sorted(e["file_name"].get_value().decode("utf-16-le") for e in entries) if entries else []
            names = [n for n in names if n not in (".", "..")]
            received = f"{len(names)} entries: {', '.join(names[:6])}"
            readme = next((n for n in names if n.lower().endswith(".txt")), None)
            if readme is not None:  # opening the share is not enough: read a document in it
                handle = Open(tree, readme)
                handle.create(
                    ImpersonationLevel.Impersonation,
                    FilePipePrinterAccessMask.GENERIC_READ,
                    FileAttributes.FILE_ATTRIBUTE_NORMAL,
                    ShareAccess.FILE_SHARE_READ,
                    CreateDisposition.FILE_OPEN,
                    CreateOptions.FILE_NON_DIRECTORY_FILE,
                )
                data = handle.read(0, min(handle.end_of_file, 1 << 16)) if handle.end_of_file else b""
                handle.close()
                received += f"; read {readme} ({len(data)} bytes)"
            return f"{spec.user} can open and read //{spec.server}/{spec.share}", received
        if spec.action == "write":
            name = f"officelab-probe-{uuid.uuid4().hex[:8]}.txt"
            handle = Open(tree, name)
            handle.create(
                ImpersonationLevel.Impersonation,
                FilePipePrinterAccessMask.GENERIC_WRITE | FilePipePrinterAccessMask.DELETE,
                FileAttributes.FILE_ATTRIBUTE_NORMAL,
                ShareAccess.FILE_SHARE_READ,
                CreateDisposition.FILE_OVERWRITE_IF,
                CreateOptions.FILE_NON_DIRECTORY_FILE | CreateOptions.FILE_DELETE_ON_CLOSE,
            )
            handle.write(b"written by an OfficeLab probe\n", 0)
            handle.close()
            return f"{spec.user} can write in //{spec.server}/{spec.share}", f"created, wrote and deleted {name}"
        handle = Open(tree, spec.path)
        handle.create(
            ImpersonationLevel.Impersonation,
            FilePipePrinterAccessMask.GENERIC_READ,
            FileAttributes.FILE_ATTRIBUTE_NORMAL,
            ShareAccess.FILE_SHARE_READ,
            CreateDisposition.FILE_OPEN,
            CreateOptions.FILE_NON_DIRECTORY_FILE,
        )
        data = handle.read(0, min(handle.end_of_file or 0, 1 << 20)) if handle.end_of_file else b""
        handle.close()
        return f"{spec.user} can read {spec.path} on //{spec.server}/{spec.share}", f"{len(data)} bytes"
    except SMBAuthenticationError as exc:
        raise _SmbRefused(Layer.APPLICATION, f"SMB login of {spec.user or 'guest'} refused", str(exc)[:200]) from None
    except SMBResponseException as exc:
        status = re.search(r"STATUS_[A-Z_]+", str(exc))
        what = SMB_WORDS.get(status[0], status[0]) if status else str(exc)[:80]
        if step == "login":
            raise _SmbRefused(Layer.APPLICATION, f"SMB login of {spec.user or 'guest'} refused: {what}", str(exc)[:200]) from None
        raise _SmbRefused(
            Layer.APPLICATION, f"{step} on //{spec.server}/{spec.share} as {spec.user or 'guest'}: {what}", str(exc)[:200]
        ) from None
    except (SMBException, OSError, ValueError) as exc:
        if step == "connect":
            raise _SmbRefused(Layer.TRANSPORT, f"no SMB service at {address}:445 ({exc})", str(exc)[:200]) from None
        summary = f"{step} on //{spec.server}/{spec.share} failed: {str(exc)[:100]}"
        raise _SmbRefused(Layer.APPLICATION, summary, str(exc)[:200]) from None
    finally:
        with contextlib.suppress(Exception):  # closing a connection that failed is best effort
            connection.disconnect(True)


@probe("command")
def command_probe(spec: CommandProbe, place: Place) -> ProbeResult:
    result = place.run(list(spec.argv), timeout=spec.timeout + 5)
    out = (result.stdout + result.stderr).strip()
    sent = " ".join(spec.argv)
    layer = Layer(spec.layer)
    if result.returncode != 0:
        return ProbeResult(False, layer, f"`{sent}` failed: {out.splitlines()[-1] if out else result.returncode}", sent, out[-300:])
    if spec.expect and spec.expect not in out:
        return ProbeResult(False, layer, f"`{sent}` did not say {spec.expect!r}", sent, out[-300:])
    return ProbeResult(True, layer, f"`{sent}`: {out.splitlines()[0] if out else 'ok'}", sent, out[-300:])

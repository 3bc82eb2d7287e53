"""The SMB probe: a real SMB2/3 session to a share as a user (NTLM), then list, write or read."""

from __future__ import annotations

import contextlib
import re
import uuid

from officelab.domains.files.model import SmbProbe
from officelab.domains.network.probes import address_of
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place


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

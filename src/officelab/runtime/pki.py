"""The lab's certificate authority: one CA per lab (EC P-256, made with openssl in the lab's state), and the server
certificates it signs, each naming in its subjectAltName every way a client may reach the server (its DNS names
and its address). Every node trusts the CA, so a client that verifies the server's certificate and name connects."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from officelab.core.errors import LabError

CA_ON_NODE = "run/officelab/site-ca.pem"
"""Where each node finds the lab's CA certificate (``/run/officelab/site-ca.pem`` as the node sees it)."""


def openssl(args: list[str]) -> None:
    result = subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LabError(f"openssl {args[0]}: {result.stderr.strip()[-300:]}")


def san_line(ip: str, names: Sequence[str]) -> str:
    """A certificate's subjectAltName extension, as an ``openssl x509 -extfile``."""
    return "subjectAltName=" + ",".join([*(f"DNS:{n}" for n in names), f"IP:{ip}"]) + "\n"


def ensure_ca(pki: Path) -> None:
    """The CA of ``pki`` (``ca.pem``, ``ca.key``), made once: the servers' certificates all chain to it."""
    pki.mkdir(parents=True, exist_ok=True)
    if (pki / "ca.pem").exists() and (pki / "ca.key").exists():
        return
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl(
        [
            "req",
            "-x509",
            *ec,
            "-days",
            "3650",
            "-subj",
            "/CN=OfficeLab site CA",
            "-keyout",
            str(pki / "ca.key"),
            "-out",
            str(pki / "ca.pem"),
        ]
    )


def issue(pki: Path, stem: str, ip: str, names: Sequence[str]) -> None:
    """``<stem>.pem`` and ``<stem>.key`` in ``pki``, signed by its CA (made if need be), for ``names`` (the first is
    also the CN) and ``ip``; ``<stem>.san`` keeps what it names, so that `current` can tell a stale one."""
    ensure_ca(pki)
    names = list(dict.fromkeys(names))
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl(["req", *ec, "-subj", f"/CN={names[0]}", "-keyout", str(pki / f"{stem}.key"), "-out", str(pki / f"{stem}.csr")])
    (pki / f"{stem}.san").write_text(san_line(ip, names))
    ca = ["-CA", str(pki / "ca.pem"), "-CAkey", str(pki / "ca.key"), "-CAcreateserial"]
    openssl(
        [
            "x509",
            "-req",
            "-in",
            str(pki / f"{stem}.csr"),
            *ca,
            "-days",
            "825",
            "-extfile",
            str(pki / f"{stem}.san"),
            "-out",
            str(pki / f"{stem}.pem"),
        ]
    )


def current(pki: Path, stem: str, ip: str, names: Sequence[str]) -> bool:
    """The certificate ``stem`` exists, names exactly these, and chains to the CA in ``pki`` now."""
    san, pem = pki / f"{stem}.san", pki / f"{stem}.pem"
    if not pem.exists() or not san.exists() or san.read_text() != san_line(ip, list(dict.fromkeys(names))):
        return False
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(pki / "ca.pem"), str(pem)], capture_output=True, check=False)
    return verify.returncode == 0

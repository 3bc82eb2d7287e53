"""The lab's certificate authority: one CA per lab (EC P-256, made at the first `up` that needs it), the certificates
it issues (the MQTT broker's, the mail server's, a VPN server's and users'), its revocation list, and the CA
certificate every node trusts. Everything is done by ``openssl``."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from officelab.core.errors import LabError

CA_CN = "OfficeLab site CA"
_EC = ("ec", "-pkeyopt", "ec_paramgen_curve:P-256")


def openssl(args: list[str], cwd: Path | None = None) -> str:
    result = subprocess.run(["openssl", *args], capture_output=True, text=True, check=False, cwd=cwd)
    if result.returncode != 0:
        raise LabError(f"openssl {args[0]}: {result.stderr.strip()[-300:]}")
    return result.stdout


def _key_request(key: Path, csr: Path, cn: str) -> None:
    openssl(["req", "-newkey", *_EC, "-nodes", "-subj", f"/CN={cn}", "-keyout", str(key), "-out", str(csr)])
    key.chmod(0o600)


def site_ca(pki: Path) -> Path:
    """The CA of ``pki`` (``ca.pem``, ``ca.key``), made when it is not there yet; every certificate of the lab is
    signed by it, so a CA made again would orphan them."""
    pki.mkdir(mode=0o700, parents=True, exist_ok=True)
    ca = pki / "ca.pem"
    if not ca.exists() or not (pki / "ca.key").exists():
        key = pki / "ca.key"
        openssl(["req", "-x509", "-newkey", *_EC, "-nodes", "-days", "3650", "-subj", f"/CN={CA_CN}", "-keyout", str(key), "-out", str(ca)])
        key.chmod(0o600)
    return ca


def issue(pki: Path, name: str, cn: str, extensions: str, days: int = 825, into: Path | None = None) -> tuple[Path, Path]:
    """A key and a certificate for ``cn`` signed by the CA of ``pki`` (made if needed), with the ``openssl x509
    -extfile`` lines ``extensions`` (subjectAltName, extendedKeyUsage…): ``<name>.pem`` and ``<name>.key`` in
    ``into`` (default: ``pki``)."""
    ca = site_ca(pki)
    where = into or pki
    where.mkdir(mode=0o700, parents=True, exist_ok=True)
    key, csr, cert, ext = where / f"{name}.key", where / f"{name}.csr", where / f"{name}.pem", where / f"{name}.cnf"
    _key_request(key, csr, cn)
    ext.write_text(extensions)
    signing = ["-CA", str(ca), "-CAkey", str(pki / "ca.key"), "-CAcreateserial", "-days", str(days)]
    openssl(["x509", "-req", "-in", str(csr), *signing, "-extfile", str(ext), "-out", str(cert)])
    return cert, key


def _ca_config(pki: Path) -> Path:
    """The minimal ``openssl ca`` configuration that keeps the revocation database of ``pki``."""
    db, number = pki / "index.txt", pki / "crlnumber"
    if not db.exists():
        db.write_text("")
    if not number.exists():
        number.write_text("01\n")
    conf = pki / "ca.cnf"
    conf.write_text(
        "[ca]\ndefault_ca = site\n[site]\n"
        f"database = {db}\ncrlnumber = {number}\ncertificate = {pki / 'ca.pem'}\nprivate_key = {pki / 'ca.key'}\n"
        "default_md = sha256\ndefault_crl_days = 3650\n"
    )
    return conf


def revoked(pki: Path, certificate: Path) -> bool:
    """``certificate`` is in the CA's revocation database."""
    index = pki / "index.txt"
    serial = openssl(["x509", "-in", str(certificate), "-noout", "-serial"]).strip().partition("=")[2]
    lines = index.read_text().splitlines() if index.exists() else []
    return any(line.startswith("R\t") and f"\t{serial}\t" in line for line in lines)


def revoke(pki: Path, certificate: Path) -> None:
    """Put ``certificate`` in the CA's revocation database (a certificate already revoked stays so)."""
    conf = _ca_config(pki)
    if not revoked(pki, certificate):
        openssl(["ca", "-config", str(conf), "-revoke", str(certificate)])


def crl(pki: Path, out: Path) -> None:
    """The CA's revocation list as it is now, written to ``out`` (PEM)."""
    openssl(["ca", "-config", str(_ca_config(pki)), "-gencrl", "-out", str(out)])


CA_ON_NODE = "run/officelab/site-ca.pem"
"""Where each node finds the lab's CA certificate (``/run/officelab/site-ca.pem`` as the node sees it)."""


def san_line(ip: str, names: Sequence[str]) -> str:
    """A server certificate's subjectAltName extension (every name, then the address), as an ``openssl x509
    -extfile``."""
    return "subjectAltName=" + ",".join([*(f"DNS:{n}" for n in dict.fromkeys(names)), f"IP:{ip}"]) + "\n"


def server_certificate(pki: Path, stem: str, ip: str, names: Sequence[str]) -> None:
    """``<stem>.pem`` and ``<stem>.key`` in ``pki`` for a server reached by ``names`` (the first is the CN) and
    ``ip``, issued again only when what it names changed or it no longer chains to the CA (a lab kept from an
    earlier `up` may hold one for other names)."""
    line, pem = san_line(ip, names), pki / f"{stem}.pem"
    ext = pki / f"{stem}.cnf"
    if pem.exists() and ext.exists() and ext.read_text() == line and (pki / "ca.pem").exists():
        verify = subprocess.run(["openssl", "verify", "-CAfile", str(pki / "ca.pem"), str(pem)], capture_output=True, check=False)
        if verify.returncode == 0:
            return
    issue(pki, stem, next(iter(dict.fromkeys(names))), line)


def trust_everywhere(pki: Path, node_dirs: Iterable[Path]) -> None:
    """The lab's CA certificate at `CA_ON_NODE` on every node given (probes and clients verify servers by it)."""
    ca = site_ca(pki).read_text()
    for node_dir in node_dirs:
        target = node_dir / CA_ON_NODE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(ca)

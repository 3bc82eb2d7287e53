"""The desk on a real PostgreSQL server, started by the test from Debian's package on loopback (its own cluster in a
temporary directory, run as the ``postgres`` user, stopped by its PID at the end): the migrations, a ticket's life,
two connections changing one ticket at once, the French search."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.core.deadline import wait_for
from officelab.domains.desk import handling as h
from officelab.domains.desk import knowledge as kb
from officelab.domains.desk.tickets import DeskConflict, get, open_desk, session
from officelab.site.loader import load_site

pytestmark = pytest.mark.live  # root: the server runs as the postgres user
BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
SITE = load_site("cabinet-martin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-u", "postgres", "--", *argv], capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    if not BINARIES or shutil.which("runuser") is None:
        pytest.fail("PostgreSQL is not installed: `make setup` installs Debian's postgresql")
    bin_dir = BINARIES[-1]
    base = Path(tempfile.mkdtemp(prefix="officelab-pg-"))  # not under pytest's root-only directory: postgres enters it
    os.chmod(base, 0o755)
    data = base / "data"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    made = _as_postgres(f"{bin_dir}/initdb", "-D", str(data), "-U", "desk", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    assert made.returncode == 0, made.stderr
    port = _free_port()
    server = subprocess.Popen(
        ["runuser", "-u", "postgres", "--", f"{bin_dir}/postgres", "-D", str(data), "-p", str(port),
         "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        ready = [f"{bin_dir}/pg_isready", "-h", "127.0.0.1", "-p", str(port)]
        assert wait_for(lambda: subprocess.run(ready, capture_output=True, check=False).returncode == 0, 30, interval=0.2)
        created = _as_postgres(f"{bin_dir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "desk", "officelab")
        assert created.returncode == 0, created.stderr
        yield f"postgresql+psycopg://desk@127.0.0.1:{port}/officelab"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the session runuser started: the postmaster and its children
        server.wait(timeout=30)
        shutil.rmtree(base)


def ctx(author: str) -> h.Context:
    return h.Context(author=author, site=SITE, lab="default")


def test_a_ticket_and_its_article_on_postgresql(url: str) -> None:
    opening = h.Opening("Imprimante bloquée", "pdurand", 4, 3, "Impression", nodes=("prn-1",))
    with session(url) as db:
        number = h.open_ticket(db, ctx("accueil"), opening).id
        h.take(db, ctx("lea"), number)
        h.set_pending(db, ctx("lea"), number, "attente de l'utilisateur")
        h.resume(db, ctx("lea"), number)
        h.solve(db, ctx("lea"), number, "Spouleur relancé sur srv-files")
        kb.from_ticket(db, "lea", number, cause="file suspendue")
    with session(url) as db:
        t = get(db, number)
        assert (t.status, t.version) == ("solved", 2), "one version a transaction that changed it"
        assert [e.kind for e in h.history(db, number)] == ["opened", "taken", "pending", "resumed", "solved"]
        assert [a.title for a, _ in kb.search(db, "imprimantes")] == ["Imprimante bloquée"]


def test_two_connections_change_one_ticket_one_wins(url: str) -> None:
    with session(url) as db:
        number = h.open_ticket(db, ctx("accueil"), h.Opening("Pas de réseau", "jpetit", 3, 2, "Réseau")).id
    engine = open_desk(url)
    try:
        with pytest.raises(DeskConflict), session(engine=engine) as mine:
            seen = get(mine, number)
            assert seen.version == 1
            with session(url) as theirs:
                h.escalate(theirs, ctx("marc"), number, "câblage de l'étage")
            h.take(mine, ctx("lea"), number)
    finally:
        engine.dispose()
    with session(url) as db:
        kept = get(db, number)
        assert (kept.level, kept.assignee, kept.version) == ("N2", None, 2)

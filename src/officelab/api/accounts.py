"""Web accounts: trainers (every lab of the class) and learners (their own lab), passwords hashed with scrypt,
sessions that expire. Kept in ``$OFFICELAB_HOME/web.sqlite`` (schema by Alembic, `migrations/`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import Float, ForeignKey, String, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from officelab.core.database import open_database
from officelab.core.errors import OfficeLabError
from officelab.runtime.state import home

ROLES = ("trainer", "learner")
SESSION_SECONDS = 8 * 3600
"""A session lasts a training day; logging in again gives a new one."""
NAME = re.compile(r"^[a-z][a-z0-9._-]{0,31}$")
MIN_PASSWORD = 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class Base(DeclarativeBase):
    pass


class AccountRow(Base):
    __tablename__ = "account"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[str] = mapped_column(String(8))
    password_hash: Mapped[str] = mapped_column(String(200))
    lab: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)


class SessionRow(Base):
    __tablename__ = "session"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    account: Mapped[str] = mapped_column(String(32), ForeignKey("account.name", ondelete="CASCADE"), index=True)
    expires: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    lab: str | None
    """A learner's lab (the only one they see); None for a trainer."""

    @property
    def trainer(self) -> bool:
        return self.role == "trainer"

    def may_see(self, lab: str) -> bool:
        return self.trainer or lab == self.lab


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def password_matches(stored: str, password: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=32, **_SCRYPT)
    except ValueError:
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def default_url() -> str:
    return os.environ.get("OFFICELAB_WEB_URL") or f"sqlite:///{home() / 'web.sqlite'}"


def open_accounts(url: str | None = None) -> Engine:
    """The accounts' database, its schema brought to the latest revision (made on first use)."""
    return open_database(url or default_url(), resources.files("officelab.api") / "migrations", "web accounts")


@contextmanager
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as db, db.begin():
        yield db


def add_account(engine: Engine, name: str, role: str, password: str, lab: str | None = None) -> Account:
    """A new account; refuses (one line, nothing changed) a bad name, role, short password, or a learner without lab."""
    if not NAME.match(name):
        raise OfficeLabError(f"account name {name!r}: expected lower-case letters, digits, . _ - (up to 32), starting with a letter")
    if role not in ROLES:
        raise OfficeLabError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise OfficeLabError(f"the password of {name} is too short: at least {MIN_PASSWORD} characters")
    if role == "learner" and not lab:
        raise OfficeLabError(f"learner {name} needs the lab they work in: --lab LAB")
    with session(engine) as db:
        if db.get(AccountRow, name) is not None:
            raise OfficeLabError(f"account {name} exists already")
        db.add(
            AccountRow(
                name=name, role=role, password_hash=hash_password(password), lab=lab if role == "learner" else None, created_at=time.time()
            )
        )
    return Account(name, role, lab if role == "learner" else None)


def log_in(engine: Engine, name: str, password: str, now: float | None = None) -> tuple[str, float] | None:
    """A new session's token and expiry, or None for a wrong name or password (which are not told apart)."""
    now = time.time() if now is None else now
    with session(engine) as db:
        row = db.get(AccountRow, name)
        if row is None or not password_matches(row.password_hash, password):
            return None
        token = secrets.token_urlsafe(32)
        db.execute(delete(SessionRow).where(SessionRow.expires < now))
        db.add(SessionRow(digest=_digest(token), account=name, expires=now + SESSION_SECONDS))
        return token, now + SESSION_SECONDS


def account_of(engine: Engine, token: str, now: float | None = None) -> Account | None:
    """Whose session ``token`` is (None: unknown or expired)."""
    now = time.time() if now is None else now
    with session(engine) as db:
        found = db.execute(
            select(SessionRow, AccountRow)
            .join(AccountRow, AccountRow.name == SessionRow.account)
            .where(SessionRow.digest == _digest(token))
        ).first()
        if found is None or found[0].expires < now:
            return None
        row = found[1]
        return Account(row.name, row.role, row.lab)


def log_out(engine: Engine, token: str) -> None:
    with session(engine) as db:
        db.execute(delete(SessionRow).where(SessionRow.digest == _digest(token)))


def _digest(token: str) -> str:
    """Only a token's hash is stored: the database gives no session away."""
    return hashlib.sha256(token.encode()).hexdigest()

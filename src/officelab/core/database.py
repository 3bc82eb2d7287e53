"""A database of OfficeLab's (the gradebook, the web accounts), its schema brought to the latest Alembic revision."""

from __future__ import annotations

import os
import threading
from importlib.abc import Traversable

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from officelab.core.errors import OfficeLabError

_UPGRADING = threading.Lock()
"""Alembic runs a migration through one context per process (``alembic.context``): two threads upgrading at once
(two requests of the web API) take each other's, and fail. One at a time."""


def open_database(url: str, migrations: Traversable, what: str) -> Engine:
    """The database at ``url`` (a SQLite file's directory is made), upgraded with the revisions in ``migrations``;
    a failure is one line naming ``what`` it is."""
    from alembic import command
    from alembic.config import Config

    if url.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(url.removeprefix("sqlite:///")) or ".", exist_ok=True)
    try:
        engine = create_engine(url)
        config = Config()
        config.set_main_option("script_location", str(migrations))
        with _UPGRADING, engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise OfficeLabError(f"{what} {url}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}") from None
    return engine

"""The API's fixtures: an accounts store with a trainer and two learners, and a client of the app over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from officelab.api import accounts
from officelab.api.app import create_app


@pytest.fixture()
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = accounts.open_accounts(f"sqlite:///{tmp_path / 'web.sqlite'}")
    accounts.add_account(engine, "formateur", "trainer", "Former-2026!")
    accounts.add_account(engine, "alice", "learner", "Alice-2026!", lab="alice")
    accounts.add_account(engine, "bob", "learner", "Bob-2026!!", lab="bob")
    yield engine
    engine.dispose()


@pytest.fixture()
def client(store) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(store)) as test:
        yield test

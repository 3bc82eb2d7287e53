"""Who asks: the bearer token's account, a trainer's routes, a lab the account may see (FastAPI dependencies)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from officelab.api import accounts
from officelab.api.accounts import Account

BEARER = HTTPBearer(auto_error=False)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.accounts
    return engine


def _who(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> Account:
    account = accounts.account_of(_engine(request), credentials.credentials) if credentials is not None else None
    if account is None:
        raise HTTPException(401, "log in first (POST /api/login): no session, or it expired", {"WWW-Authenticate": "Bearer"})
    return account


def _trainer(account: Annotated[Account, Depends(_who)]) -> Account:
    if not account.trainer:
        raise HTTPException(403, "a trainer's route")
    return account


def _lab_of(lab: str, account: Annotated[Account, Depends(_who)]) -> str:
    from officelab.runtime.state import all_labs

    if not account.may_see(lab):
        raise HTTPException(403, f"lab {lab} is not yours")
    if lab not in all_labs():
        raise HTTPException(404, f"no lab {lab}")
    return lab


def learner_mode(account: Account, lab: str) -> bool:
    """A learner on a lab that runs an exercise sees whether checks pass, never why (the causes are the answers)."""
    from officelab.exercises import journal

    return not account.trainer and journal.active(lab)


Who = Annotated[Account, Depends(_who)]
Trainer = Annotated[Account, Depends(_trainer)]
LabName = Annotated[str, Depends(_lab_of)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]

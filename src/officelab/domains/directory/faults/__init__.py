"""Faults of the directory, made on the domain controller with samba-tool as an administrator would: `accounts`
(users and groups), `domain` (a computer's trust, the SRV record, the DC); `samba` is what they share."""

from __future__ import annotations

from officelab.domains.directory.faults.accounts import PasswordChanged, RemovedFromGroup, UserDisabled, UserExpired, UserLockedOut
from officelab.domains.directory.faults.domain import ComputerTrustBroken, ControllerStopped, SrvRecordRemoved
from officelab.faults.model import Fault


def catalogue() -> tuple[type[Fault], ...]:
    return (
        UserDisabled,
        UserExpired,
        PasswordChanged,
        UserLockedOut,
        RemovedFromGroup,
        ComputerTrustBroken,
        SrvRecordRemoved,
        ControllerStopped,
    )

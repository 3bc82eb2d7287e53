"""Secrets in reports: the site's passwords never leave the lab in a report or on the terminal.

A recette's probes carry the site's credentials (an LDAP bind's password, an extension's SIP secret, a camera's
``rtsp://admin:…@`` URL), and a probe may echo a URL in what it sent or received. Every report (JSON, JUnit,
HTML, terminal, ``check --list``) goes through one `Masker`, which replaces with ``***``:

- the value of every field whose name says it is a secret (``password``, ``admin_password``, ``secret``,
  ``pw``, ``key``, ``token``…), recursively in dicts and lists;
- the password of every URL with credentials (``rtsp://admin:***@10.10.30.10/live``), in any text;
- every known secret value (at least `MIN_LITERAL` characters) wherever it appears in a text, for example in a
  command's output: the values of the secret fields of the probes, plus any the caller adds (the site's own).

``officelab check --reveal-secrets`` skips the masking, for a trainer who wants them on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from officelab.core.secrets import MASK, URL_CREDENTIALS

MIN_LITERAL = 4  # shorter known values are masked in their fields only, not searched for in free text

SECRET_NAME = re.compile(
    r"(?:password|passwd|passphrase|secret|secrets|token|(?:^|[_-])(?:pass|pw|pwd|psk|key|credentials?))$", re.IGNORECASE
)


def is_secret_name(name: str) -> bool:
    """Does a field of this name hold a secret? (``password``, ``admin_password``, ``secret``, ``pw``, ``key``…)"""
    return bool(SECRET_NAME.search(name))


def _plain(value: object) -> object:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def secret_values(value: object) -> set[str]:
    """The values of every secret-named field in ``value`` (a model, a dict, a list), and of URL passwords."""
    found: set[str] = set()

    def walk(item: object, secret: bool) -> None:
        item = _plain(item)
        if isinstance(item, Mapping):
            for key, sub in item.items():
                walk(sub, secret or (isinstance(key, str) and is_secret_name(key)))
        elif isinstance(item, list | tuple | set | frozenset):
            for sub in item:
                walk(sub, secret)
        elif isinstance(item, str):
            if secret and item:
                found.add(item)
            found.update(m["password"] for m in URL_CREDENTIALS.finditer(item) if m["password"])
        elif secret and isinstance(item, int | float) and not isinstance(item, bool):
            found.add(str(item))

    walk(value, False)
    return found


class Masker:
    """Masks secrets in reports; built once per report with the secret values it knows of."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        values = sorted({k for k in known if len(k) >= MIN_LITERAL}, key=len, reverse=True)
        self._literal = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def text(self, text: str) -> str:
        """A free text (a cause, what was sent or received) with URL passwords and known secrets masked."""
        text = URL_CREDENTIALS.sub(lambda m: f"{m['head']}{MASK if m['password'] else ''}@", text)
        return self._literal.sub(MASK, text) if self._literal is not None else text

    def field(self, name: str, value: Any) -> Any:
        """The value of a field called ``name``: masked whole when the name says it is a secret."""
        return self(value, secret=is_secret_name(name))

    def __call__(self, value: Any, secret: bool = False) -> Any:
        """``value`` (a text, a dict, a list, a model, recursively) with every secret masked."""
        value = _plain(value)
        if isinstance(value, Mapping):
            return {k: self(v, secret or (isinstance(k, str) and is_secret_name(k))) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self(v, secret) for v in value]
        if isinstance(value, str):
            return MASK if secret and value else self.text(value)
        if secret and value is not None and not isinstance(value, bool):
            return MASK
        return value


def mask(value: Any, known: Iterable[str] = ()) -> Any:
    """The one masking function: ``value`` with its secrets (and the ``known`` values) masked. See `Masker`."""
    return Masker(set(known) | secret_values(value))(value)

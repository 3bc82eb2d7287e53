"""Credentials written inside URLs (``rtsp://admin:PASSWORD@10.10.30.10/live``), found and hidden in any text."""

from __future__ import annotations

import re

MASK = "***"
# scheme://user:PASSWORD@ — the password stops at a blank, a quote, a bracket or a slash, and runs to the last @
URL_CREDENTIALS = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@'\"<>]*:)(?P<password>[^\s'\"<>/]*)@")


def hide_url_passwords(text: str) -> str:
    """``text`` with the password of every URL replaced by ``***``."""
    return URL_CREDENTIALS.sub(lambda m: f"{m['head']}{MASK}@", text)

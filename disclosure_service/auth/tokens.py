"""Bearer tokens (session cookies, enrolment links): random, and stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps: a leaked table does not give anyone a live session."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()

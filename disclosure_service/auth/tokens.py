"""Bearer tokens (session cookies, enrolment links): random, and stored only as a keyed seal.

A token handed out is `<row id>.<secret>`. The row keeps an HMAC of the secret together with what
the token stands for (the user, the force and, for a session, its stage), keyed by a key derived
from SECRET_KEY, which the database never holds. So whoever can write to the database, even as the
runtime role, can neither add a row that any token matches nor move an existing token to another
user, force or stage: they would need the key to seal it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

# The id is a PostgreSQL integer (int4); the secret is token_urlsafe(32).
_TOKEN = re.compile(r"^([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{43})$")
_INT4_MAX = 2**31 - 1
# What a seal is for: a session's token can never pass for an enrolment link's, or the reverse.
SESSION = "session"
ENROLMENT = "enrolment"


@dataclass(frozen=True, slots=True)
class Token:
    row_id: int
    secret: str

    def __str__(self) -> str:
        return f"{self.row_id}.{self.secret}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def derive_key(secret_key: str) -> bytes:
    """The sealing key: derived, so that it never equals SECRET_KEY itself (which also signs CSRF tokens)."""
    return hmac.new(secret_key.encode("utf-8"), b"disclosure-service bearer tokens v1", hashlib.sha256).digest()


def seal(key: bytes, purpose: str, secret: str, *bound: object) -> str:
    """What the database keeps for a token: 64 hex characters, different for every purpose and binding."""
    message = "\x1f".join((purpose, secret, *(str(value) for value in bound)))
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def matches(stored: str, key: bytes, purpose: str, secret: str, *bound: object) -> bool:
    return hmac.compare_digest(stored.encode("ascii", "replace"), seal(key, purpose, secret, *bound).encode("ascii"))


def parse(value: str) -> Token | None:
    """A token as the client sent it, or None if it cannot be one (nothing malformed reaches SQL)."""
    found = _TOKEN.match(value)
    if found is None:
        return None
    row_id = int(found.group(1))
    return Token(row_id, found.group(2)) if row_id <= _INT4_MAX else None

"""Single-use recovery codes, for when the authenticator is lost.

Each code carries 50 random bits, so a keyed hash (HMAC-SHA-256) is enough to store it: unlike a
password it cannot be guessed from a word list.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed from paper
_SHAPE = re.compile(r"^[a-z0-9]{5}-[a-z0-9]{5}$")


def generate(count: int = COUNT) -> list[str]:
    return ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2)) for _ in range(count)]


def normalise(raw: str) -> str | None:
    """A recovery code typed with any case and spacing, or None if it is not shaped like one."""
    compact = re.sub(r"\s", "", raw).lower()
    if len(compact) == 10 and "-" not in compact:
        compact = f"{compact[:5]}-{compact[5:]}"
    return compact if _SHAPE.match(compact) else None


def digest(code: str, key: str) -> str:
    return hmac.new(key.encode("utf-8"), code.encode("ascii"), hashlib.sha256).hexdigest()

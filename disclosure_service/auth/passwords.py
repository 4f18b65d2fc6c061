"""Password rules and hashing.

Rules (docs/security.md): at least 15 characters, at most 256, no composition rules, never
truncated, not a common password, and not containing the service's name, the force's name or
code, or the username (words of four letters or more). Hashing is argon2id, always in a worker
thread: it is deliberately slow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from disclosure_service.paths import PACKAGE_DIR

MIN_LENGTH = 15
MAX_LENGTH = 256
PRODUCT_WORDS = ("disclosure", "sarahslaw", "sarah's law", "csods", "police", "constabulary", "password")

# RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes): about 50-60 ms here, so a
# whole login stays well under the 250 ms budget (benchmarks/login.py prints the figure).
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)
# Verified against when the username is unknown, so that answer takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash("a password nobody has, used to equalise timing")


@cache
def common_passwords() -> frozenset[str]:
    path = PACKAGE_DIR / "auth" / "common_passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def problems(password: str, *, context_words: Iterable[str] = ()) -> list[str]:
    """What is wrong with a new password, in words for the person choosing it (empty if fine)."""
    if len(password) < MIN_LENGTH:
        return [f"Password must be {MIN_LENGTH} characters or more"]
    if len(password) > MAX_LENGTH:
        return [f"Password must be {MAX_LENGTH} characters or fewer"]
    squashed = _squash(password)
    if password.lower() in common_passwords() or squashed in common_passwords() or _is_pattern(squashed):
        return ["Password is too common or too easy to guess: try three or four random words"]
    words = [*PRODUCT_WORDS, *context_words]
    for word in words:
        word_squashed = _squash(word)
        if len(word_squashed) >= 4 and word_squashed in squashed:
            return ["Password must not contain your username, your force’s name or the name of this service"]
    return []


def _is_pattern(squashed: str) -> bool:
    """One repeated character or chunk, or a run along the keyboard or the digits."""
    if not squashed:
        return True
    for size in range(1, len(squashed) // 2 + 1):
        chunk = squashed[:size]
        if len(squashed) % size == 0 and chunk * (len(squashed) // size) == squashed:
            return True
    runs = ("0123456789012345678901234567890", "qwertyuiopasdfghjklzxcvbnm", "abcdefghijklmnopqrstuvwxyz")
    return any(squashed in run or squashed in run[::-1] for run in runs)


def hash_password_sync(password: str) -> str:
    return HASHER.hash(password)


# Each hash holds 64 MiB while it runs. At most this many at once per process, so a burst of sign-in
# attempts queues instead of exhausting memory.
_CONCURRENT_HASHES = anyio.CapacityLimiter(4)


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(HASHER.hash, password, limiter=_CONCURRENT_HASHES)


def _verify(stored_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if `password` matches; with no stored hash it still spends the same time and says no."""
    return await anyio.to_thread.run_sync(_verify, stored_hash, password, limiter=_CONCURRENT_HASHES)

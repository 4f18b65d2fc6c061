"""Time-based one-time codes: secrets, their encryption at rest, and checking a code.

Checking is a pure function of the secret, the code and the time; replay protection (a time step
is accepted at most once per user, across every process) is the database's job, see `service`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ISSUER = "Disclosure service"
STEP_SECONDS = 30
# The current step and the one before it: a code typed just as it changes still works.
ACCEPTED_STEPS = (0, -1)
_CODE = re.compile(r"^[0-9]{6}$")
_CIPHER_VERSION = "v1"


def new_secret() -> str:
    """160 random bits, base32, as authenticator apps expect."""
    return pyotp.random_base32()


def normalise_code(raw: str) -> str | None:
    """Six ASCII digits (spaces and dashes removed), or None.

    Only ASCII digits count: comparing Unicode-normalised strings would let a full-width spelling
    of a used code count as a new one.
    """
    compact = re.sub(r"[\s-]", "", raw)
    return compact if _CODE.match(compact) else None


def matching_timecode(secret: str, code: str, now: datetime) -> int | None:
    """The time step `code` belongs to, if it is the current or the previous step's code."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    normalised = normalise_code(code)
    if normalised is None:
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = totp.timecode(now)
    for offset in ACCEPTED_STEPS:
        expected = totp.generate_otp(current + offset)
        if hmac.compare_digest(expected, normalised):
            return current + offset
    return None


def code_at(secret: str, when: datetime) -> str:
    """The code an authenticator shows at `when` (tests and the demo use it)."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).at(when)


def provisioning_uri(secret: str, username: str) -> str:
    # The label holds the username only: nothing about any case.
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code (no data: URL, no extra request)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff")
    return svg


class SecretBox:
    """AES-256-GCM for TOTP secrets at rest, with a key of their own.

    The user's id is bound in as associated data, so a secret copied onto another user's row
    does not decrypt.
    """

    def __init__(self, key_material: str) -> None:
        self._aead = AESGCM(hashlib.sha256(key_material.encode("utf-8")).digest())

    def encrypt(self, secret: str, user_id: int) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, secret.encode("ascii"), _aad(user_id))
        return f"{_CIPHER_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, stored: str, user_id: int) -> str:
        version, _, payload = stored.partition(":")
        if version != _CIPHER_VERSION:
            raise ValueError("unknown TOTP secret format")
        raw = base64.urlsafe_b64decode(payload)
        return self._aead.decrypt(raw[:12], raw[12:], _aad(user_id)).decode("ascii")


def _aad(user_id: int) -> bytes:
    return f"app_user:{user_id}".encode("ascii")

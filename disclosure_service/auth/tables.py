"""Database tables for sessions, enrolment links and recovery codes.

None of these hold case content, and each is reached by an unguessable token's hash or by the
user it belongs to, so they carry no row-level security of their own.
"""

from __future__ import annotations

from piccolo.columns import ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from disclosure_service.identity.tables import Force, User


class AuthSession(Table, tablename="auth_session"):
    """A signed-in (or half signed-in) browser or API client; the cookie holds the token."""

    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    # enrolment -> password -> mfa: what the holder has proved so far.
    stage = Varchar(length=16)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    mfa_at = Timestamptz(null=True, default=None)
    step_up_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class EnrolmentToken(Table, tablename="enrolment_token"):
    """A one-time link that lets a new (or reset) user choose a password and set up TOTP."""

    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class RecoveryCode(Table, tablename="recovery_code"):
    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    code_hash = Varchar(length=64)
    created_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)

"""Database tables for forces and their staff."""

from __future__ import annotations

from piccolo.columns import Array, BigInt, Boolean, Bytea, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from disclosure_service.identity.roles import Role, UserStatus


class Force(Table, tablename="force"):
    """A police force: the tenant that owns its users and its cases."""

    id = Serial(primary_key=True)
    code = Varchar(length=16, unique=True)
    name = Varchar(length=120)
    # Forces in Wales must offer the undertaking in Welsh.
    offers_welsh = Boolean(default=False)
    # The disclosure schemes the force runs (`schemes/`): applications under any other are refused.
    schemes = Array(base_column=Varchar(length=16), default=["csods"])
    created_at = Timestamptz()
    # The force's crest (PNG) for the header of its documents; none until an administrator
    # sets one (`disclosure-service forces crest`).
    crest = Bytea(null=True, default=None)


class User(Table, tablename="app_user"):
    """A member of staff; belongs to exactly one force."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=120)
    # The unit or team the person works in, for the oversight figures; empty when not set.
    team = Varchar(length=64, default="")
    role = Varchar(length=16, choices=Role)
    status = Varchar(length=16, choices=UserStatus, default=UserStatus.pending.value)
    password_hash = Varchar(length=255, null=True, default=None, secret=True)
    totp_secret_encrypted = Text(null=True, default=None, secret=True)
    # The last accepted TOTP time step: a code of this step or older is a replay.
    totp_last_timecode = BigInt(null=True, default=None)
    failed_attempts = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    last_login_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()

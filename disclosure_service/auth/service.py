"""Signing in, second factors, step-up, enrolment and signing out.

Each function runs its own short transactions and writes its audit rows in them. Slow work
(argon2) happens between transactions, never while a row is locked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import record
from disclosure_service.auth import passwords, recovery, sessions, tokens, totp
from disclosure_service.database import engine as db
from disclosure_service.identity.principal import Actor, Principal, RequestMeta, SessionStage
from disclosure_service.identity.roles import USERNAME, UserStatus
from disclosure_service.settings import Settings

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=30)

SIGN_IN_FAILED = (
    "Enter a correct username and password. After 5 wrong attempts an account is locked for "
    "30 minutes; an administrator of your force can unlock it sooner."
)
CODE_FAILED = (
    "That code did not work. Enter the newest code from your authenticator app, or one of your "
    "recovery codes. After 5 wrong attempts your account is locked for 30 minutes."
)
# Where only the authenticator app will do (stepping up, confirming a new authenticator).
FRESH_CODE_FAILED = (
    "That code did not work. Enter the newest code from your authenticator app. After 5 wrong attempts "
    "your account is locked for 30 minutes."
)
ENROLMENT_LINK_FAILED = (
    "This enrolment link has expired or has already been used. Ask an administrator of your force for a new one."
)


@dataclass(frozen=True, slots=True)
class Keys:
    """The secrets the sign-in flows need, derived once from the settings."""

    box: totp.SecretBox
    recovery_key: str
    # Seals session and enrolment tokens (`auth.tokens`).
    token_key: bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> Keys:
        # The recovery-code key is derived from SECRET_KEY so that it never equals the raw key.
        derived = hashlib.sha256(b"recovery-codes:" + settings.secret_key.encode("utf-8")).hexdigest()
        return cls(
            box=totp.SecretBox(settings.totp_encryption_key),
            recovery_key=derived,
            token_key=tokens.derive_key(settings.secret_key),
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a step of signing in produced: a new session token on success, else a message."""

    token: str | None = None
    error: str | None = None
    recovery_codes: tuple[str, ...] = ()
    otpauth_uri: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class AuthError(Exception):
    """A sign-in step failed; the message is safe to show."""


# ---------------------------------------------------------------------------------------------
# Password


async def sign_in_with_password(username: str, password: str, keys: Keys, meta: RequestMeta, now: datetime) -> Outcome:
    """First factor. The answer is the same for an unknown user, a wrong password and a locked account."""
    async with db.transaction() as conn:
        found = await conn.fetchrow("SELECT user_id, force_id FROM auth_login_lookup($1)", username)
        user = None
        if found is not None:
            await _scope(conn, found["force_id"])
            user = await conn.fetchrow(
                "SELECT id, username, status, password_hash, locked_until FROM app_user WHERE id = $1",
                found["user_id"],
            )
    # Always verify (against a dummy hash if there is no user), so that timing says nothing.
    matches = await passwords.verify_password(user["password_hash"] if user else None, password)

    async with db.transaction() as conn:
        if user is None or found is None:
            # Kept only if it could be a username: otherwise it may be a password typed in the wrong box.
            shown = username if USERNAME.match(username) else "(not a possible username)"
            await record(
                conn,
                actor=Actor(None, None, shown),
                operation=Operation.authentication,
                event="sign_in.unknown_user",
                meta=meta,
                now=now,
            )
            return Outcome(error=SIGN_IN_FAILED)
        await _scope(conn, found["force_id"])
        actor = Actor(user["id"], found["force_id"], user["username"])
        # Read again, locked: concurrent guesses are decided one at a time, so none slips past a lock
        # that an earlier guess has just set.
        user = await conn.fetchrow(
            "SELECT id, username, status, locked_until FROM app_user WHERE id = $1 FOR UPDATE", user["id"]
        )
        if user is None:
            return Outcome(error=SIGN_IN_FAILED)
        if _locked(user["locked_until"], now):
            await _count_failure(conn, actor, "sign_in.locked", meta, now)
            return Outcome(error=SIGN_IN_FAILED)
        if not matches or user["status"] != UserStatus.active.value:
            event = "sign_in.password_wrong" if not matches else f"sign_in.account_{user['status']}"
            await _count_failure(conn, actor, event, meta, now)
            return Outcome(error=SIGN_IN_FAILED)
        token = await sessions.create(
            conn,
            key=keys.token_key,
            user_id=user["id"],
            force_id=found["force_id"],
            stage=SessionStage.password,
            now=now,
        )
        await record(conn, actor=actor, operation=Operation.authentication, event="sign_in.password_ok", meta=meta)
        return Outcome(token=token)


# ---------------------------------------------------------------------------------------------
# Second factor and step-up


async def sign_in_with_code(principal: Principal, code: str, keys: Keys, meta: RequestMeta, now: datetime) -> Outcome:
    """Second factor: a TOTP code or a recovery code. Success rotates the session to signed in."""
    async with db.transaction(force_id=principal.force_id) as conn:
        problem = await _check_code(conn, principal, code, keys=keys, meta=meta, now=now, allow_recovery=True)
        if problem:
            return Outcome(error=problem)
        await conn.execute(
            "UPDATE app_user SET failed_attempts = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1",
            principal.user_id,
            now,
        )
        # A recovery code signs in, but it is not a fresh code from the authenticator: no step-up.
        fresh = totp.normalise_code(code) is not None
        token = await sessions.upgrade(conn, principal, SessionStage.mfa, now, key=keys.token_key, fresh_code=fresh)
        await record(
            conn,
            actor=principal.actor,
            operation=Operation.authentication,
            event="sign_in.succeeded",
            meta=meta,
        )
        return Outcome(token=token)


async def step_up(principal: Principal, code: str, keys: Keys, meta: RequestMeta, now: datetime) -> Outcome:
    """A fresh TOTP code before a sensitive action (recovery codes do not count)."""
    async with db.transaction(force_id=principal.force_id) as conn:
        problem = await _check_code(conn, principal, code, keys=keys, meta=meta, now=now, allow_recovery=False)
        if problem:
            return Outcome(error=problem)
        await sessions.mark_stepped_up(conn, principal.session_id, now)
        await record(conn, actor=principal.actor, operation=Operation.authentication, event="step_up.ok", meta=meta)
        return Outcome()


async def _check_code(
    conn: asyncpg.Connection[Any],
    principal: Principal,
    code: str,
    *,
    keys: Keys,
    meta: RequestMeta,
    now: datetime,
    allow_recovery: bool,
) -> str | None:
    """None if the code is good (and now used up); otherwise the message to show."""
    # Locked for the rest of the transaction: concurrent codes for one user are decided in turn.
    user = await conn.fetchrow(
        "SELECT totp_secret_encrypted, locked_until FROM app_user WHERE id = $1 FOR UPDATE", principal.user_id
    )
    if user is None or user["totp_secret_encrypted"] is None:
        return CODE_FAILED
    if _locked(user["locked_until"], now):
        event = "code.locked"
    elif totp.normalise_code(code) is not None:
        secret = keys.box.decrypt(user["totp_secret_encrypted"], principal.user_id)
        event = await _use_totp(conn, principal.user_id, secret, code, now)
    elif allow_recovery and (recovery_code := recovery.normalise(code)) is not None:
        event = await _use_recovery_code(
            conn, principal.user_id, recovery.digest(recovery_code, keys.recovery_key), now
        )
    else:
        event = "code.malformed"
    if event == "recovery_code.used":
        await record(conn, actor=principal.actor, operation=Operation.authentication, event=event, meta=meta)
    elif event != "code.ok":
        # Attempts while locked count too: the count is every consecutive failure, never fewer.
        await _count_failure(conn, principal.actor, event, meta, now)
    if event in ("code.ok", "recovery_code.used"):
        return None
    return CODE_FAILED if allow_recovery else FRESH_CODE_FAILED


async def _use_totp(conn: asyncpg.Connection[Any], user_id: int, secret: str, code: str, now: datetime) -> str:
    timecode = totp.matching_timecode(secret, code, now)
    if timecode is None:
        return "code.wrong"
    # Accept a time step once: one atomic compare-and-set, shared by every process.
    claimed = await conn.fetchval(
        "UPDATE app_user SET totp_last_timecode = $2 WHERE id = $1 "
        "AND (totp_last_timecode IS NULL OR totp_last_timecode < $2) RETURNING id",
        user_id,
        timecode,
    )
    return "code.ok" if claimed is not None else "code.replayed"


async def _use_recovery_code(conn: asyncpg.Connection[Any], user_id: int, digest: str, now: datetime) -> str:
    used = await conn.fetchval(
        'UPDATE recovery_code SET used_at = $3 WHERE "user" = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id',
        user_id,
        digest,
        now,
    )
    return "recovery_code.used" if used is not None else "recovery_code.wrong"


async def _count_failure(
    conn: asyncpg.Connection[Any], actor: Actor, event: str, meta: RequestMeta, now: datetime
) -> None:
    """One more consecutive failure, counted atomically in the database; the fifth locks the account."""
    assert actor.user_id is not None  # noqa: S101  # only called for known users
    row = await conn.fetchrow(
        # A lock that has run out starts a new count: one wrong attempt later does not lock again.
        "UPDATE app_user SET failed_attempts = CASE WHEN locked_until <= $3 THEN 1 ELSE failed_attempts + 1 END, "
        "locked_until = CASE "
        "WHEN locked_until > $3 THEN locked_until "
        "WHEN (CASE WHEN locked_until <= $3 THEN 1 ELSE failed_attempts + 1 END) >= $2 "
        "THEN $3::timestamptz + $4::interval ELSE NULL END "
        "WHERE id = $1 RETURNING failed_attempts, locked_until",
        actor.user_id,
        MAX_FAILURES,
        now,
        LOCKOUT,
    )
    failures = int(row["failed_attempts"]) if row else 0
    await record(
        conn,
        actor=actor,
        operation=Operation.authentication,
        event=event,
        meta=meta,
        details={"consecutive_failures": failures},
    )
    if row is not None and row["locked_until"] == now + LOCKOUT:
        await record(conn, actor=actor, operation=Operation.authentication, event="account.locked", meta=meta)


def _locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


async def _scope(conn: asyncpg.Connection[Any], force_id: int) -> None:
    await conn.execute("SELECT set_config('app.force_id', $1, true)", str(force_id))


# ---------------------------------------------------------------------------------------------
# Enrolment


async def start_enrolment(token: str, password: str, keys: Keys, meta: RequestMeta, now: datetime) -> Outcome:
    """Check the link and the new password, store both factors' secrets, return the TOTP URI."""
    async with db.transaction() as conn:
        link = await _live_enrolment_link(conn, token, now, keys.token_key)
        if link is None:
            return Outcome(error=ENROLMENT_LINK_FAILED)
        await _scope(conn, link["force"])
        if await conn.fetchval("SELECT status FROM app_user WHERE id = $1", link["user"]) == "disabled":
            return Outcome(error=ENROLMENT_LINK_FAILED)
        user = await conn.fetchrow(
            'SELECT u.username, f.code, f.name FROM app_user u JOIN force f ON f.id = u."force" WHERE u.id = $1',
            link["user"],
        )
    if user is None:
        return Outcome(error=ENROLMENT_LINK_FAILED)
    problems = passwords.problems(password, context_words=(user["username"], user["code"], *user["name"].split()))
    if problems:
        return Outcome(error=problems[0])
    password_hash = await passwords.hash_password(password)
    secret = totp.new_secret()

    async with db.transaction(force_id=link["force"]) as conn:
        if await _live_enrolment_link(conn, token, now, keys.token_key) is None:  # used meanwhile, in another tab
            return Outcome(error=ENROLMENT_LINK_FAILED)
        await conn.execute(
            "UPDATE app_user SET password_hash = $2, totp_secret_encrypted = $3, totp_last_timecode = NULL, "
            "status = 'pending', updated_at = $4 WHERE id = $1 AND status <> 'disabled'",
            link["user"],
            password_hash,
            keys.box.encrypt(secret, link["user"]),
            now,
        )
        session_token = await sessions.create(
            conn,
            key=keys.token_key,
            user_id=link["user"],
            force_id=link["force"],
            stage=SessionStage.enrolment,
            now=now,
        )
        await record(
            conn,
            actor=Actor(link["user"], link["force"], user["username"]),
            operation=Operation.authentication,
            event="enrolment.password_set",
            meta=meta,
        )
    return Outcome(token=session_token, otpauth_uri=totp.provisioning_uri(secret, user["username"]))


async def enrolment_uri(principal: Principal, keys: Keys) -> str:
    """The TOTP URI again, for the QR code page of an enrolment under way."""
    async with db.transaction(force_id=principal.force_id) as conn:
        stored = await conn.fetchval("SELECT totp_secret_encrypted FROM app_user WHERE id = $1", principal.user_id)
    if stored is None:
        raise AuthError(ENROLMENT_LINK_FAILED)
    return totp.provisioning_uri(keys.box.decrypt(stored, principal.user_id), principal.username)


async def confirm_enrolment(principal: Principal, code: str, keys: Keys, meta: RequestMeta, now: datetime) -> Outcome:
    """A first good code proves the authenticator works: the account becomes active."""
    codes = recovery.generate()
    async with db.transaction(force_id=principal.force_id) as conn:
        problem = await _check_code(conn, principal, code, keys=keys, meta=meta, now=now, allow_recovery=False)
        if problem:
            return Outcome(error=problem)
        await conn.execute(
            "UPDATE app_user SET status = 'active', failed_attempts = 0, locked_until = NULL, "
            "last_login_at = $2, updated_at = $2 WHERE id = $1 AND status = 'pending'",
            principal.user_id,
            now,
        )
        await conn.execute(
            'UPDATE enrolment_token SET used_at = $2 WHERE "user" = $1 AND used_at IS NULL',
            principal.user_id,
            now,
        )
        await conn.execute('DELETE FROM recovery_code WHERE "user" = $1', principal.user_id)
        await conn.executemany(
            'INSERT INTO recovery_code ("user", code_hash, created_at) VALUES ($1, $2, $3)',
            [(principal.user_id, recovery.digest(c, keys.recovery_key), now) for c in codes],
        )
        token = await sessions.upgrade(conn, principal, SessionStage.mfa, now, key=keys.token_key)
        await record(
            conn,
            actor=principal.actor,
            operation=Operation.authentication,
            event="enrolment.completed",
            meta=meta,
        )
    return Outcome(token=token, recovery_codes=tuple(codes))


async def _live_enrolment_link(
    conn: asyncpg.Connection[Any], token: str, now: datetime, key: bytes
) -> asyncpg.Record | None:
    parsed = tokens.parse(token)
    if parsed is None:
        return None
    link: asyncpg.Record | None = await conn.fetchrow(
        'SELECT id, token_hash, "user", "force" FROM enrolment_token WHERE id = $1 AND used_at IS NULL '
        "AND expires_at > $2",
        parsed.row_id,
        now,
    )
    if link is None or not tokens.matches(
        link["token_hash"], key, tokens.ENROLMENT, parsed.secret, link["user"], link["force"]
    ):
        return None
    return link


# ---------------------------------------------------------------------------------------------
# Signing out


async def sign_out(principal: Principal, meta: RequestMeta, now: datetime) -> None:
    async with db.transaction(force_id=principal.force_id) as conn:
        await sessions.revoke(conn, principal.session_id, now)
        await record(conn, actor=principal.actor, operation=Operation.authentication, event="sign_out", meta=meta)

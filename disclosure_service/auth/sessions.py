"""Server-side sessions in PostgreSQL, shared by every worker process.

The cookie carries `<session id>.<random secret>`; the table keeps only a seal of the secret bound
to the session's user, force and stage, keyed by a key the database does not hold (`auth.tokens`).
A token the server did not issue is never adopted, a row written straight into the table matches
no cookie, and the token changes whenever the session proves more (password, then code), so an id
planted before sign-in is worthless after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import asyncpg
from litestar.datastructures import Cookie

from disclosure_service.auth import tokens
from disclosure_service.identity.principal import Principal, SessionStage, session_expired
from disclosure_service.identity.roles import Role

SESSION_COOKIE = "__Host-session"
# Litestar's CSRF token: JSON clients send its value back in the X-CSRFToken header.
CSRF_COOKIE = "__Host-csrftoken"
# Writing last_seen_at on every request would make every page a write; a minute's slack in a
# thirty-minute idle timeout is harmless.
TOUCH_INTERVAL = timedelta(minutes=1)
_STAGES = frozenset(stage.value for stage in SessionStage)


def _seal(key: bytes, secret: str, user_id: int, force_id: int, stage: SessionStage) -> str:
    return tokens.seal(key, tokens.SESSION, secret, user_id, force_id, stage.value)


def session_cookie(token: str) -> Cookie:
    # __Host- makes the browser insist on Secure, path=/ and no Domain.
    return Cookie(key=SESSION_COOKIE, value=token, path="/", secure=True, httponly=True, samesite="strict")


def cleared_session_cookie() -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", path="/", secure=True, httponly=True, samesite="strict", max_age=0)


async def create(
    conn: asyncpg.Connection[Any], *, key: bytes, user_id: int, force_id: int, stage: SessionStage, now: datetime
) -> str:
    secret = tokens.new_secret()
    session_id: int = await conn.fetchval(
        'INSERT INTO auth_session (token_hash, "user", "force", stage, created_at, last_seen_at, mfa_at) '
        "VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
        _seal(key, secret, user_id, force_id, stage),
        user_id,
        force_id,
        stage.value,
        now,
        now if stage is SessionStage.mfa else None,
    )
    return str(tokens.Token(session_id, secret))


async def load(conn: asyncpg.Connection[Any], cookie: str, now: datetime, *, key: bytes) -> Principal | None:
    """The principal behind a cookie's token, or None if it is unknown, forged, revoked or timed out.

    One round trip on the way in (`auth_session_principal`), outside any transaction: a page's own
    transaction scopes itself to the principal's force. Ending or touching a session is one
    statement of its own, and happens at most once a minute per session.
    """
    token = tokens.parse(cookie)
    if token is None:
        return None
    session = await conn.fetchrow("SELECT * FROM auth_session_principal($1)", token.row_id)
    # A wrong secret revokes nothing: anyone could send any id, and must not end others' sessions.
    if session is None or session["stage"] not in _STAGES:
        return None
    stage = SessionStage(session["stage"])
    if not tokens.matches(
        session["token_hash"], key, tokens.SESSION, token.secret, session["user"], session["force"], stage.value
    ):
        return None
    if session_expired(session["created_at"], session["last_seen_at"], now):
        await revoke(conn, session["id"], now)
        return None
    if session["username"] is None or not _usable(session["status"], stage):
        await revoke(conn, session["id"], now)
        return None
    if now - session["last_seen_at"] > TOUCH_INTERVAL:
        await conn.execute("UPDATE auth_session SET last_seen_at = $2 WHERE id = $1", session["id"], now)
    return Principal(
        session_id=session["id"],
        user_id=session["user"],
        force_id=session["force"],
        username=session["username"],
        display_name=session["display_name"],
        role=Role(session["role"]),
        stage=stage,
        mfa_at=session["mfa_at"],
        step_up_at=session["step_up_at"],
        force_name=session["force_name"],
    )


def _usable(status: str, stage: SessionStage) -> bool:
    """Active users' sessions work; a pending user's only while enrolling."""
    return status == "active" or (stage is SessionStage.enrolment and status == "pending")


async def upgrade(
    conn: asyncpg.Connection[Any],
    principal: Principal,
    stage: SessionStage,
    now: datetime,
    *,
    key: bytes,
    fresh_code: bool = True,
) -> str:
    """Move a session to a later stage under a new token; the old token stops working at once.

    `fresh_code` records that a code from the authenticator was just entered (it counts as a step-up).
    """
    secret = tokens.new_secret()
    await conn.execute(
        "UPDATE auth_session SET token_hash = $2, stage = $3::varchar, last_seen_at = $4, "
        "mfa_at = CASE WHEN $5 THEN $4 ELSE mfa_at END WHERE id = $1",
        principal.session_id,
        _seal(key, secret, principal.user_id, principal.force_id, stage),
        stage.value,
        now,
        fresh_code,
    )
    return str(tokens.Token(principal.session_id, secret))


async def mark_stepped_up(conn: asyncpg.Connection[Any], session_id: int, now: datetime) -> None:
    await conn.execute("UPDATE auth_session SET step_up_at = $2 WHERE id = $1", session_id, now)


async def revoke(conn: asyncpg.Connection[Any], session_id: int, now: datetime) -> None:
    await conn.execute("UPDATE auth_session SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", session_id, now)


async def revoke_all(conn: asyncpg.Connection[Any], user_id: int, now: datetime) -> int:
    """End every session of a user (disabled, or reset). Returns how many were live."""
    result = await conn.execute(
        'UPDATE auth_session SET revoked_at = $2 WHERE "user" = $1 AND revoked_at IS NULL', user_id, now
    )
    return int(result.split()[-1])

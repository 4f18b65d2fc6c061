"""Managing forces and staff accounts: used by the admin pages, the admin API and the CLI.

Every function takes the caller's connection (inside their transaction, scoped to their force)
and writes its own audit row, so an administrative change is never without its record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from disclosure_service import files
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import record
from disclosure_service.auth import sessions, tokens
from disclosure_service.identity.principal import Actor, RequestMeta
from disclosure_service.identity.roles import USERNAME, Role, UserStatus

ENROLMENT_LINK_LIFETIME = timedelta(hours=72)
FORCE_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")


class NoSuchUserError(LookupError):
    """No user with that id in the administrator's force (another force's user is as missing)."""


class AccountError(Exception):
    """An administrative change cannot be made; the message says why, for the person asking."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class EnrolmentLink:
    token: str
    expires_at: datetime

    def url(self, public_url: str) -> str:
        return f"{public_url.rstrip('/')}/enrol/{self.token}"


@dataclass(frozen=True, slots=True)
class UserSummary:
    id: int
    force_id: int
    username: str
    display_name: str
    team: str
    role: Role
    status: UserStatus
    locked: bool
    failed_attempts: int
    last_login_at: datetime | None
    created_at: datetime


_USER_COLUMNS = (
    'id, "force", username, display_name, team, role, status, failed_attempts, locked_until, last_login_at, created_at'
)


def _summary(row: asyncpg.Record, now: datetime) -> UserSummary:
    return UserSummary(
        id=row["id"],
        force_id=row["force"],
        username=row["username"],
        display_name=row["display_name"],
        team=row["team"],
        role=Role(row["role"]),
        status=UserStatus(row["status"]),
        locked=row["locked_until"] is not None and row["locked_until"] > now,
        failed_attempts=row["failed_attempts"],
        last_login_at=row["last_login_at"],
        created_at=row["created_at"],
    )


def check_username(username: str) -> str:
    normalised = username.strip().lower()
    if not USERNAME.match(normalised):
        raise AccountError(
            "Username must be 3 to 64 characters: lower-case letters, digits, dots, dashes or underscores",
            "username",
        )
    return normalised


def check_team(team: str) -> str:
    team = " ".join(team.split())
    if len(team) > 64:
        raise AccountError("Team must be 64 characters or fewer", "team")
    return team


# ---------------------------------------------------------------------------------------------
# Forces (CLI only: the runtime role may not create them)


def check_schemes(schemes: list[str], known: frozenset[str]) -> list[str]:
    """The schemes a force runs: at least one, each one the service knows."""
    chosen = sorted({s.strip().lower() for s in schemes if s.strip()})
    unknown = [s for s in chosen if s not in known]
    if unknown or not chosen:
        raise AccountError(f"Choose the schemes the force runs from: {', '.join(sorted(known))}", "schemes")
    return chosen


async def create_force(
    conn: asyncpg.Connection[Any], *, code: str, name: str, offers_welsh: bool, schemes: list[str]
) -> int:
    if not FORCE_CODE.match(code):
        raise AccountError("Force code must be 2 to 16 capital letters or digits, starting with a letter", "code")
    if not name.strip():
        raise AccountError("Enter the force's name", "name")
    try:
        force_id: int = await conn.fetchval(
            "INSERT INTO force (code, name, offers_welsh, schemes, created_at) VALUES ($1, $2, $3, $4, now()) "
            "RETURNING id",
            code,
            name.strip(),
            offers_welsh,
            schemes,
        )
    except asyncpg.UniqueViolationError:
        raise AccountError(f"A force with code {code} already exists", "code") from None
    await record(
        conn,
        actor=Actor(None, force_id, "cli"),
        operation=Operation.administration,
        event="force.created",
        record_type="force",
        record_id=force_id,
        details={"code": code, "schemes": schemes},
    )
    return force_id


async def set_schemes(conn: asyncpg.Connection[Any], *, code: str, schemes: list[str]) -> None:
    """Change the schemes a force runs; its cases under a scheme it stops running stay as they are."""
    force_id = await force_id_for(conn, code)
    await conn.execute("UPDATE force SET schemes = $2 WHERE id = $1", force_id, schemes)
    await record(
        conn,
        actor=Actor(None, force_id, "cli"),
        operation=Operation.administration,
        event="force.schemes_changed",
        record_type="force",
        record_id=force_id,
        details={"code": code, "schemes": schemes},
    )


# A crest is a small picture in a document's header: a few hundred kilobytes is plenty.
MAX_CREST_BYTES = 512 * 1024


def crest_problem(picture: bytes) -> str | None:
    """Why a file cannot be a force's crest (None if it can). PNG only: it takes the place of the
    PNG in the templates' headers, and can be transparent around the crest."""
    if files.png_size(picture) is None:
        return "The crest must be a PNG picture"
    if len(picture) > MAX_CREST_BYTES:
        return f"The crest must be {MAX_CREST_BYTES // 1024} KB or smaller"
    return None


async def set_crest(conn: asyncpg.Connection[Any], *, code: str, picture: bytes | None) -> None:
    """Set (or with None, remove) the crest in the header of the force's documents from now on.
    Documents already generated keep the crest they were made with."""
    if picture is not None and (problem := crest_problem(picture)):
        raise AccountError(problem, "crest")
    force_id = await force_id_for(conn, code)
    await conn.execute("UPDATE force SET crest = $2 WHERE id = $1", force_id, picture)
    await record(
        conn,
        actor=Actor(None, force_id, "cli"),
        operation=Operation.administration,
        event="force.crest_removed" if picture is None else "force.crest_set",
        record_type="force",
        record_id=force_id,
        details={"code": code, "bytes": len(picture or b"")},
    )


async def force_id_for(conn: asyncpg.Connection[Any], code: str) -> int:
    force_id: int | None = await conn.fetchval("SELECT id FROM force WHERE code = $1", code.upper())
    if force_id is None:
        raise AccountError(f"There is no force with code {code.upper()}", "force")
    return force_id


# ---------------------------------------------------------------------------------------------
# Users


async def list_users(conn: asyncpg.Connection[Any], force_id: int, now: datetime) -> list[UserSummary]:
    rows = await conn.fetch(
        f'SELECT {_USER_COLUMNS} FROM app_user WHERE "force" = $1 ORDER BY display_name, username',  # noqa: S608
        force_id,
    )
    return [_summary(row, now) for row in rows]


async def get_user(conn: asyncpg.Connection[Any], user_id: int, force_id: int, now: datetime) -> UserSummary:
    """The user, if they belong to `force_id`; another force's user is as missing as a deleted one."""
    row = await conn.fetchrow(
        f'SELECT {_USER_COLUMNS} FROM app_user WHERE id = $1 AND "force" = $2',  # noqa: S608
        user_id,
        force_id,
    )
    if row is None:
        raise NoSuchUserError(user_id)
    return _summary(row, now)


async def find_user(conn: asyncpg.Connection[Any], username: str, now: datetime) -> UserSummary:
    """By username, for the CLI (which runs as the owner and sees every force)."""
    row = await conn.fetchrow(f"SELECT {_USER_COLUMNS} FROM app_user WHERE username = $1", username)  # noqa: S608
    if row is None:
        raise AccountError(f"There is no user called {username}", "username")
    return _summary(row, now)


async def create_user(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    username: str,
    display_name: str,
    role: Role,
    team: str = "",
    actor: Actor,
    token_key: bytes,
    meta: RequestMeta | None = None,
    now: datetime,
) -> tuple[int, EnrolmentLink]:
    """A new account, waiting for its owner to open the enrolment link."""
    username = check_username(username)
    display_name = display_name.strip() or username
    if len(display_name) > 120:
        raise AccountError("Name must be 120 characters or fewer", "display_name")
    team = check_team(team)
    async with conn.transaction():  # a savepoint: a taken username must not spoil the caller's transaction
        try:
            user_id: int = await conn.fetchval(
                'INSERT INTO app_user ("force", username, display_name, team, role, status, failed_attempts, '
                "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6) RETURNING id",
                force_id,
                username,
                display_name,
                team,
                role.value,
                now,
            )
        except asyncpg.UniqueViolationError:
            raise AccountError("That username is already taken: choose another", "username") from None
    link = await _issue_enrolment_link(
        conn, user_id=user_id, force_id=force_id, actor=actor, token_key=token_key, now=now
    )
    await _audit(
        conn,
        actor,
        meta=meta,
        event="user.created",
        user_id=user_id,
        force_id=force_id,
        details={"username": username, "role": role.value, "team": team},
    )
    return user_id, link


async def reset_two_factor(
    conn: asyncpg.Connection[Any],
    *,
    user: UserSummary,
    actor: Actor,
    token_key: bytes,
    meta: RequestMeta | None = None,
    now: datetime,
) -> EnrolmentLink:
    """Start again: password, authenticator and recovery codes are cleared and a new link issued."""
    if actor.user_id == user.id:
        # The link would let whoever holds this session choose new credentials for the account.
        raise AccountError("You cannot reset your own sign-in: ask another administrator")
    if user.status is UserStatus.disabled:
        raise AccountError("Enable this account before resetting it")
    await conn.execute(
        "UPDATE app_user SET password_hash = NULL, totp_secret_encrypted = NULL, totp_last_timecode = NULL, "
        "status = 'pending', failed_attempts = 0, locked_until = NULL, updated_at = $2 WHERE id = $1",
        user.id,
        now,
    )
    await conn.execute('DELETE FROM recovery_code WHERE "user" = $1', user.id)
    await sessions.revoke_all(conn, user.id, now)
    link = await _issue_enrolment_link(
        conn, user_id=user.id, force_id=user.force_id, actor=actor, token_key=token_key, now=now
    )
    await _audit(conn, actor, meta=meta, event="user.two_factor_reset", user_id=user.id, force_id=user.force_id)
    return link


async def unlock(
    conn: asyncpg.Connection[Any],
    *,
    user: UserSummary,
    actor: Actor,
    meta: RequestMeta | None = None,
    now: datetime,
) -> None:
    await conn.execute(
        "UPDATE app_user SET failed_attempts = 0, locked_until = NULL, updated_at = $2 WHERE id = $1",
        user.id,
        now,
    )
    await _audit(conn, actor, meta=meta, event="user.unlocked", user_id=user.id, force_id=user.force_id)


async def disable(
    conn: asyncpg.Connection[Any],
    *,
    user: UserSummary,
    actor: Actor,
    meta: RequestMeta | None = None,
    now: datetime,
) -> None:
    """Switch the account off and end its sessions at once, in every process."""
    if actor.user_id == user.id:
        raise AccountError("You cannot disable your own account")
    await conn.execute("UPDATE app_user SET status = 'disabled', updated_at = $2 WHERE id = $1", user.id, now)
    # An unused enrolment link must not bring a disabled account back.
    await conn.execute('UPDATE enrolment_token SET used_at = $2 WHERE "user" = $1 AND used_at IS NULL', user.id, now)
    ended = await sessions.revoke_all(conn, user.id, now)
    await _audit(
        conn,
        actor,
        meta=meta,
        event="user.disabled",
        user_id=user.id,
        force_id=user.force_id,
        details={"sessions_ended": ended},
    )


async def enable(
    conn: asyncpg.Connection[Any],
    *,
    user: UserSummary,
    actor: Actor,
    meta: RequestMeta | None = None,
    now: datetime,
) -> None:
    enrolled = await conn.fetchval("SELECT totp_secret_encrypted IS NOT NULL FROM app_user WHERE id = $1", user.id)
    status = UserStatus.active if enrolled else UserStatus.pending
    await conn.execute("UPDATE app_user SET status = $2, updated_at = $3 WHERE id = $1", user.id, status.value, now)
    await _audit(conn, actor, meta=meta, event="user.enabled", user_id=user.id, force_id=user.force_id)


async def set_role(
    conn: asyncpg.Connection[Any],
    *,
    user: UserSummary,
    role: Role,
    actor: Actor,
    meta: RequestMeta | None = None,
    now: datetime,
) -> None:
    """The new role applies from the user's next request (roles are read per request)."""
    if actor.user_id == user.id:
        raise AccountError("You cannot change your own role: ask another administrator", "role")
    await conn.execute("UPDATE app_user SET role = $2, updated_at = $3 WHERE id = $1", user.id, role.value, now)
    await _audit(
        conn,
        actor,
        meta=meta,
        event="user.role_changed",
        user_id=user.id,
        force_id=user.force_id,
        details={"from": user.role.value, "to": role.value},
    )


async def set_team(
    conn: asyncpg.Connection[Any],
    *,
    user: UserSummary,
    team: str,
    actor: Actor,
    meta: RequestMeta | None = None,
    now: datetime,
) -> None:
    team = check_team(team)
    await conn.execute("UPDATE app_user SET team = $2, updated_at = $3 WHERE id = $1", user.id, team, now)
    await _audit(
        conn,
        actor,
        meta=meta,
        event="user.team_changed",
        user_id=user.id,
        force_id=user.force_id,
        details={"from": user.team, "to": team},
    )


async def _issue_enrolment_link(
    conn: asyncpg.Connection[Any], *, user_id: int, force_id: int, actor: Actor, token_key: bytes, now: datetime
) -> EnrolmentLink:
    """A new link; any earlier unused link for the user stops working.

    The row keeps a seal bound to the user and force (`auth.tokens`), so a row written straight into
    the table, or an existing one moved to another user, opens nothing.
    """
    await conn.execute('UPDATE enrolment_token SET used_at = $2 WHERE "user" = $1 AND used_at IS NULL', user_id, now)
    secret = tokens.new_secret()
    expires_at = now + ENROLMENT_LINK_LIFETIME
    link_id: int = await conn.fetchval(
        'INSERT INTO enrolment_token (token_hash, "user", "force", created_by, created_at, expires_at) '
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        tokens.seal(token_key, tokens.ENROLMENT, secret, user_id, force_id),
        user_id,
        force_id,
        actor.user_id,
        now,
        expires_at,
    )
    return EnrolmentLink(token=str(tokens.Token(link_id, secret)), expires_at=expires_at)


async def _audit(
    conn: asyncpg.Connection[Any],
    actor: Actor,
    *,
    meta: RequestMeta | None,
    event: str,
    user_id: int,
    force_id: int,
    details: dict[str, Any] | None = None,
) -> None:
    await record(
        conn,
        actor=actor,
        operation=Operation.administration,
        event=event,
        meta=meta,
        force_id=force_id,
        record_type="user",
        record_id=user_id,
        details=details,
    )

"""What the administrators' pages and API do, each in one transaction of the administrator's force.

The work itself (with its audit rows) is in `accounts.service`, which the command line also uses
on the schema owner's connection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from disclosure_service.accounts import service
from disclosure_service.accounts.service import EnrolmentLink, UserSummary
from disclosure_service.audit.writer import Caller
from disclosure_service.database import engine as db
from disclosure_service.identity.principal import Principal
from disclosure_service.identity.roles import Role

Change = Callable[..., Awaitable[Any]]
# Changes to a user that take nothing but the user (and, for these two, their new role or team).
CHANGES: dict[str, Change] = {
    "unlock": service.unlock,
    "disable": service.disable,
    "enable": service.enable,
    "role": service.set_role,
    "team": service.set_team,
}


async def users(principal: Principal) -> list[UserSummary]:
    async with db.transaction(force_id=principal.force_id) as conn:
        return await service.list_users(conn, principal.force_id, datetime.now(UTC))


async def user(principal: Principal, user_id: int) -> UserSummary:
    """The user, or NoSuchUserError (another force's user too)."""
    async with db.transaction(force_id=principal.force_id) as conn:
        return await service.get_user(conn, user_id, principal.force_id, datetime.now(UTC))


async def create(
    caller: Caller, *, username: str, display_name: str, role: Role, team: str, token_key: bytes
) -> tuple[UserSummary, EnrolmentLink]:
    """A new user of the administrator's force, and their one-time enrolment link."""
    admin = caller.principal
    now = datetime.now(UTC)
    async with db.transaction(force_id=admin.force_id) as conn:
        user_id, link = await service.create_user(
            conn,
            force_id=admin.force_id,
            username=username,
            display_name=display_name,
            role=role,
            team=team,
            actor=admin.actor,
            token_key=token_key,
            meta=caller.meta,
            now=now,
        )
        return await service.get_user(conn, user_id, admin.force_id, now), link


async def change(caller: Caller, user_id: int, name: str, **details: Any) -> UserSummary:
    """One of CHANGES to a user of the administrator's force; the user as they are now."""
    admin = caller.principal
    now = datetime.now(UTC)
    async with db.transaction(force_id=admin.force_id) as conn:
        found = await service.get_user(conn, user_id, admin.force_id, now)
        await CHANGES[name](conn, user=found, actor=admin.actor, meta=caller.meta, now=now, **details)
        return await service.get_user(conn, user_id, admin.force_id, now)


async def reset_two_factor(caller: Caller, user_id: int, *, token_key: bytes) -> tuple[UserSummary, EnrolmentLink]:
    """The user's password and authenticator cleared, and a new enrolment link."""
    admin = caller.principal
    now = datetime.now(UTC)
    async with db.transaction(force_id=admin.force_id) as conn:
        found = await service.get_user(conn, user_id, admin.force_id, now)
        link = await service.reset_two_factor(
            conn, user=found, actor=admin.actor, token_key=token_key, meta=caller.meta, now=now
        )
        return await service.get_user(conn, user_id, admin.force_id, now), link

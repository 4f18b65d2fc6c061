"""JSON API for administrators: their own force's users, `/api/v1/users`.

Changes need a fresh code (`POST /api/v1/auth/step-up`) within the last few minutes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, JSONBody

from disclosure_service.accounts import service
from disclosure_service.accounts.roles import Role
from disclosure_service.auth import access
from disclosure_service.auth.middleware import request_meta
from disclosure_service.auth.principal import Principal
from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db


class UserOut(msgspec.Struct):
    id: int
    username: str
    display_name: str
    team: str
    role: str
    status: str
    locked: bool
    failed_attempts: int
    last_login_at: datetime | None
    created_at: datetime


class NewUserIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    role: Role
    display_name: Annotated[str, msgspec.Meta(max_length=120)] = ""
    team: Annotated[str, msgspec.Meta(max_length=64)] = ""


class TeamIn(msgspec.Struct, forbid_unknown_fields=True):
    team: Annotated[str, msgspec.Meta(max_length=64)]


class RoleIn(msgspec.Struct, forbid_unknown_fields=True):
    role: Role


class EnrolmentLinkOut(msgspec.Struct):
    user: UserOut
    enrolment_url: str
    expires_at: datetime


def user_out(user: service.UserSummary) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        team=user.team,
        role=user.role.value,
        status=user.status.value,
        locked=user.locked,
        failed_attempts=user.failed_attempts,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


def _token_key(request: Request[Any, Any, Any]) -> bytes:
    keys: Keys = request.app.state.auth_keys
    return keys.token_key


def _invalid(exc: service.AccountError) -> ValidationException:
    return ValidationException(str(exc), extra=[{"key": exc.field or "", "message": str(exc)}])


ADMIN = access.opt(access.ADMINS)
ADMIN_CHANGE = access.opt(access.ADMINS, step_up=True)


class UsersApi(Controller):
    path = "/users"
    tags = ("Users",)

    @get("/", opt=ADMIN)
    async def list_users(self, request: Request[Any, Any, Any]) -> list[UserOut]:
        """Every user of the administrator's force."""
        admin = access.caller(request)
        async with db.transaction(force_id=admin.force_id) as conn:
            users = await service.list_users(conn, admin.force_id, datetime.now(UTC))
        return [user_out(u) for u in users]

    @post("/", opt=ADMIN_CHANGE, status_code=201)
    async def create_user(self, request: Request[Any, Any, Any], data: JSONBody[NewUserIn]) -> EnrolmentLinkOut:
        """Create a user; the response carries their one-time enrolment link."""
        admin = access.caller(request)
        now = datetime.now(UTC)
        async with db.transaction(force_id=admin.force_id) as conn:
            try:
                user_id, link = await service.create_user(
                    conn,
                    force_id=admin.force_id,
                    username=data.username,
                    display_name=data.display_name,
                    role=data.role,
                    team=data.team,
                    actor=admin.actor,
                    token_key=_token_key(request),
                    meta=request_meta(request),
                    now=now,
                )
            except service.AccountError as exc:
                raise _invalid(exc) from None
            user = await service.get_user(conn, user_id, admin.force_id, now)
        public_url: str = request.app.state.public_url
        return EnrolmentLinkOut(user=user_out(user), enrolment_url=link.url(public_url), expires_at=link.expires_at)

    @get("/{user_id:int}", opt=ADMIN)
    async def get_user(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> UserOut:
        """One user of the administrator's force (another force's user is a 404)."""
        admin = access.caller(request)
        async with db.transaction(force_id=admin.force_id) as conn:
            return user_out(await _user(conn, user_id, admin))

    @post("/{user_id:int}/unlock", opt=ADMIN_CHANGE, status_code=200)
    async def unlock(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> UserOut:
        """Lift a lockout after failed sign-ins and reset the count."""
        return await _change(request, user_id, service.unlock)

    @post("/{user_id:int}/disable", opt=ADMIN_CHANGE, status_code=200)
    async def disable(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> UserOut:
        """Switch the account off; its sessions end at once. Not your own."""
        return await _change(request, user_id, service.disable)

    @post("/{user_id:int}/enable", opt=ADMIN_CHANGE, status_code=200)
    async def enable(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> UserOut:
        """Switch a disabled account back on."""
        return await _change(request, user_id, service.enable)

    @post("/{user_id:int}/role", opt=ADMIN_CHANGE, status_code=200)
    async def set_role(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], data: JSONBody[RoleIn]
    ) -> UserOut:
        """Change the user's role; it applies from their next request. Not your own."""
        return await _change(request, user_id, service.set_role, role=data.role)

    @post("/{user_id:int}/team", opt=ADMIN_CHANGE, status_code=200)
    async def set_team(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], data: JSONBody[TeamIn]
    ) -> UserOut:
        """The team the user works in, for the oversight figures; an empty string clears it."""
        return await _change(request, user_id, service.set_team, team=data.team)

    @post("/{user_id:int}/reset-2fa", opt=ADMIN_CHANGE, status_code=200)
    async def reset_two_factor(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> EnrolmentLinkOut:
        """Clear the user's password and authenticator; returns a new enrolment link."""
        admin = access.caller(request)
        now = datetime.now(UTC)
        async with db.transaction(force_id=admin.force_id) as conn:
            user = await _user(conn, user_id, admin)
            try:
                link = await service.reset_two_factor(
                    conn,
                    user=user,
                    actor=admin.actor,
                    token_key=_token_key(request),
                    meta=request_meta(request),
                    now=now,
                )
            except service.AccountError as exc:
                raise _invalid(exc) from None
            user = await service.get_user(conn, user_id, admin.force_id, now)
        public_url: str = request.app.state.public_url
        return EnrolmentLinkOut(user=user_out(user), enrolment_url=link.url(public_url), expires_at=link.expires_at)


async def _user(conn: Any, user_id: int, admin: Principal) -> service.UserSummary:
    try:
        return await service.get_user(conn, user_id, admin.force_id, datetime.now(UTC))
    except LookupError:
        raise NotFoundException() from None


async def _change(request: Request[Any, Any, Any], user_id: int, change: Any, **kwargs: Any) -> UserOut:
    admin = access.caller(request)
    now = datetime.now(UTC)
    async with db.transaction(force_id=admin.force_id) as conn:
        user = await _user(conn, user_id, admin)
        try:
            await change(conn, user=user, actor=admin.actor, meta=request_meta(request), now=now, **kwargs)
        except service.AccountError as exc:
            raise _invalid(exc) from None
        return user_out(await service.get_user(conn, user_id, admin.force_id, now))

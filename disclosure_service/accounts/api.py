"""JSON API for administrators: their own force's users, `/api/v1/users`.

Changes need a fresh code (`POST /api/v1/auth/step-up`) within the last few minutes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from disclosure_service.accounts import admin, service
from disclosure_service.audit.writer import Caller
from disclosure_service.auth.service import Keys
from disclosure_service.identity.principal import Principal
from disclosure_service.identity.roles import Role
from disclosure_service.web import access


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


def _link_out(
    request: Request[Any, Any, Any], user: service.UserSummary, link: service.EnrolmentLink
) -> EnrolmentLinkOut:
    public_url: str = request.app.state.public_url
    return EnrolmentLinkOut(user=user_out(user), enrolment_url=link.url(public_url), expires_at=link.expires_at)


ADMIN = access.opt(access.ADMINS)
ADMIN_CHANGE = access.opt(access.ADMINS, step_up=True)


class UsersApi(Controller):
    """A refused change is a 400 and another force's user a 404 (`accounts.http_errors`)."""

    path = "/users"
    tags = ("Users",)

    @get("/", opt=ADMIN)
    async def list_users(self, principal: NamedDependency[Principal]) -> list[UserOut]:
        """Every user of the administrator's force."""
        return [user_out(u) for u in await admin.users(principal)]

    @post("/", opt=ADMIN_CHANGE, status_code=201)
    async def create_user(
        self, request: Request[Any, Any, Any], data: JSONBody[NewUserIn], caller: NamedDependency[Caller]
    ) -> EnrolmentLinkOut:
        """Create a user; the response carries their one-time enrolment link."""
        user, link = await admin.create(
            caller,
            username=data.username,
            display_name=data.display_name,
            role=data.role,
            team=data.team,
            token_key=_token_key(request),
        )
        return _link_out(request, user, link)

    @get("/{user_id:int}", opt=ADMIN)
    async def get_user(self, user_id: FromPath[int], principal: NamedDependency[Principal]) -> UserOut:
        """One user of the administrator's force (another force's user is a 404)."""
        return user_out(await admin.user(principal, user_id))

    @post("/{user_id:int}/unlock", opt=ADMIN_CHANGE, status_code=200)
    async def unlock(self, user_id: FromPath[int], caller: NamedDependency[Caller]) -> UserOut:
        """Lift a lockout after failed sign-ins and reset the count."""
        return user_out(await admin.change(caller, user_id, "unlock"))

    @post("/{user_id:int}/disable", opt=ADMIN_CHANGE, status_code=200)
    async def disable(self, user_id: FromPath[int], caller: NamedDependency[Caller]) -> UserOut:
        """Switch the account off; its sessions end at once. Not your own."""
        return user_out(await admin.change(caller, user_id, "disable"))

    @post("/{user_id:int}/enable", opt=ADMIN_CHANGE, status_code=200)
    async def enable(self, user_id: FromPath[int], caller: NamedDependency[Caller]) -> UserOut:
        """Switch a disabled account back on."""
        return user_out(await admin.change(caller, user_id, "enable"))

    @post("/{user_id:int}/role", opt=ADMIN_CHANGE, status_code=200)
    async def set_role(
        self, user_id: FromPath[int], data: JSONBody[RoleIn], caller: NamedDependency[Caller]
    ) -> UserOut:
        """Change the user's role; it applies from their next request. Not your own."""
        return user_out(await admin.change(caller, user_id, "role", role=data.role))

    @post("/{user_id:int}/team", opt=ADMIN_CHANGE, status_code=200)
    async def set_team(
        self, user_id: FromPath[int], data: JSONBody[TeamIn], caller: NamedDependency[Caller]
    ) -> UserOut:
        """The team the user works in, for the oversight figures; an empty string clears it."""
        return user_out(await admin.change(caller, user_id, "team", team=data.team))

    @post("/{user_id:int}/reset-2fa", opt=ADMIN_CHANGE, status_code=200)
    async def reset_two_factor(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], caller: NamedDependency[Caller]
    ) -> EnrolmentLinkOut:
        """Clear the user's password and authenticator; returns a new enrolment link."""
        user, link = await admin.reset_two_factor(caller, user_id, token_key=_token_key(request))
        return _link_out(request, user, link)

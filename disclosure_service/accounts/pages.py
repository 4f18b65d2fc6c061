"""Administrators' pages: their force's users, creating them and changing their access."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from disclosure_service.accounts import service
from disclosure_service.accounts.roles import Role
from disclosure_service.auth import access, step_up
from disclosure_service.auth.middleware import request_meta
from disclosure_service.auth.principal import Principal
from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.web.forms import FormErrors, read_form

AnyRequest = Request[Any, Any, Any]
ADMIN = access.opt(access.ADMINS)
ADMIN_FORM = access.opt(access.ADMINS, step_up=step_up.FORM)

DONE_MESSAGES = {
    "unlocked": "The account is unlocked.",
    "disabled": "The account is disabled and its sessions have ended.",
    "enabled": "The account is enabled.",
    "role": "The role has been changed. It applies from the user’s next click.",
    "team": "The team has been changed.",
}


def _token_key(request: AnyRequest) -> bytes:
    keys: Keys = request.app.state.auth_keys
    return keys.token_key


@get("/admin/users", opt=ADMIN)
async def users_page(request: AnyRequest) -> Template:
    admin = access.caller(request)
    async with db.transaction(force_id=admin.force_id) as conn:
        users = await service.list_users(conn, admin.force_id, datetime.now(UTC))
    return Template("accounts/users.html", context={"page_title": "Users", "users": users})


@get("/admin/users/new", opt=ADMIN_FORM)
async def new_user_page(request: AnyRequest) -> Template:
    return _new_user_form(request, {}, FormErrors())


def _new_user_form(request: AnyRequest, form: dict[str, str], errors: FormErrors) -> Template:
    return Template(
        "accounts/new_user.html",
        context={
            "page_title": "Create a user",
            "form": form,
            "roles": list(Role),
            "needs_code": step_up.needs_code(request),
            "back_link": "/admin/users",
            **errors.context(),
        },
        status_code=HTTP_400_BAD_REQUEST if errors else 200,
    )


@post("/admin/users/new", opt=ADMIN_FORM)
async def create_user(request: AnyRequest) -> Template:
    admin = access.caller(request)
    form = await read_form(request)
    errors = FormErrors()
    if not form.get("display_name"):
        errors.add("display_name", "Enter the person’s name")
    if not form.get("username"):
        errors.add("username", "Enter a username")
    if form.get("role") not in {r.value for r in Role}:
        errors.add("role", "Choose what the person will do", anchor="role")
    if not errors and (problem := await step_up.confirm(request, form)):
        errors.add("code", problem)
    if errors:
        return _new_user_form(request, form, errors)
    async with db.transaction(force_id=admin.force_id) as conn:
        try:
            user_id, link = await service.create_user(
                conn,
                force_id=admin.force_id,
                username=form["username"],
                display_name=form["display_name"],
                role=Role(form["role"]),
                team=form.get("team", ""),
                actor=admin.actor,
                token_key=_token_key(request),
                meta=request_meta(request),
                now=datetime.now(UTC),
            )
        except service.AccountError as exc:
            errors.add(exc.field or "username", str(exc))
            return _new_user_form(request, form, errors)
        user = await service.get_user(conn, user_id, admin.force_id, datetime.now(UTC))
    return _link_page(request, user, link, "User created")


def _link_page(request: AnyRequest, user: service.UserSummary, link: service.EnrolmentLink, title: str) -> Template:
    public_url: str = request.app.state.public_url
    return Template(
        "accounts/enrolment_link.html",
        context={
            "page_title": title,
            "user": user,
            "url": link.url(public_url),
            "expires_at": link.expires_at,
        },
    )


@get("/admin/users/{user_id:int}", opt=ADMIN_FORM)
async def user_page(request: AnyRequest, user_id: FromPath[int]) -> Template:
    admin = access.caller(request)
    async with db.transaction(force_id=admin.force_id) as conn:
        user = await _user(conn, user_id, admin)
    done = DONE_MESSAGES.get(request.query_params.get("done", ""))
    return _user_page(request, user, FormErrors(), done=done)


def _user_page(
    request: AnyRequest,
    user: service.UserSummary,
    errors: FormErrors,
    *,
    done: str | None = None,
    action: str | None = None,
    form: dict[str, str] | None = None,
) -> Template:
    return Template(
        "accounts/user.html",
        context={
            "page_title": user.display_name,
            "user": user,
            "roles": list(Role),
            "done": done,
            "action": action,
            "form": form or {},
            "needs_code": step_up.needs_code(request),
            "is_self": user.id == access.caller(request).user_id,
            "back_link": "/admin/users",
            **errors.context(),
        },
        status_code=HTTP_400_BAD_REQUEST if errors else 200,
    )


async def _user(conn: asyncpg.Connection[Any], user_id: int, admin: Principal) -> service.UserSummary:
    try:
        return await service.get_user(conn, user_id, admin.force_id, datetime.now(UTC))
    except LookupError:
        raise NotFoundException() from None


Change = Callable[..., Awaitable[Any]]
ACTIONS: dict[str, tuple[Change, str]] = {
    "unlock": (service.unlock, "unlocked"),
    "disable": (service.disable, "disabled"),
    "enable": (service.enable, "enabled"),
    "role": (service.set_role, "role"),
    "team": (service.set_team, "team"),
}


@post("/admin/users/{user_id:int}/{action:str}", opt=ADMIN_FORM)
async def change_user(request: AnyRequest, user_id: FromPath[int], action: FromPath[str]) -> Template | Redirect:
    admin = access.caller(request)
    if action not in (*ACTIONS, "reset-2fa"):
        raise NotFoundException()
    form = await read_form(request)
    now = datetime.now(UTC)
    async with db.transaction(force_id=admin.force_id) as conn:
        user = await _user(conn, user_id, admin)
        errors = FormErrors()
        extra: dict[str, Any] = {}
        if action == "role":
            if form.get("role") not in {r.value for r in Role}:
                errors.add("role", "Choose a role")
            else:
                extra["role"] = Role(form["role"])
        if action == "team":
            extra["team"] = form.get("team", "")
        if not errors and (problem := await step_up.confirm(request, form)):
            errors.add("code", problem, anchor=f"{action}-code")
        if errors:
            return _user_page(request, user, errors, action=action, form=form)
        meta = request_meta(request)
        try:
            if action == "reset-2fa":
                link = await service.reset_two_factor(
                    conn, user=user, actor=admin.actor, token_key=_token_key(request), meta=meta, now=now
                )
                return _link_page(request, user, link, "Two-factor authentication reset")
            change, done = ACTIONS[action]
            await change(conn, user=user, actor=admin.actor, meta=meta, now=now, **extra)
        except service.AccountError as exc:
            errors.add(exc.field or "action", str(exc), anchor=f"{action}-code")
            return _user_page(request, user, errors, action=action, form=form)
    return Redirect(f"/admin/users/{user_id}?done={done}", status_code=HTTP_303_SEE_OTHER)


ROUTES = [users_page, new_user_page, create_user, user_page, change_user]

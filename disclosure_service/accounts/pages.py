"""Administrators' pages: their force's users, creating them and changing their access."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from disclosure_service.accounts import admin, service
from disclosure_service.audit.writer import Caller
from disclosure_service.auth import step_up
from disclosure_service.auth.service import Keys
from disclosure_service.identity.principal import Principal
from disclosure_service.identity.roles import Role
from disclosure_service.web import access
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
async def users_page(principal: NamedDependency[Principal]) -> Template:
    return Template("accounts/users.html", context={"page_title": "Users", "users": await admin.users(principal)})


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
async def create_user(request: AnyRequest, caller: NamedDependency[Caller]) -> Template:
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
    try:
        user, link = await admin.create(
            caller,
            username=form["username"],
            display_name=form["display_name"],
            role=Role(form["role"]),
            team=form.get("team", ""),
            token_key=_token_key(request),
        )
    except service.AccountError as exc:
        errors.add(exc.field or "username", str(exc))
        return _new_user_form(request, form, errors)
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
async def user_page(request: AnyRequest, user_id: FromPath[int], principal: NamedDependency[Principal]) -> Template:
    user = await admin.user(principal, user_id)
    done = DONE_MESSAGES.get(request.query_params.get("done", ""))
    return _user_page(request, principal, user, FormErrors(), done=done)


def _user_page(
    request: AnyRequest,
    principal: Principal,
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
            "is_self": user.id == principal.user_id,
            "back_link": "/admin/users",
            **errors.context(),
        },
        status_code=HTTP_400_BAD_REQUEST if errors else 200,
    )


DONE = {"unlock": "unlocked", "disable": "disabled", "enable": "enabled", "role": "role", "team": "team"}


@post("/admin/users/{user_id:int}/{action:str}", opt=ADMIN_FORM)
async def change_user(
    request: AnyRequest, user_id: FromPath[int], action: FromPath[str], caller: NamedDependency[Caller]
) -> Template | Redirect:
    if action not in (*admin.CHANGES, "reset-2fa"):
        raise NotFoundException()
    user = await admin.user(caller.principal, user_id)
    form = await read_form(request)
    errors = FormErrors()
    details: dict[str, Any] = {}
    if action == "role":
        if form.get("role") not in {r.value for r in Role}:
            errors.add("role", "Choose a role")
        else:
            details["role"] = Role(form["role"])
    if action == "team":
        details["team"] = form.get("team", "")
    if not errors and (problem := await step_up.confirm(request, form)):
        errors.add("code", problem, anchor=f"{action}-code")
    if errors:
        return _user_page(request, caller.principal, user, errors, action=action, form=form)
    try:
        if action == "reset-2fa":
            user, link = await admin.reset_two_factor(caller, user_id, token_key=_token_key(request))
            return _link_page(request, user, link, "Two-factor authentication reset")
        await admin.change(caller, user_id, action, **details)
    except service.AccountError as exc:
        errors.add(exc.field or "action", str(exc), anchor=f"{action}-code")
        return _user_page(request, caller.principal, user, errors, action=action, form=form)
    return Redirect(f"/admin/users/{user_id}?done={DONE[action]}", status_code=HTTP_303_SEE_OTHER)


ROUTES = [users_page, new_user_page, create_user, user_page, change_user]

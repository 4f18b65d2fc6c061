"""Signing in, enrolment and step-up as pages (the same flows as `auth.api`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from disclosure_service.auth import service, sessions, totp
from disclosure_service.identity.principal import Principal, RequestMeta
from disclosure_service.web import access
from disclosure_service.web.forms import FormErrors, local_path, read_form, with_ready

AnyRequest = Request[Any, Any, Any]


def _keys(request: AnyRequest) -> service.Keys:
    keys: service.Keys = request.app.state.auth_keys
    return keys


def _see_other(path: str, token: str | None = None) -> Redirect:
    cookies = [sessions.session_cookie(token)] if token else []
    return Redirect(path, status_code=HTTP_303_SEE_OTHER, cookies=cookies)


def _page(template: str, status_code: int = 200, **context: Any) -> Template:
    return Template(template_name=template, context=context, status_code=status_code)


# ---------------------------------------------------------------------------------------------
# Password, then code


@get("/sign-in", opt=access.opt(access.PUBLIC))
async def sign_in_page(request: AnyRequest) -> Template | Redirect:
    next_path = request.query_params.get("next")
    principal = access.principal_of(request)
    if principal and principal.signed_in:
        return _see_other(local_path(next_path))
    signed_out = request.query_params.get("signed_out") == "1"
    return _page("auth/sign_in.html", form={}, next_path=local_path(next_path), signed_out=signed_out)


@post("/sign-in", opt=access.opt(access.PUBLIC))
async def sign_in(request: AnyRequest, meta: NamedDependency[RequestMeta]) -> Template | Redirect:
    form = await read_form(request)
    next_path = local_path(form.get("next"))
    errors = FormErrors()
    if not form.get("username"):
        errors.add("username", "Enter your username")
    if not form.get("password"):
        errors.add("password", "Enter your password")
    if not errors:
        outcome = await service.sign_in_with_password(
            form["username"], form["password"], _keys(request), meta, datetime.now(UTC)
        )
        if outcome.token:
            return _see_other(f"/sign-in/code?next={next_path}", outcome.token)
        errors.add("password", outcome.error or service.SIGN_IN_FAILED)
    form.pop("password", None)  # never echoed back into the page
    return _page("auth/sign_in.html", HTTP_400_BAD_REQUEST, form=form, next_path=next_path, **errors.context())


@get("/sign-in/code", opt=access.opt(access.PASSWORD))
async def code_page(request: AnyRequest) -> Template:
    return _page("auth/code.html", next_path=local_path(request.query_params.get("next")))


@post("/sign-in/code", opt=access.opt(access.PASSWORD))
async def code(
    request: AnyRequest, principal: NamedDependency[Principal], meta: NamedDependency[RequestMeta]
) -> Template | Redirect:
    form = await read_form(request)
    next_path = local_path(form.get("next"))
    errors = FormErrors()
    if not form.get("code"):
        errors.add("code", "Enter the code from your authenticator app")
    else:
        outcome = await service.sign_in_with_code(principal, form["code"], _keys(request), meta, datetime.now(UTC))
        if outcome.token:
            return _see_other(next_path, outcome.token)
        errors.add("code", outcome.error or service.CODE_FAILED)
    return _page("auth/code.html", HTTP_400_BAD_REQUEST, next_path=next_path, **errors.context())


@post("/sign-out", opt=access.opt(access.SIGNED_IN))
async def sign_out(
    request: AnyRequest, principal: NamedDependency[Principal], meta: NamedDependency[RequestMeta]
) -> Redirect:
    await service.sign_out(principal, meta, datetime.now(UTC))
    return Redirect(
        "/sign-in?signed_out=1", status_code=HTTP_303_SEE_OTHER, cookies=[sessions.cleared_session_cookie()]
    )


# ---------------------------------------------------------------------------------------------
# Step-up: a fresh code before a sensitive action reached by a link


def _step_up_page(status_code: int = 200, *, next_path: str, returns_to: str, **context: Any) -> Template:
    return _page(
        "auth/step_up.html",
        status_code,
        next_path=next_path,
        returns_to=returns_to,
        back_link=returns_to or None,
        **context,
    )


@get("/step-up", opt=access.opt(access.SIGNED_IN))
async def step_up_page(request: AnyRequest) -> Template:
    return _step_up_page(
        next_path=local_path(request.query_params.get("next")),
        returns_to=local_path(request.query_params.get("returns_to"), default=""),
    )


@post("/step-up", opt=access.opt(access.SIGNED_IN))
async def step_up(
    request: AnyRequest, principal: NamedDependency[Principal], meta: NamedDependency[RequestMeta]
) -> Template | Redirect:
    form = await read_form(request)
    next_path = local_path(form.get("next"))
    returns_to = local_path(form.get("returns_to"), default="")
    errors = FormErrors()
    if not form.get("code"):
        errors.add("code", "Enter the code from your authenticator app")
    else:
        outcome = await service.step_up(principal, form["code"], _keys(request), meta, datetime.now(UTC))
        if outcome.ok:
            # Back to the page the link was on, which offers what was asked for; without one, to it.
            return _see_other(with_ready(returns_to, next_path) if returns_to else next_path)
        errors.add("code", outcome.error or service.FRESH_CODE_FAILED)
    return _step_up_page(HTTP_400_BAD_REQUEST, next_path=next_path, returns_to=returns_to, **errors.context())


# ---------------------------------------------------------------------------------------------
# Enrolment: password, authenticator, recovery codes


@get("/enrol/{token:str}", opt=access.opt(access.PUBLIC))
async def enrol_page(token: FromPath[str]) -> Template:
    return _page("auth/enrol_password.html", token=token)


@post("/enrol/{token:str}", opt=access.opt(access.PUBLIC))
async def enrol(request: AnyRequest, token: FromPath[str], meta: NamedDependency[RequestMeta]) -> Template | Redirect:
    form = await read_form(request)
    errors = FormErrors()
    password = form.get("password", "")
    if not password:
        errors.add("password", "Enter a password")
    elif password != form.get("password_confirm", ""):
        errors.add("password_confirm", "The passwords do not match")
    if not errors:
        outcome = await service.start_enrolment(token, password, _keys(request), meta, datetime.now(UTC))
        if outcome.token:
            return _see_other("/enrol/authenticator", outcome.token)
        errors.add("password", outcome.error or service.ENROLMENT_LINK_FAILED)
    return _page("auth/enrol_password.html", HTTP_400_BAD_REQUEST, token=token, **errors.context())


async def _authenticator_context(request: AnyRequest, principal: Principal) -> dict[str, Any]:
    uri = await service.enrolment_uri(principal, _keys(request))
    secret = uri.split("secret=", 1)[1].split("&", 1)[0]
    spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"qr_svg": totp.qr_svg(uri), "secret": spaced, "username": principal.username}


@get("/enrol/authenticator", opt=access.opt(access.ENROLMENT))
async def authenticator_page(request: AnyRequest, principal: NamedDependency[Principal]) -> Template:
    return _page("auth/enrol_authenticator.html", **await _authenticator_context(request, principal))


@post("/enrol/authenticator", opt=access.opt(access.ENROLMENT))
async def authenticator(
    request: AnyRequest, principal: NamedDependency[Principal], meta: NamedDependency[RequestMeta]
) -> Response[Any]:
    form = await read_form(request)
    errors = FormErrors()
    if not form.get("code"):
        errors.add("code", "Enter the 6-digit code from your authenticator app")
    else:
        outcome = await service.confirm_enrolment(principal, form["code"], _keys(request), meta, datetime.now(UTC))
        if outcome.token:
            # Shown this once, in the response to the confirming POST: never stored, never shown again.
            page = _page("auth/enrol_recovery_codes.html", recovery_codes=outcome.recovery_codes)
            page.cookies.append(sessions.session_cookie(outcome.token))
            return page
        errors.add("code", outcome.error or service.FRESH_CODE_FAILED)
    context = await _authenticator_context(request, principal)
    return _page("auth/enrol_authenticator.html", HTTP_400_BAD_REQUEST, **context, **errors.context())


ROUTES = [
    sign_in_page,
    sign_in,
    code_page,
    code,
    sign_out,
    step_up_page,
    step_up,
    authenticator_page,
    authenticator,
    enrol_page,
    enrol,
]

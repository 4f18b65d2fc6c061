"""JSON API for signing in, for clients and tests: `/api/v1/auth/...`.

State-changing calls need the CSRF cookie's value in the `X-CSRFToken` header; `GET
/api/v1/auth/csrf` hands a client its first token.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, ValidationException
from litestar.params import JSONBody
from litestar.utils.scope.state import ScopeState

from disclosure_service.auth import service, sessions
from disclosure_service.identity.principal import Principal, RequestMeta
from disclosure_service.web import access

Username = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Secret = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: Secret


class NextStep(msgspec.Struct):
    next: str


class CodeIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Code


class EnrolIn(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    password: Secret


class EnrolOut(msgspec.Struct):
    otpauth_uri: str


class RecoveryCodesOut(msgspec.Struct):
    recovery_codes: list[str]


class UserOut(msgspec.Struct):
    id: int
    username: str
    display_name: str
    role: str
    force_id: int


class CsrfOut(msgspec.Struct):
    csrf_token: str


def user_out(principal: Principal) -> UserOut:
    return UserOut(
        id=principal.user_id,
        username=principal.username,
        display_name=principal.display_name,
        role=principal.role.value,
        force_id=principal.force_id,
    )


def _keys(request: Request[Any, Any, Any]) -> service.Keys:
    keys: service.Keys = request.app.state.auth_keys
    return keys


class AuthApi(Controller):
    path = "/auth"
    tags = ("Signing in",)

    @get("/csrf", opt=access.opt(access.PUBLIC))
    async def csrf(self, request: Request[Any, Any, Any]) -> CsrfOut:
        """A CSRF token; send it back in `X-CSRFToken` on every POST."""
        token = ScopeState.from_scope(request.scope).csrf_token
        return CsrfOut(csrf_token=token if isinstance(token, str) else "")

    @post("/login", opt=access.opt(access.PUBLIC), status_code=200)
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], meta: NamedDependency[RequestMeta]
    ) -> Response[NextStep]:
        """Password: the first of two factors. Sets a session cookie that can only send a code."""
        outcome = await service.sign_in_with_password(
            data.username, data.password, _keys(request), meta, datetime.now(UTC)
        )
        if outcome.token is None:
            raise NotAuthorizedException(outcome.error)
        return Response(NextStep(next="totp"), cookies=[sessions.session_cookie(outcome.token)])

    @post("/totp", opt=access.opt(access.PASSWORD), status_code=200)
    async def totp(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CodeIn],
        principal: NamedDependency[Principal],
        meta: NamedDependency[RequestMeta],
    ) -> Response[UserOut]:
        """Second factor: a TOTP code (or a recovery code). Signs the session in under a new id."""
        outcome = await service.sign_in_with_code(principal, data.code, _keys(request), meta, datetime.now(UTC))
        if outcome.token is None:
            raise NotAuthorizedException(outcome.error)
        return Response(user_out(principal), cookies=[sessions.session_cookie(outcome.token)])

    @post("/step-up", opt=access.opt(access.SIGNED_IN), status_code=204)
    async def step_up(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CodeIn],
        principal: NamedDependency[Principal],
        meta: NamedDependency[RequestMeta],
    ) -> None:
        """A fresh TOTP code, remembered for a few minutes, before a sensitive action."""
        outcome = await service.step_up(principal, data.code, _keys(request), meta, datetime.now(UTC))
        if not outcome.ok:
            raise NotAuthorizedException(outcome.error)

    @post("/enrol", opt=access.opt(access.PUBLIC), status_code=200)
    async def enrol(
        self, request: Request[Any, Any, Any], data: JSONBody[EnrolIn], meta: NamedDependency[RequestMeta]
    ) -> Response[EnrolOut]:
        """Open an enrolment link: choose a password, receive the authenticator's secret."""
        outcome = await service.start_enrolment(data.token, data.password, _keys(request), meta, datetime.now(UTC))
        if outcome.token is None or outcome.otpauth_uri is None:
            raise ValidationException(outcome.error)
        return Response(EnrolOut(otpauth_uri=outcome.otpauth_uri), cookies=[sessions.session_cookie(outcome.token)])

    @post("/enrol/confirm", opt=access.opt(access.ENROLMENT), status_code=200)
    async def enrol_confirm(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CodeIn],
        principal: NamedDependency[Principal],
        meta: NamedDependency[RequestMeta],
    ) -> Response[RecoveryCodesOut]:
        """A first code from the authenticator; returns recovery codes, shown this once only."""
        outcome = await service.confirm_enrolment(principal, data.code, _keys(request), meta, datetime.now(UTC))
        if outcome.token is None:
            raise NotAuthorizedException(outcome.error)
        return Response(
            RecoveryCodesOut(recovery_codes=list(outcome.recovery_codes)),
            cookies=[sessions.session_cookie(outcome.token)],
        )

    @post("/logout", opt=access.opt(access.SIGNED_IN), status_code=204)
    async def logout(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], meta: NamedDependency[RequestMeta]
    ) -> Response[None]:
        """End this session (on the server, not only the cookie)."""
        await service.sign_out(principal, meta, datetime.now(UTC))
        return Response(None, status_code=204, cookies=[sessions.cleared_session_cookie()])

    @get("/me", opt=access.opt(access.SIGNED_IN))
    async def me(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> UserOut:
        """Who is signed in: name, role and force."""
        return user_out(principal)

"""Every route declares who may call it; one guard enforces the declaration for all of them.

A route's `opt["access"]` is one of:
- "public": anyone (sign-in, enrolment, health, static files);
- "password": a session that has the password but not yet a code (the code page);
- "enrolment": a session part-way through enrolment;
- "signed_in": any fully signed-in user;
- a tuple of roles, e.g. ("officer", "supervisor").
`opt["step_up"]` is True when the route needs a code entered in the last few minutes (the guard
refuses without one), or "form" when the page's own form asks for the code and the handler checks
it with `auth.step_up.confirm` (so a person's typed input survives the extra step).
A route without a declaration is refused to everyone: forgetting fails closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from disclosure_service.identity.principal import Principal, RequestMeta, SessionStage
from disclosure_service.identity.roles import Role

PUBLIC = "public"
PASSWORD = "password"  # noqa: S105  # an access level, not a secret
ENROLMENT = "enrolment"
SIGNED_IN = "signed_in"

CASEWORK: tuple[Role, ...] = (Role.officer, Role.supervisor)
SUPERVISORS: tuple[Role, ...] = (Role.supervisor,)
ADMINS: tuple[Role, ...] = (Role.admin,)
AUDITORS: tuple[Role, ...] = (Role.auditor,)


class StepUpRequired(PermissionDeniedException):
    """The action needs a code entered in the last few minutes."""

    detail = "Enter a new code from your authenticator app to confirm this action"


def opt(access: str | Iterable[Role], *, step_up: bool | str = False, returns_to: str = "") -> dict[str, Any]:
    """The `opt` a route handler declares, e.g. `@get("/x", opt=access.opt(access.CASEWORK))`.

    `returns_to` (with the route's path parameters in braces, "/cases/{case_id}") is the page a
    user goes back to after the fresh code a step-up route asks for: a download is only a file, and
    the page it was offered on is where they were (the service sends no Referer to say so)."""
    value: str | tuple[str, ...] = access if isinstance(access, str) else tuple(Role(r).value for r in access)
    return {"access": value, "step_up": step_up, "returns_to": returns_to}


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    user = connection.scope.get("user")
    return user if isinstance(user, Principal) else None


def caller(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The signed-in user, in a handler whose access rule has already let only signed-in users in."""
    principal = principal_of(connection)
    if principal is None:  # pragma: no cover - the guard refuses anonymous callers first
        raise NotAuthorizedException()
    return principal


def access_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    declared = handler.opt.get("access")
    if declared is None:
        raise PermissionDeniedException("This route declares no access rule")
    if declared == PUBLIC:
        return
    principal = principal_of(connection)
    if principal is None:
        raise NotAuthorizedException("Sign in to continue")
    if declared == PASSWORD:
        if principal.stage is not SessionStage.password:
            raise NotAuthorizedException("Sign in to continue")
        return
    if declared == ENROLMENT:
        if principal.stage is not SessionStage.enrolment:
            raise NotAuthorizedException("Open your enrolment link to continue")
        return
    if not principal.signed_in:
        raise NotAuthorizedException("Sign in to continue")
    if declared != SIGNED_IN and principal.role.value not in declared:
        raise PermissionDeniedException("You do not have permission to do that")
    if handler.opt.get("step_up") is True and not principal.stepped_up(datetime.now(UTC)):
        raise StepUpRequired()


def request_meta(connection: ASGIConnection[Any, Any, Any, Any]) -> RequestMeta:
    """Where a request came from, for the audit trail."""
    client = connection.client
    return RequestMeta(
        ip=client.host if client else "",
        user_agent=connection.headers.get("user-agent", ""),
        request_id=str(connection.scope.get("state", {}).get("request_id", "")),
    )

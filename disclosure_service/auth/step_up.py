"""Step-up inside a form: the page asks for a code only when the last one is more than a few minutes old."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request

from disclosure_service.auth import service
from disclosure_service.web import access
from disclosure_service.web.access import request_meta

FORM = "form"
CODE_NEEDED = "Enter a new code from your authenticator app to confirm this change"


def needs_code(request: Request[Any, Any, Any]) -> bool:
    """Whether the form should show the code field."""
    principal = access.principal_of(request)
    return principal is None or not principal.stepped_up(datetime.now(UTC))


async def confirm(request: Request[Any, Any, Any], form: dict[str, str]) -> str | None:
    """None if the session is freshly stepped up or the form's code does it now; else the error."""
    principal = access.principal_of(request)
    if principal is None:
        return CODE_NEEDED
    now = datetime.now(UTC)
    if principal.stepped_up(now):
        return None
    code = form.get("code", "")
    if not code:
        return CODE_NEEDED
    keys: service.Keys = request.app.state.auth_keys
    outcome = await service.step_up(principal, code, keys, request_meta(request), now)
    return outcome.error

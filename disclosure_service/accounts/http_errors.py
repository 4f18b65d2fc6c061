"""Refused account changes as HTTP answers, in one place: a 400 that says why, and a 404 for a user
who is not in the administrator's force."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import NotFoundException, ValidationException
from litestar.types import ExceptionHandlersMap

from disclosure_service.accounts.service import AccountError, NoSuchUserError
from disclosure_service.web.errors import handle_http_exception


def handle_account_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, NoSuchUserError):
        return handle_http_exception(request, NotFoundException())
    field = exc.field if isinstance(exc, AccountError) else None
    return handle_http_exception(
        request, ValidationException(str(exc), extra=[{"key": field or "", "message": str(exc)}])
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {AccountError: handle_account_error, NoSuchUserError: handle_account_error}

"""The case engine's refusals as HTTP answers, in one place, for the pages and the API alike.

Registered with the app (`app.py`), so handlers let these errors through rather than translating
them each time; a page that shows a form again with the user's answers catches them itself.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY
from litestar.types import ExceptionHandlersMap

from disclosure_service.cases.errors import ActionRefusedError, CaseConflictError, CaseNotFoundError, InvalidInputError
from disclosure_service.cases.reading import ReasonNeededError
from disclosure_service.cases.vocabulary import AccessReason
from disclosure_service.web.errors import handle_http_exception, wants_json

AnyRequest = Request[Any, Any, Any]


class ConflictException(ClientException):
    status_code = HTTP_409_CONFLICT


class UnprocessableException(ClientException):
    """Well-formed, but the case's state or the rules refuse it; the detail says why and what is missing."""

    status_code = HTTP_422_UNPROCESSABLE_ENTITY


def as_http(exc: Exception) -> HTTPException:
    """The HTTP error for a refusal of the case engine."""
    if isinstance(exc, CaseNotFoundError):
        # Another force's case is answered exactly as a missing one.
        return NotFoundException()
    if isinstance(exc, CaseConflictError):
        return ConflictException(CaseConflictError.message)
    if isinstance(exc, InvalidInputError):
        return ValidationException(
            "; ".join(exc.reasons), extra=[{"key": field, "message": message} for field, message in exc.problems]
        )
    if isinstance(exc, ActionRefusedError):
        if exc.forbidden:
            return PermissionDeniedException("; ".join(exc.reasons))
        return UnprocessableException(
            "; ".join(exc.reasons), extra=[{"key": field, "message": message} for field, message in exc.problems]
        )
    if isinstance(exc, ReasonNeededError):
        return PermissionDeniedException(
            f"You are not on case {exc.reference}: say why you are opening it with the reason and "
            f"reason_detail query parameters (reason one of: {', '.join(r.value for r in AccessReason)})",
            extra={"reason_required": True},
        )
    raise TypeError(f"not a case refusal: {exc!r}")  # pragma: no cover - only registered for the types above


def handle_case_error(request: AnyRequest, exc: Exception) -> Response[Any]:
    if isinstance(exc, ReasonNeededError) and not wants_json(request):
        # A page asks why first, then comes back here.
        here = quote(request.url.path, safe="/")
        return Redirect(f"/cases/{exc.case_id}/reason?next={here}", status_code=HTTP_303_SEE_OTHER)
    return handle_http_exception(request, as_http(exc))


EXCEPTION_HANDLERS: ExceptionHandlersMap = dict.fromkeys(
    (CaseNotFoundError, CaseConflictError, ActionRefusedError, ReasonNeededError), handle_case_error
)

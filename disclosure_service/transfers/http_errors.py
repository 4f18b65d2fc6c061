"""Refusals about checks asked across forces as HTTP answers: 404 for a request not to the user's
force (the same as one that does not exist), 400 naming the field otherwise."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import NotFoundException, ValidationException
from litestar.types import ExceptionHandlersMap

from disclosure_service.transfers.service import AnswerRefusedError, RequestNotFoundError
from disclosure_service.web.errors import handle_http_exception


def handle_request_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, RequestNotFoundError):
        return handle_http_exception(request, NotFoundException())
    field = exc.field if isinstance(exc, AnswerRefusedError) else ""
    return handle_http_exception(request, ValidationException(str(exc), extra=[{"key": field, "message": str(exc)}]))


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    RequestNotFoundError: handle_request_error,
    AnswerRefusedError: handle_request_error,
}

"""Quality-review errors as HTTP answers: the reason, naming the field to correct."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException
from litestar.types import ExceptionHandlersMap

from disclosure_service.quality.service import NoSuchReviewError, QualityReviewError
from disclosure_service.web.errors import handle_http_exception


def handle_quality_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, NoSuchReviewError):
        return handle_http_exception(request, NotFoundException("No such quality review in your force"))
    assert isinstance(exc, QualityReviewError)  # noqa: S101  # registered for these two only
    extra = [{"key": exc.field, "message": str(exc)}] if exc.field else None
    return handle_http_exception(request, HTTPException(detail=str(exc), status_code=exc.status, extra=extra))


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    QualityReviewError: handle_quality_error,
    NoSuchReviewError: handle_quality_error,
}

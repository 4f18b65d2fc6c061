"""A clock setting refused, as an HTTP answer: a 400 naming the field to correct."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import ValidationException
from litestar.types import ExceptionHandlersMap

from disclosure_service.clocks.service import ClockSettingError
from disclosure_service.web.errors import handle_http_exception


def handle_clock_setting_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    field = exc.field if isinstance(exc, ClockSettingError) else ""
    return handle_http_exception(request, ValidationException(str(exc), extra=[{"key": field, "message": str(exc)}]))


EXCEPTION_HANDLERS: ExceptionHandlersMap = {ClockSettingError: handle_clock_setting_error}

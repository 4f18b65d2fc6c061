"""Errors as GOV.UK-styled pages for browsers and as JSON for API clients.

Nothing about the failure's cause reaches the client: an unexpected error is logged with a
reference the user can quote to the service desk.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar.types import ExceptionHandlersMap

from disclosure_service.database.piccolo_engine import OUTAGE, describe
from disclosure_service.identity.principal import Principal, SessionStage
from disclosure_service.web.access import StepUpRequired
from disclosure_service.web.forms import local_path

log = logging.getLogger(__name__)

AnyRequest = Request[Any, Any, Any]
AnyResponse = Response[Any]

JSON_PREFIXES = ("/api/", "/schema", "/healthz")


@dataclass(frozen=True, slots=True)
class ErrorPage:
    title: str
    paragraphs: tuple[str, ...]


ERROR_PAGES: dict[int, ErrorPage] = {
    400: ErrorPage("Sorry, there is a problem with that request", ("Go back and try again.",)),
    401: ErrorPage("You need to sign in", ("Sign in to use this service.",)),
    403: ErrorPage(
        "You do not have permission to do that",
        ("If you think you should, ask an administrator of your force.",),
    ),
    404: ErrorPage(
        "Page not found",
        (
            "If you typed the web address, check it is correct.",
            "If you pasted the web address, check you copied the entire address.",
        ),
    ),
    405: ErrorPage("Sorry, that is not something this page can do", ("Go back and try again.",)),
    409: ErrorPage("Someone else changed this record", ("Go back, reload the page and check the changes.",)),
    413: ErrorPage("The file is too big", ("Go back and choose a smaller file.",)),
    429: ErrorPage("Too many attempts", ("Wait a few minutes, then try again.",)),
    500: ErrorPage("Sorry, there is a problem with the service", ("Try again later.",)),
    503: ErrorPage("Sorry, the service is unavailable", ("Try again later.",)),
}


def wants_json(request: AnyRequest) -> bool:
    return request.url.path.startswith(JSON_PREFIXES)


def error_response(request: AnyRequest, status_code: int, detail: str | None = None) -> AnyResponse:
    """The response for an error status, in the form the client asked for."""
    page = ERROR_PAGES.get(status_code) or ERROR_PAGES[500 if status_code >= 500 else 400]
    if wants_json(request):
        return Response(
            {"status_code": status_code, "detail": detail or page.title},
            status_code=status_code,
            media_type=MediaType.JSON,
        )
    paragraphs = (detail, *page.paragraphs) if detail else page.paragraphs
    return Template(
        template_name="errors/error.html",
        context={"page_title": page.title, "paragraphs": paragraphs},
        status_code=status_code,
    )


def handle_http_exception(request: AnyRequest, exc: HTTPException) -> AnyResponse:
    redirect = _redirect_for_browser(request, exc)
    if redirect is not None:
        return redirect
    # Validation messages from Litestar are safe and useful to API clients; pages keep their own words.
    detail = exc.detail if wants_json(request) and exc.status_code < 500 else None
    response = error_response(request, exc.status_code, detail)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    if wants_json(request) and exc.extra and exc.status_code < 500:
        response.content = {"status_code": exc.status_code, "detail": exc.detail, "extra": exc.extra}
    return response


def _redirect_for_browser(request: AnyRequest, exc: HTTPException) -> AnyResponse | None:
    """A browser asking for a page it may see after signing in (or a fresh code) is sent there."""
    if wants_json(request) or request.method != "GET":
        return None
    here = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="/")
    if exc.status_code == HTTP_401_UNAUTHORIZED:
        principal = request.scope.get("user")
        half_signed_in = isinstance(principal, Principal) and principal.stage is SessionStage.password
        target = "/sign-in/code" if half_signed_in else "/sign-in"
        return Redirect(f"{target}?next={here}", status_code=HTTP_303_SEE_OTHER)
    if isinstance(exc, StepUpRequired):
        # Where the link was followed from: after the code the user goes back there (a download
        # would otherwise leave them looking at the code page).
        back = _returns_to(request)
        returns_to = f"&returns_to={quote(back, safe='/')}" if back else ""
        return Redirect(f"/step-up?next={here}{returns_to}", status_code=HTTP_303_SEE_OTHER)
    return None


def _returns_to(request: AnyRequest) -> str:
    """Where the user was: the route's own `returns_to`, filled in from its path (the service asks
    browsers to send no Referer, so the route is what knows)."""
    declared = request.route_handler.opt.get("returns_to") or ""
    try:
        return local_path(declared.format(**request.path_params), default="") if declared else ""
    except (KeyError, IndexError, ValueError):
        return ""


# Long enough for a restarting database, short enough that a person retrying is not kept waiting.
RETRY_AFTER_SECONDS = 5


def handle_unexpected(request: AnyRequest, exc: Exception) -> AnyResponse:
    if isinstance(exc, OUTAGE):
        # An outage is not a bug: one line per request, no traceback, and a status that tells
        # clients and load balancers to come back.
        log.warning("database unavailable: %s %s answered 503 (%s)", request.method, request.url.path, describe(exc))
        response = error_response(request, HTTP_503_SERVICE_UNAVAILABLE)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, asyncpg.exceptions.CharacterNotInRepertoireError):
        # PostgreSQL text cannot hold a NUL character: the client sent something no record can keep.
        return error_response(request, HTTP_400_BAD_REQUEST, "Text cannot contain a NUL character")
    reference = secrets.token_hex(4).upper()
    log.error("unhandled error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
    detail = f"Quote reference {reference} if you contact the service desk."
    return error_response(request, HTTP_500_INTERNAL_SERVER_ERROR, detail)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {HTTPException: handle_http_exception, Exception: handle_unexpected}

"""Refuse state-changing requests that another site started (a second line behind CSRF tokens)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class SameOriginMiddleware(ASGIMiddleware):
    """A POST whose Origin is not this service, or that the browser marks cross-site, gets a 403."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, public_url: str) -> None:
        self.public_origin = _origin(public_url)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("method", "GET") not in SAFE_METHODS:
            connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
            origin = connection.headers.get("origin")
            own = _origin(str(connection.base_url))
            # With Referrer-Policy: no-referrer, browsers send "Origin: null" even for our own
            # forms; then the browser's Sec-Fetch-Site (and the CSRF token) decide.
            if origin not in (None, "null") and origin.lower() not in {own, self.public_origin}:
                raise PermissionDeniedException("Cross-site request refused")
            if connection.headers.get("sec-fetch-site") in {"cross-site", "same-site"}:
                raise PermissionDeniedException("Cross-site request refused")
        await next_app(scope, receive, send)

"""Attach the session's principal (or None) to every request, before guards run."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from disclosure_service.auth import sessions
from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db


class SessionMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:
        # Static files and the health check never need to know who is asking.
        path: str = scope["path"]
        return path.startswith("/static/") or path == "/healthz"

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
        token = connection.cookies.get(sessions.SESSION_COOKIE)
        principal = None
        if token:
            keys: Keys = connection.app.state.auth_keys
            async with db.connection() as conn:
                principal = await sessions.load(conn, token, datetime.now(UTC), key=keys.token_key)
        scope["user"] = principal
        scope["auth"] = principal
        scope.setdefault("state", {})["request_id"] = secrets.token_hex(8)
        await next_app(scope, receive, send)

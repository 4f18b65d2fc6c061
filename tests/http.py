"""An HTTP client that behaves like the service's own JSON clients: CSRF header, cookies, sign-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from disclosure_service.auth.sessions import CSRF_COOKIE, SESSION_COOKIE
from tests.factories import TestUser, next_time_step


class Api:
    """Wraps an httpx client; fetches a CSRF token first and sends it on every POST."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def csrf(self) -> str:
        token = self.http.cookies.get(CSRF_COOKIE)
        if token is None:
            await self.http.get("/api/v1/auth/csrf")
            token = self.http.cookies.get(CSRF_COOKIE)
        assert token, "no CSRF cookie was set"
        return token

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(path, **kwargs)

    async def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"x-csrftoken": await self.csrf(), **kwargs.pop("headers", {})}
        return await self.http.post(path, json=json, headers=headers, **kwargs)

    async def form(self, path: str, data: dict[str, str], **kwargs: Any) -> httpx.Response:
        """Submit an HTML form the way a browser does, with the token as a hidden field."""
        return await self.http.post(path, data={"_csrf_token": await self.csrf(), **data}, **kwargs)

    @property
    def session(self) -> str | None:
        return self.http.cookies.get(SESSION_COOKIE)

    def set_session(self, token: str) -> None:
        """Replace the session cookie, as an attacker (or an old browser tab) might."""
        self.http.cookies.delete(SESSION_COOKIE)
        # http.cookiejar files a dotless host such as "testserver" under "testserver.local".
        host = self.http.base_url.host
        self.http.cookies.set(SESSION_COOKIE, token, domain=host if "." in host else f"{host}.local")

    async def password_only(self, user: TestUser) -> httpx.Response:
        response = await self.post("/api/v1/auth/login", {"username": user.username, "password": user.password})
        assert response.status_code == 200, response.text
        return response

    async def sign_in(self, user: TestUser, *, previous_step: bool = False) -> httpx.Response:
        """Password then code, as at the start of a fresh 30-second step.

        `previous_step` uses the code of the step before (still accepted).
        """
        await next_time_step(user)
        await self.password_only(user)
        when = datetime.now(UTC) - (timedelta(seconds=30) if previous_step else timedelta(0))
        response = await self.post("/api/v1/auth/totp", {"code": user.code(when)})
        assert response.status_code == 200, response.text
        return response

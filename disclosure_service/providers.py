"""What a handler can ask for by name (Litestar dependencies): who is asking, and from where.

Handlers declare `principal: Principal` or `caller: Caller`; the access guard has already let only
the right users in, so these never meet an anonymous request on a route that needs a user.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from disclosure_service.audit.writer import Caller
from disclosure_service.identity.principal import Principal, RequestMeta
from disclosure_service.web import access


def principal(request: Request[Any, Any, Any]) -> Principal:
    return access.caller(request)


def meta(request: Request[Any, Any, Any]) -> RequestMeta:
    return access.request_meta(request)


def caller(request: Request[Any, Any, Any]) -> Caller:
    return Caller(access.caller(request), access.request_meta(request))

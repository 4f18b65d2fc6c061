"""Liveness and readiness for load balancers and for `make run`'s newcomer."""

from __future__ import annotations

import msgspec
from litestar import Response, get

from disclosure_service.database import engine as db
from disclosure_service.web import access, errors


class Health(msgspec.Struct, frozen=True):
    # No version: it would tell anyone which known weaknesses to try.
    status: str
    database: str


@get("/healthz", opt=access.opt(access.PUBLIC), include_in_schema=False)
async def healthz() -> Response[Health]:
    """200 when the database answers, 503 when it does not."""
    up = await db.ping()
    body = Health(status="ok" if up else "unavailable", database="up" if up else "down")
    headers = {} if up else {"Retry-After": str(errors.RETRY_AFTER_SECONDS)}
    return Response(body, status_code=200 if up else 503, headers=headers)

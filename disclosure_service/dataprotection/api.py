"""JSON API for data protection: `/api/v1/retention/due` (the review queue) and
`/api/v1/subject-access` (a person's cases, and the export for an officer's review)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Router, get
from litestar.di import NamedDependency

from disclosure_service.audit.writer import Caller
from disclosure_service.dataprotection import service
from disclosure_service.web import access


class DueOut(msgspec.Struct):
    id: int
    reference: str
    scheme: str
    outcome: str | None
    closed_at: datetime | None
    review_due_on: date
    last_decision: str | None
    last_reviewed_at: datetime | None


@get("/due", opt=access.opt(access.SUPERVISORS))
async def retention_due(caller: NamedDependency[Caller]) -> list[DueOut]:
    """Closed cases of your force due for a retention review (on or before today), ordered by the
    date they fell due, earliest first. Record a review with `record-retention-review`."""
    return [
        DueOut(
            id=r.id,
            reference=r.reference,
            scheme=r.scheme,
            outcome=r.outcome,
            closed_at=r.closed_at,
            review_due_on=r.review_on,
            last_decision=r.last_decision,
            last_reviewed_at=r.last_reviewed_at,
        )
        for r in await service.due(caller)
    ]


RETENTION = Router(path="/retention", route_handlers=[retention_due], tags=["Data protection"])

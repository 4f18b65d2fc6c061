"""JSON API for the quality review of decisions: `/api/v1/quality-reviews`.

`GET ?month=YYYY-MM` lists the month's sample; `POST /draw` draws it (reproducibly: drawing again
adds nothing new); `POST /{id}` records a second supervisor's review. Supervisors only.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from disclosure_service.audit.writer import Caller
from disclosure_service.dates import LONDON
from disclosure_service.quality import sampling, service
from disclosure_service.quality.queries import ReviewRow
from disclosure_service.web import access


class QualityReviewOut(msgspec.Struct):
    id: int
    application_id: int
    reference: str
    scheme: str
    kind: str
    month: str
    decided_at: datetime
    # The draw's order: the SHA-256 of the case id, the kind and the month.
    seed: str
    # Whether the user asking may review it (they took no part in the decision).
    you_may_review: bool
    verdict: str | None
    findings: str
    action: str
    reviewed_by: str | None
    reviewed_at: datetime | None


class DrawIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    month: str


def review_out(row: ReviewRow, user_id: int) -> QualityReviewOut:
    return QualityReviewOut(
        id=row.id,
        application_id=row.application,
        reference=row.reference,
        scheme=row.scheme,
        kind=row.kind,
        month=row.month,
        decided_at=row.decided_at,
        seed=row.seed,
        you_may_review=sampling.may_review(row.decided_by, user_id),
        verdict=row.verdict,
        findings=row.findings,
        action=row.action,
        reviewed_by=row.reviewer_name,
        reviewed_at=row.reviewed_at,
    )


class QualityReviewsApi(Controller):
    path = "/quality-reviews"
    tags = ("Quality review",)

    @get("/", opt=access.opt(access.SUPERVISORS))
    async def list_reviews(
        self, caller: NamedDependency[Caller], month: FromQuery[str | None] = None
    ) -> list[QualityReviewOut]:
        """The month's sample (default: last month), each with whether you may review it."""
        chosen = month or sampling.previous_month(datetime.now(LONDON).date())
        rows = await service.month_sample(caller, chosen)
        return [review_out(row, caller.principal.user_id) for row in rows]

    @post("/draw", opt=access.opt(access.SUPERVISORS), status_code=200)
    async def draw(
        self, data: JSONBody[DrawIn], caller: NamedDependency[Caller], quality_share: NamedDependency[int]
    ) -> list[QualityReviewOut]:
        """Draw the month's sample at the service's share (QUALITY_REVIEW_SHARE)."""
        rows = await service.draw(caller, data.month, quality_share)
        return [review_out(row, caller.principal.user_id) for row in rows]

    @post("/{review_id:int}", opt=access.opt(access.SUPERVISORS), status_code=200)
    async def record_review(
        self, review_id: FromPath[int], data: JSONBody[service.ReviewIn], caller: NamedDependency[Caller]
    ) -> QualityReviewOut:
        """Agree or disagree, with findings and the action to take; never on a case you decided."""
        row = await service.record(caller, review_id, data)
        return review_out(row, caller.principal.user_id)

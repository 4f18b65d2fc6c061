"""Quality review: drawing a month's sample and recording a second supervisor's review, each in one
transaction of the force with its audit row."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import Caller
from disclosure_service.database import engine as db
from disclosure_service.identity.roles import Role
from disclosure_service.quality import queries, sampling
from disclosure_service.quality.queries import Figures, ReviewRow


class QualityReviewError(Exception):
    """A draw or a review that cannot be made; `field` names what to correct (empty: none)."""

    def __init__(self, message: str, field: str = "", *, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


class NoSuchReviewError(Exception):
    pass


Text = Annotated[str, msgspec.Meta(max_length=10_000)]


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """agree or disagree; what the reviewer found; what is to be done (both needed to disagree)."""

    verdict: sampling.Verdict
    findings: Text = ""
    action: Text = ""


def _supervisor(caller: Caller) -> None:
    if caller.principal.role is not Role.supervisor:
        raise QualityReviewError("Only supervisors review decisions", status=403)


def _month(month: str) -> None:
    if problem := sampling.month_problem(month):
        raise QualityReviewError(problem, "month")


async def draw(caller: Caller, month: str, share: int, now: datetime | None = None) -> list[ReviewRow]:
    """Draw the month's sample (again: the same decisions come out, and nothing drawn before is lost)."""
    _supervisor(caller)
    _month(month)
    now = now or datetime.now(UTC)
    start, end = sampling.month_bounds(month)
    if start > now:
        raise QualityReviewError("The month has not started yet: choose a month that has", "month")
    force_id = caller.principal.force_id
    async with db.transaction(force_id=force_id) as conn:
        found = await queries.candidates(conn, force_id, start, end)
        drawn = sampling.draw(found, share, month)
        added = await queries.insert_sample(
            conn,
            force_id=force_id,
            month=month,
            drawn=[(c, sampling.seed(c.case_id, c.kind, month)) for c in drawn],
            user_id=caller.principal.user_id,
            now=now,
        )
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="quality.sample_drawn",
            justification="quality review",
            details={"month": month, "share": share, "decisions": len(found), "drawn": len(drawn), "new": added},
            now=now,
        )
        return await queries.reviews(conn, month)


async def month_sample(caller: Caller, month: str) -> list[ReviewRow]:
    """The month's sample as drawn, its reading logged."""
    _month(month)
    force_id = caller.principal.force_id
    async with db.transaction(force_id=force_id) as conn:
        rows = await queries.reviews(conn, month)
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="quality.sample_viewed",
            justification="quality review",
            details={"month": month, "rows": len(rows)},
        )
        return rows


async def one(caller: Caller, review_id: int) -> ReviewRow:
    force_id = caller.principal.force_id
    async with db.transaction(force_id=force_id) as conn:
        row = await queries.review(conn, review_id)
        if row is None:
            raise NoSuchReviewError(review_id)
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="quality.review_opened",
            application_id=row.application,
            reference=row.reference,
            record_type="quality_review",
            record_id=row.id,
            justification="quality review",
        )
        return row


async def record(caller: Caller, review_id: int, data: ReviewIn, now: datetime | None = None) -> ReviewRow:
    """A second supervisor's review: never of a case they decided, and once only."""
    _supervisor(caller)
    now = now or datetime.now(UTC)
    if data.verdict is sampling.Verdict.disagree and not data.findings.strip():
        raise QualityReviewError("Say why you disagree with the decision", "findings")
    if data.verdict is sampling.Verdict.disagree and not data.action.strip():
        raise QualityReviewError("Say what should be done about it", "action")
    force_id = caller.principal.force_id
    async with db.transaction(force_id=force_id) as conn:
        row = await queries.review(conn, review_id)
        if row is None:
            raise NoSuchReviewError(review_id)
        if not sampling.may_review(row.decided_by, caller.principal.user_id):
            raise QualityReviewError("You took part in this decision, so another supervisor must review it", status=403)
        if row.verdict is not None:
            raise QualityReviewError("This decision has already been reviewed", status=409)
        await queries.record_review(
            conn,
            review_id,
            verdict=data.verdict.value,
            findings=data.findings.strip(),
            action=data.action.strip(),
            user_id=caller.principal.user_id,
            now=now,
        )
        await caller.record(
            conn,
            operation=Operation.alteration,
            event="quality.reviewed",
            application_id=row.application,
            reference=row.reference,
            record_type="quality_review",
            record_id=row.id,
            justification="quality review",
            details={"kind": row.kind, "month": row.month, "verdict": data.verdict.value},
            now=now,
        )
        updated = await queries.review(conn, review_id)
        assert updated is not None  # noqa: S101  # read in the same transaction
        return updated


async def figures_for(conn_caller: Caller, first_month: str, last_month: str) -> Figures:
    force_id = conn_caller.principal.force_id
    async with db.transaction(force_id=force_id) as conn:
        return await queries.figures(conn, first_month, last_month)

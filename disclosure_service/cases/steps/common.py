"""What several steps share: closing a case with its record, and a review's decision on a refusal."""

from __future__ import annotations

from datetime import date

from disclosure_service.cases import schemas, timing
from disclosure_service.cases.clocks import first_review_years, retention_review_date
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.spec import Handler
from disclosure_service.cases.vocabulary import Outcome, ReviewDecision


def received_on(ctx: Context) -> date:
    """The London day the application came in: nothing on the case can be earlier."""
    return timing.london_today(ctx.case.record.received_at)


async def close_record(
    ctx: Context, outcome: Outcome, *, notes: str, referrals: str = "", review_on: date | None = None
) -> None:
    """How the case ended: its outcome, why, onward referrals, and when to review keeping it."""
    review_on = review_on or retention_review_date(ctx.now, first_review_years(outcome, ctx.retention_years))
    await ctx.add(
        "closure",
        by="closed_by",
        at="closed_at",
        outcome=outcome.value,
        notes=notes,
        onward_referrals=referrals,
        retention_review_on=review_on,
    )
    # The case's own row carries the date the review queue sorts on (each review moves it).
    await ctx.set_case(retention_review_on=review_on)


def close_with(outcome: Outcome) -> Handler:
    """Leaving the scheme before a decision: the outcome, and why, kept on the case."""

    async def handler(ctx: Context, data: schemas.ReasonIn) -> Result:
        await close_record(ctx, outcome, notes=data.reason)
        return Result(f"Case closed: {outcome.label.lower()}", {"outcome": outcome.value})

    return handler


async def insert_review(
    ctx: Context,
    refusal_id: int,
    decision: ReviewDecision,
    rationale: str,
    *,
    new_recipient: int | None = None,
    safeguarding_action: str = "",
) -> None:
    """A supervisor's decision on a refused undertaking (or an escalation standing for it)."""
    await ctx.add(
        "refusal_review",
        by="decided_by",
        at="decided_at",
        refusal=refusal_id,
        decision=decision.value,
        rationale=rationale,
        new_recipient=new_recipient if decision is ReviewDecision.other_recipient else None,
        safeguarding_action=safeguarding_action,
    )

"""The retention review of a closed case: keep it until a later review, or dispose of it."""

from __future__ import annotations

from datetime import date

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.cases import timing
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems
from disclosure_service.cases.schemas import ActionIn, Required
from disclosure_service.cases.spec import ActionForm, ActionSpec, fixed
from disclosure_service.cases.vocabulary import Stage
from disclosure_service.cases.workflow import SUPERVISORS, Action, Rule
from disclosure_service.dataprotection import disposal
from disclosure_service.dataprotection.rules import RetentionDecision, next_review_problem
from disclosure_service.dates import long_date
from disclosure_service.web.formspec import Field


class RetentionReviewIn(ActionIn, kw_only=True):
    decision: RetentionDecision
    reason: Required
    # To retain: when to look again.
    next_review_on: date | None = None


async def _review(ctx: Context, data: RetentionReviewIn) -> Result:
    if data.decision is RetentionDecision.retain:
        problems = Problems()
        problems.check("next_review_on", next_review_problem(data.next_review_on, timing.london_today(ctx.now)))
        problems.raise_any()
        await ctx.add(
            "retention_review",
            by="reviewed_by",
            at="reviewed_at",
            decision=data.decision.value,
            reason=data.reason,
            next_review_on=data.next_review_on,
        )
        await ctx.set_case(retention_review_on=data.next_review_on)
        return Result(
            f"Record kept: next review by {long_date(data.next_review_on)}",
            {"decision": data.decision.value, "next_review_on": str(data.next_review_on)},
        )
    await disposal.dispose(ctx.conn, ctx.case.id, decided_by=ctx.principal.user_id, reason=data.reason, now=ctx.now)
    # The reason stays with the tombstone, not in the audit trail: free text may name someone.
    return Result(
        f"Case {ctx.case.reference} disposed of: only its tombstone remains",
        {"decision": data.decision.value},
        operation=Operation.erasure,
        gone=True,
    )


RECORD_RETENTION_REVIEW = ActionSpec(
    Action.record_retention_review,
    "Review keeping the record",
    Rule(
        frozenset({Stage.closed}),
        roles=SUPERVISORS,
        holder_only=False,
        not_at="Only a closed case is reviewed for keeping or disposal",
    ),
    RetentionReviewIn,
    _review,
    ActionForm(
        fixed(
            Field(
                "decision",
                "Decision",
                "radios",
                options=[(d.value, d.label) for d in RetentionDecision],
                message="Select whether to keep the record or dispose of it",
            ),
            Field(
                "reason",
                "Reason",
                "textarea",
                hint="Do not name anyone: the reason is kept after the record is gone",
                message="Enter the reason for the decision",
            ),
            Field(
                "next_review_on",
                "If keeping it, date of the next review",
                "date",
                required=False,
                hint="For example, 28 11 2032",
            ),
        ),
        "Record the review",
        warning="Disposing of a record deletes every person's details, notes, checks, documents and files on it. "
        "It cannot be undone.",
    ),
    step_up=True,
)

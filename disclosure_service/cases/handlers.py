"""The case actions up to the decision: what each records, beyond the stage it moves the case to."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import msgspec

from disclosure_service.accounts.roles import Role
from disclosure_service.cases import schemas, timing
from disclosure_service.cases.actions import (
    PERSON_FIELDS,
    Context,
    Handler,
    InvalidInputError,
    Problems,
    close_record,
    insert_person,
    insert_review,
    refuse,
)
from disclosure_service.cases.recipients import recipient_problem
from disclosure_service.cases.vocabulary import Outcome, PersonRole, Recommendation, ReviewDecision, Stage
from disclosure_service.cases.workflow import FROM_AUTHORISATION, Action


async def _start_triage(ctx: Context, data: schemas.ActionIn) -> tuple[str, dict[str, Any]]:
    if ctx.case.record.assigned_to is None:
        await ctx.conn.execute(
            "UPDATE application SET assigned_to = $2 WHERE id = $1", ctx.case.id, ctx.principal.user_id
        )
    return "Triage started", {}


async def _complete_triage(ctx: Context, data: schemas.TriageIn) -> tuple[str, dict[str, Any]]:
    if data.immediate_risk:
        raise refuse(
            "An immediate risk leaves the scheme at once: use ‘Escalate an immediate risk to child protection’",
            "immediate_risk",
        )
    if not data.in_scope:
        raise refuse("A case that is not in scope is closed: use ‘Close: out of scope’", "in_scope")
    await ctx.conn.execute(
        'INSERT INTO triage ("force", application, immediate_risk, in_scope, risk_level, notes, recorded_by, '
        "recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        ctx.principal.force_id,
        ctx.case.id,
        data.immediate_risk,
        data.in_scope,
        data.risk_level.value,
        data.notes,
        ctx.principal.user_id,
        ctx.now,
    )
    await ctx.conn.execute("UPDATE application SET risk_level = $2 WHERE id = $1", ctx.case.id, data.risk_level.value)
    return "Triage recorded", {"risk_level": data.risk_level.value}


async def _escalate(ctx: Context, data: schemas.EscalateIn) -> tuple[str, dict[str, Any]]:
    if ctx.case.stage in FROM_AUTHORISATION and not data.notes.strip():
        raise InvalidInputError([("notes", "Record why the case is escalated after the decision, and what was done")])
    refusal = next((o for o in reversed(ctx.case.undertaking_responses) if o.response == "refused"), None)
    if ctx.case.stage is Stage.undertaking_review and refusal is not None:
        # The escalation is the review's decision: the refusal does not stay undecided on the record.
        await insert_review(ctx, refusal.id, ReviewDecision.escalated, data.notes)
    await ctx.conn.execute(
        'INSERT INTO escalation ("force", application, agency, referral_reference, notes, recorded_by, recorded_at) '
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        ctx.principal.force_id,
        ctx.case.id,
        data.agency,
        data.referral_reference,
        data.notes,
        ctx.principal.user_id,
        ctx.now,
    )
    await ctx.conn.execute("UPDATE application SET risk_level = 'immediate' WHERE id = $1", ctx.case.id)
    return (
        "Escalated to child protection; the scheme's clock has stopped",
        {"agency": data.agency, "referral_reference": data.referral_reference},
    )


def _received_on(ctx: Context) -> date:
    return timing.london_today(ctx.case.record.received_at)


async def _record_applicant_meeting(ctx: Context, data: schemas.ApplicantMeetingIn) -> tuple[str, dict[str, Any]]:
    problems = Problems()
    if not data.identity_verified:
        problems.check(
            "identity_verified",
            "Nothing can be disclosed without a verified identity: use ‘Close: identity not verified’",
        )
    elif not data.documents_seen.strip():
        problems.check("documents_seen", "Say which documents you saw to verify the applicant’s identity")
    problems.check(
        "held_on",
        timing.date_problem(
            data.held_on,
            "The date of the meeting",
            now=ctx.now,
            after=_received_on(ctx),
            after_what="the date the application was received",
        ),
    )
    problems.raise_any()
    await ctx.conn.execute(
        'INSERT INTO applicant_meeting ("force", application, held_on, method, identity_verified, documents_seen, '
        "relationship_verified, notes, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        ctx.principal.force_id,
        ctx.case.id,
        data.held_on,
        data.method.value,
        data.identity_verified,
        data.documents_seen,
        data.relationship_verified,
        data.notes,
        ctx.principal.user_id,
        ctx.now,
    )
    return "Applicant meeting recorded", {"method": data.method.value}


def _exit(outcome: Outcome) -> Handler:
    """Leaving the scheme before a decision: the outcome, and why, kept on the case."""

    async def handler(ctx: Context, data: schemas.ReasonIn) -> tuple[str, dict[str, Any]]:
        await close_record(ctx, outcome, notes=data.reason)
        return f"Case closed: {outcome.label.lower()}", {"outcome": outcome.value}

    return handler


async def _add_check(ctx: Context, data: schemas.CheckIn) -> tuple[str, dict[str, Any]]:
    problems = Problems()
    problems.check(
        "requested_on",
        timing.date_problem(
            data.requested_on,
            "The date requested",
            now=ctx.now,
            after=_received_on(ctx),
            after_what="the date the application was received",
        ),
    )
    problems.raise_any()
    await ctx.conn.execute(
        'INSERT INTO case_check ("force", application, source, requested_on, requested_by, summary) '
        "VALUES ($1, $2, $3, $4, $5, $6)",
        ctx.principal.force_id,
        ctx.case.id,
        data.source.value,
        data.requested_on,
        ctx.principal.user_id,
        data.notes,
    )
    return f"Check requested: {data.source.label}", {"source": data.source.value}


async def _record_check_result(ctx: Context, data: schemas.CheckResultIn) -> tuple[str, dict[str, Any]]:
    check = next((c for c in ctx.case.checks if c.id == data.check_id), None)
    if check is None or check.result is not None:
        raise refuse("Choose a check that is waiting for its result", "check_id")
    problems = Problems()
    problems.check(
        "returned_on",
        timing.date_problem(
            data.returned_on,
            "The date returned",
            now=ctx.now,
            after=check.requested_on,
            after_what="the date the check was requested",
        ),
    )
    problems.raise_any()
    await ctx.conn.execute(
        "UPDATE case_check SET returned_on = $2, result = $3, summary = $4, result_recorded_by = $5 WHERE id = $1",
        data.check_id,
        data.returned_on,
        data.result.value,
        data.summary,
        ctx.principal.user_id,
    )
    return "Check result recorded", {"check_id": data.check_id, "result": data.result.value}


async def _complete_checks(ctx: Context, data: schemas.ActionIn) -> tuple[str, dict[str, Any]]:
    return "Checks finished: the case is ready for a recommendation", {}


async def _recommend(ctx: Context, data: schemas.RecommendIn) -> tuple[str, dict[str, Any]]:
    if data.decision is Recommendation.disclose:
        problems = Problems()
        recipient = next((p for p in ctx.case.people if p.id == data.recipient_id), None)
        problems.check("recipient_id", recipient_problem(recipient, today=timing.london_today(ctx.now)))
        if not data.criteria:
            problems.check("criteria", "Select the criteria that are met")
        if not data.recipient_reason.strip():
            problems.check("recipient_reason", "Say why this person is best placed to protect the child")
        if not data.disclosure_wording.strip():
            problems.check(
                "disclosure_wording", "Record exactly what will be disclosed (kept internally, never given out)"
            )
        problems.raise_any()
    await ctx.conn.execute(
        'INSERT INTO recommendation ("force", application, decision, criteria, rationale, recipient, '
        "recipient_reason, subject_told, subject_told_reason, disclosure_wording, recommended_by, recommended_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        ctx.principal.force_id,
        ctx.case.id,
        data.decision.value,
        json.dumps([c.value for c in data.criteria]),
        data.rationale,
        data.recipient_id if data.decision is Recommendation.disclose else None,
        data.recipient_reason,
        data.subject_told,
        data.subject_told_reason,
        data.disclosure_wording,
        ctx.principal.user_id,
        ctx.now,
    )
    return "Recommendation made: it now needs a supervisor’s authorisation", {"decision": data.decision.value}


def _decision(outcome: str, message: str) -> Handler:
    async def handler(ctx: Context, data: schemas.DecisionIn) -> tuple[str, dict[str, Any]]:
        recommendation = ctx.case.recommendation
        if recommendation is None:
            raise refuse("There is no recommendation to decide on", "rationale")
        await ctx.conn.execute(
            'INSERT INTO authorisation_decision ("force", application, recommendation, outcome, rationale, '
            "decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            ctx.principal.force_id,
            ctx.case.id,
            recommendation.id,
            outcome,
            data.rationale,
            ctx.principal.user_id,
            ctx.now,
        )
        return message, {"outcome": outcome, "recommendation": recommendation.decision}

    return handler


async def _extend(ctx: Context, data: schemas.ExtendIn) -> tuple[str, dict[str, Any]]:
    app = ctx.case.record
    previous = app.due_at
    new_due = previous + timedelta(days=data.days)
    await ctx.conn.execute(
        'INSERT INTO extension ("force", application, days, reason, previous_due_at, new_due_at, granted_by, '
        "granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        ctx.principal.force_id,
        ctx.case.id,
        data.days,
        data.reason,
        previous,
        new_due,
        ctx.principal.user_id,
        ctx.now,
    )
    await ctx.conn.execute(
        "UPDATE application SET due_at = $2, next_due_at = CASE WHEN next_due_at = $3 THEN $2 ELSE next_due_at END "
        "WHERE id = $1",
        ctx.case.id,
        new_due,
        previous,
    )
    return f"Deadline extended by {data.days} days", {"days": data.days}


async def _assign(ctx: Context, data: schemas.AssignIn) -> tuple[str, dict[str, Any]]:
    if ctx.principal.role is Role.officer and data.user_id != ctx.principal.user_id:
        raise refuse("Officers can assign cases to themselves; ask a supervisor to assign someone else", "user_id")
    assignee = await ctx.conn.fetchrow(
        "SELECT display_name FROM app_user WHERE id = $1 AND status = 'active' AND role IN ('officer', 'supervisor')",
        data.user_id,
    )
    if assignee is None:
        raise refuse("Choose an active officer or supervisor of your force", "user_id")
    await ctx.conn.execute("UPDATE application SET assigned_to = $2 WHERE id = $1", ctx.case.id, data.user_id)
    return f"Assigned to {assignee['display_name']}", {"assigned_to": data.user_id}


async def _add_person(ctx: Context, data: schemas.NewPersonIn) -> tuple[str, dict[str, Any]]:
    if data.date_of_birth is not None:
        problems = Problems()
        problems.check(
            "date_of_birth",
            timing.birth_problem(
                data.date_of_birth, received_on=_received_on(ctx), child=data.role is PersonRole.child
            ),
        )
        problems.raise_any()
    person = msgspec.convert(
        {name: getattr(data, name) for name in PERSON_FIELDS}, schemas.PersonIn, from_attributes=False
    )
    person_id = await insert_person(
        ctx.conn, force_id=ctx.principal.force_id, case_id=ctx.case.id, role=data.role, person=person, now=ctx.now
    )
    return f"{data.role.label} added", {"person_id": person_id, "role": data.role.value}


CASE_HANDLERS: dict[Action, tuple[Handler, type[Any]]] = {
    Action.start_triage: (_start_triage, schemas.ActionIn),
    Action.complete_triage: (_complete_triage, schemas.TriageIn),
    Action.escalate: (_escalate, schemas.EscalateIn),
    Action.record_applicant_meeting: (_record_applicant_meeting, schemas.ApplicantMeetingIn),
    Action.identity_not_verified: (_exit(Outcome.identity_not_verified), schemas.ReasonIn),
    Action.add_check: (_add_check, schemas.CheckIn),
    Action.record_check_result: (_record_check_result, schemas.CheckResultIn),
    Action.complete_checks: (_complete_checks, schemas.ActionIn),
    Action.recommend: (_recommend, schemas.RecommendIn),
    Action.authorise: (_decision("authorised", "Recommendation authorised"), schemas.DecisionIn),
    Action.refuse: (
        _decision("refused", "Disclosure refused: the applicant must now be told"),
        schemas.DecisionIn,
    ),
    Action.return_for_work: (
        _decision("returned", "Returned to the officer for more work"),
        schemas.DecisionIn,
    ),
    Action.extend: (_extend, schemas.ExtendIn),
    Action.assign: (_assign, schemas.AssignIn),
    Action.add_person: (_add_person, schemas.NewPersonIn),
    Action.withdraw: (_exit(Outcome.withdrawn), schemas.ReasonIn),
    Action.out_of_scope: (_exit(Outcome.out_of_scope), schemas.ReasonIn),
}

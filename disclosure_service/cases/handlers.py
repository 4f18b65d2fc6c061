"""The case actions up to the decision: what each records, beyond the stage it moves the case to."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import msgspec

from disclosure_service.accounts.roles import Role
from disclosure_service.cases import reading, schemas
from disclosure_service.cases.actions import (
    PERSON_FIELDS,
    Context,
    Handler,
    close_record,
    insert_person,
    refuse,
)
from disclosure_service.cases.vocabulary import Outcome, Recommendation
from disclosure_service.cases.workflow import Action
from disclosure_service.web.formatting import to_london


async def _start_triage(ctx: Context, data: schemas.ActionIn) -> tuple[str, dict[str, Any]]:
    if ctx.case.application["assigned_to"] is None:
        await reading.require_justification(ctx.conn, ctx.principal, ctx.case.application, ctx.now, "taking it")
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


async def _record_applicant_meeting(ctx: Context, data: schemas.ApplicantMeetingIn) -> tuple[str, dict[str, Any]]:
    if not data.identity_verified:
        raise refuse(
            "Nothing can be disclosed without a verified identity: use ‘Close: identity not verified’",
            "identity_verified",
        )
    if not data.documents_seen.strip():
        raise refuse("Say which documents you saw to verify the applicant’s identity", "documents_seen")
    if data.held_on > to_london(ctx.now).date():
        raise refuse("The meeting date must be today or in the past", "held_on")
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
    check = next((c for c in ctx.case.checks if c["id"] == data.check_id), None)
    if check is None or check["result"] is not None:
        raise refuse("Choose a check that is waiting for its result", "check_id")
    if data.returned_on < check["requested_on"]:
        raise refuse("The result cannot come back before the check was requested", "returned_on")
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
        if data.recipient_id is None or data.recipient_id not in {p["id"] for p in ctx.case.people}:
            raise refuse("Choose who will receive the disclosure", "recipient_id")
        if not data.criteria:
            raise refuse("Say which criteria are met", "criteria")
        if not data.disclosure_wording.strip():
            raise refuse(
                "Record exactly what will be disclosed (kept internally, never given out)",
                "disclosure_wording",
            )
        if not data.recipient_reason.strip():
            raise refuse("Say why this person is best placed to protect the child", "recipient_reason")
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
            recommendation["id"],
            outcome,
            data.rationale,
            ctx.principal.user_id,
            ctx.now,
        )
        return message, {"outcome": outcome, "recommendation": recommendation["decision"]}

    return handler


async def _extend(ctx: Context, data: schemas.ExtendIn) -> tuple[str, dict[str, Any]]:
    app = ctx.case.application
    previous = app["due_at"]
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
    if data.user_id == ctx.principal.user_id:
        await reading.require_justification(ctx.conn, ctx.principal, ctx.case.application, ctx.now, "taking it")
    await ctx.conn.execute("UPDATE application SET assigned_to = $2 WHERE id = $1", ctx.case.id, data.user_id)
    return f"Assigned to {assignee['display_name']}", {"assigned_to": data.user_id}


async def _add_person(ctx: Context, data: schemas.NewPersonIn) -> tuple[str, dict[str, Any]]:
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

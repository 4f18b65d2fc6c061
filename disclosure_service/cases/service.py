"""Recording and changing applications: one transaction per change, checked against the state
machine and the version the user saw, with the audit row written in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import asyncpg
import msgspec

from disclosure_service.accounts.roles import Role
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import RequestMeta, record
from disclosure_service.auth.principal import Principal
from disclosure_service.cases import queries, schemas
from disclosure_service.cases.clocks import deadlines, retention_review_date
from disclosure_service.cases.queries import CaseFile
from disclosure_service.cases.vocabulary import Outcome, PersonRole, Recommendation, Scheme, Stage
from disclosure_service.cases.workflow import Action, Actor, evaluate
from disclosure_service.database import engine as db
from disclosure_service.web.formatting import to_london


class CaseNotFoundError(Exception):
    """No such case in the user's force: another force's case is answered exactly the same way."""


class CaseConflictError(Exception):
    """Someone else changed the case since the user loaded it; nothing was saved."""

    message = (
        "Someone else changed this case while you were working on it. Nothing you entered has been saved "
        "yet: check their change below, then submit again."
    )


class ActionRefusedError(Exception):
    """The state machine (or a rule of the action) says no; `reasons` say why, for the user."""

    def __init__(self, reasons: tuple[str, ...], field: str | None = None, *, forbidden: bool = False) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons
        self.field = field
        # Refused because of who is asking: the API answers 403 rather than 422.
        self.forbidden = forbidden


@dataclass(frozen=True, slots=True)
class Done:
    """A change that happened (or had already happened: a resubmitted form)."""

    case_id: int
    message: str
    version: int
    stage: str
    repeated: bool = False


# A supervisor who decides on a case becomes its supervisor (if it had none): their later reads are
# then justified by that relationship.
SUPERVISOR_DECISIONS = frozenset({Action.authorise, Action.refuse, Action.return_for_work, Action.extend})


def actor_of(principal: Principal) -> Actor:
    return Actor(user_id=principal.user_id, role=principal.role)


# ---------------------------------------------------------------------------------------------
# Creating an application


async def create_application(
    principal: Principal, data: schemas.NewApplicationIn, meta: RequestMeta, now: datetime | None = None
) -> Done:
    now = now or datetime.now(UTC)
    if principal.role not in (Role.officer, Role.supervisor):
        raise ActionRefusedError(("Only officers and supervisors record applications",))
    async with db.transaction(force_id=principal.force_id) as conn:
        if data.submission_key and (done := await _already_done(conn, principal, data.submission_key)):
            return done
        reference = await _next_reference(conn, principal.force_id, data.received_at)
        due = deadlines(Scheme(data.scheme), data.received_at)
        case_id: int = await conn.fetchval(
            'INSERT INTO application ("force", reference, scheme, route, channel, received_at, stage, risk_level, '
            "concern, assigned_to, created_by, triage_due_at, meeting_due_at, due_at, next_due_at, version, "
            "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'received', 'not_assessed', $7, $8, $8, "
            "$9, $10, $11, $9, 1, $12, $12) RETURNING id",
            principal.force_id,
            reference,
            data.scheme.value,
            data.route.value,
            data.channel.value,
            data.received_at,
            data.concern,
            principal.user_id,
            due.triage_due_at,
            due.meeting_due_at,
            due.due_at,
            now,
        )
        people = [(PersonRole.applicant, data.applicant), (PersonRole.subject, data.subject)]
        people += [(PersonRole.child, child) for child in data.children]
        for role, person in people:
            await _insert_person(conn, force_id=principal.force_id, case_id=case_id, role=role, person=person, now=now)
        await _remember(conn, principal, key=data.submission_key, case_id=case_id, action="create", now=now)
        await record(
            conn,
            actor=principal.actor,
            operation=Operation.collection,
            event="case.created",
            meta=meta,
            application_id=case_id,
            reference=reference,
            record_type="application",
            record_id=case_id,
            justification="recording a new application",
            details={"route": data.route.value, "channel": data.channel.value, "people": len(people)},
            now=now,
        )
    return Done(case_id, f"Application {reference} recorded", 1, Stage.received.value)


async def _next_reference(conn: asyncpg.Connection[Any], force_id: int, received_at: datetime) -> str:
    year = received_at.astimezone(UTC).year
    number: int = await conn.fetchval(
        'INSERT INTO reference_counter ("force", year, last) VALUES ($1, $2, 1) '
        'ON CONFLICT ("force", year) DO UPDATE SET last = reference_counter.last + 1 RETURNING last',
        force_id,
        year,
    )
    code: str = await conn.fetchval("SELECT code FROM force WHERE id = $1", force_id)
    return f"{code}-{year}-{number:05d}"


_PERSON_FIELDS = tuple(f for f in schemas.PersonIn.__struct_fields__)


async def _insert_person(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    case_id: int,
    role: PersonRole,
    person: schemas.PersonIn,
    now: datetime,
) -> int:
    columns = ", ".join(_PERSON_FIELDS)
    placeholders = ", ".join(f"${i}" for i in range(5, 5 + len(_PERSON_FIELDS)))
    person_id: int = await conn.fetchval(
        f'INSERT INTO case_person ("force", application, role, created_at, updated_at, {columns}) '  # noqa: S608
        f"VALUES ($1, $2, $3, $4, $4, {placeholders}) RETURNING id",
        force_id,
        case_id,
        role.value,
        now,
        *(getattr(person, name) for name in _PERSON_FIELDS),
    )
    return person_id


# ---------------------------------------------------------------------------------------------
# Idempotency: a form submitted twice does its work once


async def _already_done(conn: asyncpg.Connection[Any], principal: Principal, key: str) -> Done | None:
    row = await conn.fetchrow(
        "SELECT s.application, a.version, a.stage FROM submission s JOIN application a ON a.id = s.application "
        'WHERE s."user" = $1 AND s.key = $2',
        principal.user_id,
        key,
    )
    if row is None:
        return None
    return Done(
        int(row["application"]),
        "That was already saved: it has not been saved twice",
        row["version"],
        row["stage"],
        repeated=True,
    )


async def _remember(
    conn: asyncpg.Connection[Any],
    principal: Principal,
    *,
    key: str | None,
    case_id: int,
    action: str,
    now: datetime,
) -> None:
    if key is None:
        return
    await conn.execute(
        'INSERT INTO submission ("force", "user", key, application, action, created_at) '
        "VALUES ($1, $2, $3, $4, $5, $6)",
        principal.force_id,
        principal.user_id,
        key,
        case_id,
        action,
        now,
    )


# ---------------------------------------------------------------------------------------------
# Actions on a case


@dataclass(frozen=True, slots=True)
class Context:
    conn: asyncpg.Connection[Any]
    case: CaseFile
    principal: Principal
    meta: RequestMeta
    now: datetime


Handler = Callable[[Context, Any], Awaitable[tuple[str, dict[str, Any]]]]


class Versioned(Protocol):
    """Every action's input: the version of the case it was made against, and an optional key."""

    version: int
    submission_key: str | None


async def act(
    principal: Principal,
    case_id: int,
    action: Action,
    data: Versioned,
    meta: RequestMeta,
    *,
    now: datetime | None = None,
) -> Done:
    """Carry out `action`: check the rules and the version, record it, move the stage, audit it."""
    now = now or datetime.now(UTC)
    handler, payload_type = HANDLERS[action]
    if not isinstance(data, payload_type):
        raise TypeError(f"{action} takes {payload_type.__name__}")
    async with db.transaction(force_id=principal.force_id) as conn:
        if data.submission_key and (done := await _already_done(conn, principal, data.submission_key)):
            return done
        case = await queries.case_file(conn, case_id)
        if case is None:
            raise CaseNotFoundError(case_id)
        verdict = evaluate(action, case.facts(), actor_of(principal))
        if not verdict.allowed:
            raise ActionRefusedError(verdict.reasons, forbidden=verdict.forbidden)
        # The version check first: a stale form must not write anything, and the row lock it takes
        # makes a second supervisor deciding at the same moment wait, then find the version moved on.
        bumped = await conn.fetchval(
            "UPDATE application SET version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2 "
            "RETURNING version",
            case_id,
            data.version,
            now,
        )
        if bumped is None:
            raise CaseConflictError()
        context = Context(conn, case, principal, meta, now)
        message, details = await handler(context, data)
        to_stage = verdict.to_stage or case.stage
        if principal.role is Role.supervisor and action in SUPERVISOR_DECISIONS:
            await conn.execute(
                "UPDATE application SET supervisor = COALESCE(supervisor, $2) WHERE id = $1", case_id, principal.user_id
            )
        if to_stage is not case.stage or verdict.outcome is not None:
            outcome = verdict.outcome.value if verdict.outcome else None
            await _move(conn, case, stage=to_stage, outcome=outcome, now=now)
            details = {"from": case.stage.value, "to": to_stage.value, **details}
        await _remember(conn, principal, key=data.submission_key, case_id=case_id, action=action.value, now=now)
        await record(
            conn,
            actor=principal.actor,
            operation=Operation.alteration,
            event=f"case.{action.value}",
            meta=meta,
            application_id=case_id,
            reference=case.reference,
            record_type="application",
            record_id=case_id,
            details=details,
            now=now,
        )
    return Done(case_id, message, int(bumped), to_stage.value)


async def _move(
    conn: asyncpg.Connection[Any], case: CaseFile, *, stage: Stage, outcome: str | None, now: datetime
) -> None:
    app = case.application
    next_due = {
        Stage.received: app["triage_due_at"],
        Stage.initial_triage: app["triage_due_at"],
        Stage.applicant_meeting: app["meeting_due_at"],
        Stage.closed: None,
    }.get(stage, app["due_at"])
    await conn.execute(
        "UPDATE application SET stage = $2::varchar, outcome = COALESCE($3::varchar, outcome), next_due_at = $4, "
        "closed_at = CASE WHEN $2::varchar = 'closed' THEN $5 ELSE closed_at END WHERE id = $1",
        case.id,
        stage.value,
        outcome,
        next_due,
        now,
    )


def _refuse(message: str, field: str) -> ActionRefusedError:
    return ActionRefusedError((message,), field)


async def _start_triage(ctx: Context, data: schemas.ActionIn) -> tuple[str, dict[str, Any]]:
    if ctx.case.application["assigned_to"] is None:
        await ctx.conn.execute(
            "UPDATE application SET assigned_to = $2 WHERE id = $1", ctx.case.id, ctx.principal.user_id
        )
    return "Triage started", {}


async def _complete_triage(ctx: Context, data: schemas.TriageIn) -> tuple[str, dict[str, Any]]:
    if data.immediate_risk:
        raise _refuse(
            "An immediate risk leaves the scheme at once: use ‘Escalate an immediate risk to child protection’",
            "immediate_risk",
        )
    if not data.in_scope:
        raise _refuse("A case that is not in scope is closed: use ‘Close: out of scope’", "in_scope")
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
        raise _refuse(
            "Nothing can be disclosed without a verified identity: use ‘Close: identity not verified’",
            "identity_verified",
        )
    if not data.documents_seen.strip():
        raise _refuse("Say which documents you saw to verify the applicant’s identity", "documents_seen")
    if data.held_on > to_london(ctx.now).date():
        raise _refuse("The meeting date must be today or in the past", "held_on")
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
        await ctx.conn.execute(
            'INSERT INTO closure ("force", application, outcome, notes, onward_referrals, retention_review_on, '
            "closed_by, closed_at) VALUES ($1, $2, $3, $4, '', $5, $6, $7)",
            ctx.principal.force_id,
            ctx.case.id,
            outcome.value,
            data.reason,
            retention_review_date(ctx.now),
            ctx.principal.user_id,
            ctx.now,
        )
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
        raise _refuse("Choose a check that is waiting for its result", "check_id")
    if data.returned_on < check["requested_on"]:
        raise _refuse("The result cannot come back before the check was requested", "returned_on")
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
            raise _refuse("Choose who will receive the disclosure", "recipient_id")
        if not data.criteria:
            raise _refuse("Say which criteria are met", "criteria")
        if not data.disclosure_wording.strip():
            raise _refuse(
                "Record exactly what will be disclosed (kept internally, never given out)",
                "disclosure_wording",
            )
        if not data.recipient_reason.strip():
            raise _refuse("Say why this person is best placed to protect the child", "recipient_reason")
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
            raise _refuse("There is no recommendation to decide on", "rationale")
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
        raise _refuse("Officers can assign cases to themselves; ask a supervisor to assign someone else", "user_id")
    assignee = await ctx.conn.fetchrow(
        "SELECT display_name FROM app_user WHERE id = $1 AND status = 'active' AND role IN ('officer', 'supervisor')",
        data.user_id,
    )
    if assignee is None:
        raise _refuse("Choose an active officer or supervisor of your force", "user_id")
    await ctx.conn.execute("UPDATE application SET assigned_to = $2 WHERE id = $1", ctx.case.id, data.user_id)
    return f"Assigned to {assignee['display_name']}", {"assigned_to": data.user_id}


async def _add_person(ctx: Context, data: schemas.NewPersonIn) -> tuple[str, dict[str, Any]]:
    person = msgspec.convert(
        {name: getattr(data, name) for name in _PERSON_FIELDS}, schemas.PersonIn, from_attributes=False
    )
    person_id = await _insert_person(
        ctx.conn, force_id=ctx.principal.force_id, case_id=ctx.case.id, role=data.role, person=person, now=ctx.now
    )
    return f"{data.role.label} added", {"person_id": person_id, "role": data.role.value}


HANDLERS: dict[Action, tuple[Handler, type[Any]]] = {
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


async def reassign(principal: Principal, case_ids: list[int], user_id: int, meta: RequestMeta) -> int:
    """Give several open cases to one person (a supervisor covering an absence); one audit row per case."""
    now = datetime.now(UTC)
    async with db.transaction(force_id=principal.force_id) as conn:
        assignee = await conn.fetchrow(
            "SELECT id, display_name FROM app_user WHERE id = $1 AND status = 'active' "
            "AND role IN ('officer', 'supervisor')",
            user_id,
        )
        if assignee is None:
            raise ActionRefusedError(("Choose an active officer or supervisor of your force",), "user_id")
        rows = await conn.fetch(
            "UPDATE application SET assigned_to = $2, version = version + 1, updated_at = $3 "
            "WHERE id = ANY($1::int[]) AND stage <> 'closed' RETURNING id, reference",
            case_ids,
            user_id,
            now,
        )
        for row in rows:
            await record(
                conn,
                actor=principal.actor,
                operation=Operation.alteration,
                event="case.assign",
                meta=meta,
                application_id=row["id"],
                reference=row["reference"],
                record_type="application",
                record_id=row["id"],
                details={"assigned_to": user_id, "bulk": True},
                now=now,
            )
    return len(rows)

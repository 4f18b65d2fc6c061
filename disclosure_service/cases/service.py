"""Recording and changing applications: one transaction per change, checked against the state
machine and the version the user saw, with the audit row written in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from disclosure_service.accounts.roles import Role
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import RequestMeta, record
from disclosure_service.auth.principal import Principal
from disclosure_service.cases import queries, reading, schemas, timing
from disclosure_service.cases.actions import (
    ActionRefusedError,
    CaseConflictError,
    CaseNotFoundError,
    Context,
    Done,
    Handler,
    InvalidInputError,
    Problems,
    Result,
    Versioned,
    insert_person,
)
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.clocks import REVIEW_CLOCK, deadlines
from disclosure_service.cases.handlers import CASE_HANDLERS
from disclosure_service.cases.vocabulary import PersonRole, Scheme, Stage
from disclosure_service.cases.workflow import Action, Actor, evaluate
from disclosure_service.database import engine as db
from disclosure_service.disclosures.handlers import DISCLOSURE_HANDLERS

# A supervisor who decides on a case becomes its supervisor (if it had none): their later reads are
# then justified by that relationship.
SUPERVISOR_DECISIONS = frozenset(
    {Action.authorise, Action.refuse, Action.return_for_work, Action.extend, Action.review_refusal}
)


def actor_of(principal: Principal) -> Actor:
    return Actor(user_id=principal.user_id, role=principal.role)


# ---------------------------------------------------------------------------------------------
# Creating an application


def application_problems(data: schemas.NewApplicationIn, now: datetime) -> Problems:
    """Every impossible date on a new application: received in the future, a child born after it, ..."""
    problems = Problems()
    problems.check("received_at", timing.received_problem(data.received_at, now=now))
    received_on = timing.london_today(data.received_at)
    people = [("applicant", data.applicant, False), ("subject", data.subject, False)]
    people += [(f"children.{n}", child, True) for n, child in enumerate(data.children)]
    for prefix, person, child in people:
        if person.date_of_birth is not None:
            problems.check(
                f"{prefix}.date_of_birth",
                timing.birth_problem(person.date_of_birth, received_on=received_on, child=child),
            )
    return problems


async def create_application(
    principal: Principal, data: schemas.NewApplicationIn, meta: RequestMeta, now: datetime | None = None
) -> Done:
    now = now or datetime.now(UTC)
    if principal.role not in (Role.officer, Role.supervisor):
        raise ActionRefusedError(("Only officers and supervisors record applications",))
    application_problems(data, now).raise_any()
    try:
        return await _create(principal, data, meta, now)
    except _SavedMeanwhileError as exc:
        done = await _replay(principal, data.submission_key, case_id=None, action="create")
        if done is None:  # pragma: no cover - the key was seen taken a moment ago
            raise CaseConflictError() from exc
        return done


async def _create(principal: Principal, data: schemas.NewApplicationIn, meta: RequestMeta, now: datetime) -> Done:
    async with db.transaction(force_id=principal.force_id) as conn:
        if data.submission_key and (
            done := await _already_done(conn, principal, data.submission_key, case_id=None, action="create")
        ):
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
            await insert_person(conn, force_id=principal.force_id, case_id=case_id, role=role, person=person, now=now)
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


# ---------------------------------------------------------------------------------------------
# Idempotency: a form submitted twice does its work once


class _SavedMeanwhileError(Exception):
    """A request with the same key was saved while this one ran: roll this one back."""


async def _already_done(
    conn: asyncpg.Connection[Any], principal: Principal, key: str, *, case_id: int | None, action: str
) -> Done | None:
    """The earlier result, if this key was saved before; refused if it was saved for another request."""
    row = await conn.fetchrow(
        "SELECT s.application, s.action, a.version, a.stage FROM submission s "
        'JOIN application a ON a.id = s.application WHERE s."user" = $1 AND s.key = $2',
        principal.user_id,
        key,
    )
    if row is None:
        return None
    if row["action"] != action or (case_id is not None and row["application"] != case_id):
        raise ActionRefusedError(
            ("This submission key was already used for a different request: send a new key with each new request",)
        )
    return Done(
        int(row["application"]),
        "That was already saved: it has not been saved twice",
        row["version"],
        row["stage"],
        repeated=True,
    )


async def _replay(principal: Principal, key: str | None, *, case_id: int | None, action: str) -> Done | None:
    """The earlier result for this key, looked up afresh after this request's own work rolled back."""
    if not key:
        return None
    async with db.transaction(force_id=principal.force_id) as conn:
        return await _already_done(conn, principal, key, case_id=case_id, action=action)


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
    # A second request with the same key, running at the same moment, waits here for the first to
    # commit, then finds the key taken.
    saved = await conn.fetchval(
        'INSERT INTO submission ("force", "user", key, application, action, created_at) '
        'VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("user", key) DO NOTHING RETURNING id',
        principal.force_id,
        principal.user_id,
        key,
        case_id,
        action,
        now,
    )
    if saved is None:
        raise _SavedMeanwhileError()


# ---------------------------------------------------------------------------------------------
# Actions on a case

HANDLERS: dict[Action, tuple[Handler, type[Any]]] = {**CASE_HANDLERS, **DISCLOSURE_HANDLERS}


async def act(
    principal: Principal,
    case_id: int,
    action: Action,
    data: Versioned,
    meta: RequestMeta,
    *,
    now: datetime | None = None,
) -> Done:
    """Carry out `action`: check the rules and the version, record it, move the stage, audit it.

    A refused attempt changes nothing but is itself logged (a probe of another force's case, a stale
    version, an action the rules refuse): what someone tried to do to a case is on the record too.
    """
    now = now or datetime.now(UTC)
    _, payload_type = HANDLERS[action]
    if not isinstance(data, payload_type):
        raise TypeError(f"{action} takes {payload_type.__name__}")
    try:
        return await _act(principal, case_id, action, data, meta=meta, now=now)
    except (_SavedMeanwhileError, CaseConflictError) as exc:
        # The same request sent twice at once: the second waited for the first, then found the key
        # taken or the version moved on. It answers as a repeat, not as someone else's change.
        done = await _replay(principal, data.submission_key, case_id=case_id, action=action.value)
        if done is None:
            await _log_refused(principal, case_id, action, meta, "conflict", now=now)
            raise CaseConflictError() from exc
        return done
    except CaseNotFoundError:
        await _log_refused(principal, case_id, action, meta, "not_found", now=now)
        raise
    except ActionRefusedError as exc:
        kind = "invalid" if isinstance(exc, InvalidInputError) else "forbidden" if exc.forbidden else "refused"
        await _log_refused(principal, case_id, action, meta, kind, now=now)
        raise


async def _log_refused(
    principal: Principal, case_id: int, action: Action, meta: RequestMeta, kind: str, *, now: datetime
) -> None:
    """The refused attempt, committed on its own: the attempt's own transaction was rolled back.
    Only the kind of refusal is kept (reasons can name people); a missing case gets no reference."""
    async with db.transaction(force_id=principal.force_id) as conn:
        reference = (
            ""
            if kind == "not_found"
            else await conn.fetchval("SELECT reference FROM application WHERE id = $1", case_id)
        )
        await record(
            conn,
            actor=principal.actor,
            operation=Operation.consultation,
            event="case.action_refused",
            meta=meta,
            application_id=None if kind == "not_found" else case_id,
            reference=reference or "",
            record_type="application",
            record_id=case_id,
            details={"action": action.value, "refused": kind},
            now=now,
        )


async def _act(
    principal: Principal, case_id: int, action: Action, data: Versioned, *, meta: RequestMeta, now: datetime
) -> Done:
    handler, _ = HANDLERS[action]
    async with db.transaction(force_id=principal.force_id) as conn:
        if data.submission_key and (
            done := await _already_done(conn, principal, data.submission_key, case_id=case_id, action=action.value)
        ):
            return done
        case = await queries.case_file(conn, case_id)
        if case is None:
            raise CaseNotFoundError(case_id)
        if case.record.version != data.version:
            # Someone changed the case since this person loaded it: say so before judging the
            # request against a state they have not seen (two supervisors deciding at once: the
            # second is told the case changed, even though the first decision took it off their queue).
            raise CaseConflictError()
        # Acting on a case needs what reading it needs, before the rules say anything about its
        # state: otherwise acting would be a way round giving a reason.
        justification = await _justification(conn, principal, case, now)
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
        returned = await handler(context, data)
        result = returned if isinstance(returned, Result) else Result(*returned)
        message, details = result.message, result.details
        to_stage = result.to_stage or verdict.to_stage or case.stage
        outcome = result.outcome or verdict.outcome
        if principal.role is Role.supervisor and action in SUPERVISOR_DECISIONS:
            # Deciding makes them the case's supervisor, which justifies reading it from then on.
            await conn.execute(
                "UPDATE application SET supervisor = COALESCE(supervisor, $2) WHERE id = $1", case_id, principal.user_id
            )
        if to_stage is not case.stage or outcome is not None:
            await _move(conn, case, stage=to_stage, outcome=outcome.value if outcome else None, now=now)
            details = {"from": case.stage.value, "to": to_stage.value, **details}
        await _remember(conn, principal, key=data.submission_key, case_id=case_id, action=action.value, now=now)
        await record(
            conn,
            actor=principal.actor,
            operation=result.operation or Operation.alteration,
            event=f"case.{action.value}",
            meta=meta,
            application_id=case_id,
            reference=case.reference,
            record_type="application",
            record_id=case_id,
            justification=justification,
            recipients=result.recipients,
            details=details,
            now=now,
        )
    return Done(case_id, message, int(bumped), to_stage.value)


async def _justification(conn: asyncpg.Connection[Any], principal: Principal, case: CaseFile, now: datetime) -> str:
    try:
        return await reading.justify(conn, principal, case.record, None, now)
    except reading.ReasonNeededError:
        raise ActionRefusedError(
            (
                f"You are not on case {case.reference}: open it and say why before you change it "
                "(acting on a case is no way round giving a reason)",
            ),
            "version",
            forbidden=True,
        ) from None


async def _move(
    conn: asyncpg.Connection[Any], case: CaseFile, *, stage: Stage, outcome: str | None, now: datetime
) -> None:
    app = case.record
    next_due = {
        Stage.received: app.triage_due_at,
        Stage.initial_triage: app.triage_due_at,
        Stage.applicant_meeting: app.meeting_due_at,
        # A refused undertaking is reviewed on its own, short clock.
        Stage.undertaking_review: now + REVIEW_CLOCK,
        Stage.closed: None,
    }.get(stage, app.due_at)
    await conn.execute(
        "UPDATE application SET stage = $2::varchar, outcome = COALESCE($3::varchar, outcome), next_due_at = $4, "
        "closed_at = CASE WHEN $2::varchar = 'closed' THEN $5 ELSE closed_at END WHERE id = $1",
        case.id,
        stage.value,
        outcome,
        next_due,
        now,
    )


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
        if user_id == principal.user_id:
            # Holding a case justifies reading it: take cases one at a time, from the case, with a reason.
            raise ActionRefusedError(("Reassign cases to someone else; to take a case yourself, open it first",))
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

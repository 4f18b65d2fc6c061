"""JSON API for cases: `/api/v1/applications`, one endpoint per action of the schemes the app runs.

A client sends the case's `version` with every change and gets 409 if someone else changed it
first. An `Idempotency-Key` header (or `submission_key`) makes a retried request harmless.
Reading a case you are not on needs `reason` and `reason_detail` query parameters: they are logged.
The engine's refusals become HTTP answers in `cases.http_errors`.
"""

# No `from __future__ import annotations` here: the per-action handlers are built in a loop and
# Litestar reads their annotations at run time.

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody, QueryParameter

from disclosure_service.audit.writer import Caller
from disclosure_service.cases import clocks as case_clocks
from disclosure_service.cases import queries, reading, schemas
from disclosure_service.cases.casefile import RecommendationRecord, Transfer
from disclosure_service.cases.clocks import clocks_of
from disclosure_service.cases.service import Casework
from disclosure_service.cases.spec import ActionSpec
from disclosure_service.cases.vocabulary import AccessReason, ClockName
from disclosure_service.cases.workflow import Action
from disclosure_service.dates import age_today
from disclosure_service.web import access

CASEWORK = access.opt(access.CASEWORK)


def _next_deadline_out(found: case_clocks.Clock | None) -> schemas.NextDeadlineOut | None:
    if found is None or found.due_at is None:
        return None
    return schemas.NextDeadlineOut(
        clock=found.clock,
        name=found.name,
        due_at=found.due_at,
        days_left=found.days_left,
        overdue=found.overdue,
        status=found.words,
    )


def case_out(opened: reading.OpenedCase, caller: Caller, casework: Casework) -> schemas.CaseOut:
    """The whole file, as the case page shows it."""
    case = opened.case
    record = case.record
    now = datetime.now(UTC)
    return schemas.CaseOut(
        id=case.id,
        reference=case.reference,
        version=record.version,
        scheme=record.scheme,
        route=record.route,
        channel=record.channel,
        received_at=record.received_at,
        stage=record.stage,
        outcome=record.outcome,
        risk_level=record.risk_level,
        concern=record.concern,
        assigned_to=record.assigned_to,
        assigned_name=record.assigned_name,
        supervisor=record.supervisor,
        supervisor_name=record.supervisor_name,
        people=[
            schemas.PersonOut(
                **msgspec.structs.asdict(p),
                age=age_today(p.date_of_birth, now),
                corrections=case.corrections_of(p.id),
            )
            for p in case.people
        ],
        triage=case.triage,
        escalations=case.escalations,
        applicant_meetings=case.meetings,
        checks=case.checks,
        risk_assessments=case.risk_assessments,
        recommendation=_recommendation_out(case.recommendation),
        decisions=case.decisions,
        extensions=case.extensions,
        disclosure_meetings=case.disclosure_meetings,
        documents=[msgspec.convert(d, schemas.DocumentOut, from_attributes=True) for d in case.documents],
        undertaking_outcomes=case.undertaking_responses,
        refusal_reviews=case.refusal_reviews,
        disclosures=[
            schemas.DisclosureOut(
                id=d.id,
                meeting=d.meeting,
                recipient_id=d.recipient,
                recipient_name=d.recipient_name,
                made_at=d.made_at,
                what_was_disclosed=d.what_was_disclosed,
                subject_told=d.subject_told,
                notes=d.notes,
                recorded_at=d.recorded_at,
                by_name=d.by_name,
            )
            for d in case.disclosures
        ],
        notifications=case.notifications,
        closure=case.closure,
        post_closure_events=case.post_closure_events,
        notes=case.notes,
        contacts=case.contacts,
        attachments=case.attachments,
        transferred_to=_transfer_out(case.transferred_to),
        transferred_from=_transfer_out(case.transferred_from),
        force_checks=case.force_checks,
        clocks=[
            schemas.ClockOut(
                name=c.name, due_at=c.due_at, days_left=c.days_left, overdue=c.overdue, done=c.done, status=c.words
            )
            for c in clocks_of(record, now)
            if c.due_at is not None
        ],
        stage_clocks=[
            schemas.StageClockOut(
                clock=c.clock,
                name=c.name,
                started=not c.waiting,
                due_at=c.due_at,
                days_left=None if c.waiting else c.days_left,
                overdue=c.overdue,
                done=c.done,
                current=c.current,
                hours=c.hours or 0,
                extended_hours=c.extended_hours,
                status=c.words,
            )
            for c in case_clocks.shown(
                casework.definition(record.scheme).clocks,
                case.clocks,
                stage=record.stage,
                received_at=record.received_at,
                now=now,
            )
        ],
        next_deadline=_next_deadline_out(casework.next_deadline(case, now)),
        timeline=[msgspec.convert(dict(e), schemas.TimelineEventOut, strict=False) for e in opened.timeline],
        access_history=[msgspec.convert(dict(e), schemas.AccessOut, strict=False) for e in opened.access_history],
        available_actions=[spec.action.value for spec in casework.available(case, caller.principal)],
        possible_duplicates=[reference for reference, _ in opened.duplicates],
    )


def _transfer_out(transfer: Transfer | None) -> schemas.TransferOut | None:
    if transfer is None:
        return None
    return schemas.TransferOut(force=transfer.force_name, reference=transfer.reference, sent_at=transfer.sent_at)


def _recommendation_out(recommendation: RecommendationRecord | None) -> schemas.RecommendationOut | None:
    if recommendation is None:
        return None
    return schemas.RecommendationOut(
        id=recommendation.id,
        decision=recommendation.decision,
        criteria=recommendation.criteria,
        rationale=recommendation.rationale,
        recipient_id=recommendation.recipient,
        recipient_name=recommendation.recipient_name,
        recipient_reason=recommendation.recipient_reason,
        subject_told=recommendation.subject_told,
        subject_told_reason=recommendation.subject_told_reason,
        disclosure_wording=recommendation.disclosure_wording,
        recommended_by=recommendation.recommended_by,
        recommended_at=recommendation.recommended_at,
        by_name=recommendation.by_name,
    )


@get("/", opt=CASEWORK)
async def list_applications(
    caller: NamedDependency[Caller],
    casework: NamedDependency[Casework],
    *,
    queue: Annotated[str | None, QueryParameter()] = None,
    q: Annotated[str | None, QueryParameter(max_length=100)] = None,
    page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
    clock: Annotated[ClockName | None, QueryParameter()] = None,
) -> list[schemas.QueueItemOut]:
    """A page (50 cases, most urgent first) of a work queue (mine, unassigned, due_soon, overdue,
    authorisation, review), or the 50 most recently recorded cases matching a search by reference
    or name (`q`; `page` is ignored). `clock` narrows a queue to the cases at that clock's stages."""
    if queue is not None and queue not in queries.QUEUES:
        raise ValidationException(f"queue must be one of {', '.join(queries.QUEUES)}")
    stages = casework.stages_of(clock) if clock is not None else None
    rows = await reading.list_cases(caller, queue=queue, search=q, page=page, stages=stages)
    now = datetime.now(UTC)
    return [
        schemas.QueueItemOut(
            id=r.id,
            reference=r.reference,
            stage=r.stage,
            route=r.route,
            risk_level=r.risk_level,
            received_at=r.received_at,
            next_due_at=r.next_due_at,
            assigned_to=r.assigned_name,
            overdue=d is not None and d.overdue,
            clock=(d.name or None) if d is not None else (casework.clock_at(r.stage) or None),
        )
        for r, d in ((r, casework.queue_deadline(r, now)) for r in rows)
    ]


BodyT = TypeVar("BodyT", bound=msgspec.Struct)


def _with_idempotency_key(request: Request[Any, Any, Any], data: BodyT) -> BodyT:
    """An `Idempotency-Key` header stands for `submission_key` when the body has none."""
    key = request.headers.get("idempotency-key")
    if not key or getattr(data, "submission_key", None) is not None:
        return data
    try:
        return msgspec.convert({**msgspec.to_builtins(data), "submission_key": key}, type(data))
    except msgspec.ValidationError:
        raise ValidationException(
            "Idempotency-Key must be 8 to 64 letters, digits, dashes or underscores",
            extra=[{"key": "Idempotency-Key", "message": "8 to 64 letters, digits, dashes or underscores"}],
        ) from None


@post("/", opt=CASEWORK, status_code=201)
async def create_application(
    request: Request[Any, Any, Any],
    data: JSONBody[schemas.NewApplicationIn],
    caller: NamedDependency[Caller],
    casework: NamedDependency[Casework],
) -> schemas.CaseOut:
    """Record an application with its applicant, subject and children."""
    done = await casework.create(caller, _with_idempotency_key(request, data))
    return case_out(await reading.open_case(caller, done.case_id), caller, casework)


@get("/{case_id:int}", opt=CASEWORK)
async def read_application(
    case_id: FromPath[int],
    caller: NamedDependency[Caller],
    casework: NamedDependency[Casework],
    reason: Annotated[AccessReason | None, QueryParameter()] = None,
    reason_detail: Annotated[str | None, QueryParameter(max_length=2000)] = None,
) -> schemas.CaseOut:
    """One case. Every read is logged; if you are not on the case, give a reason."""
    given = None
    if reason is not None:
        if not reason_detail or len(reason_detail.strip()) < 5:
            raise ValidationException("reason_detail must explain the reason (5 characters or more)")
        given = reading.Reason(reason, reason_detail.strip())
    return case_out(await reading.open_case(caller, case_id, reason=given), caller, casework)


@post("/reassign", opt=access.opt(access.SUPERVISORS), status_code=200)
async def reassign(
    data: JSONBody[schemas.ReassignIn], caller: NamedDependency[Caller], casework: NamedDependency[Casework]
) -> schemas.ReassignedOut:
    """Give several open cases to one officer or supervisor (someone is away): one change and one audit
    row per case. Closed cases, and cases of other forces, are left alone and not counted."""
    return schemas.ReassignedOut(reassigned=await casework.reassign(caller, data.case_ids, data.user_id))


def _action_handler(spec: ActionSpec) -> HTTPRouteHandler:
    action: Action = spec.action

    async def handler(
        request: Request[Any, Any, Any],
        case_id: FromPath[int],
        data: JSONBody[spec.payload],  # type: ignore[name-defined]
        caller: NamedDependency[Caller],
        casework: NamedDependency[Casework],
    ) -> schemas.ActionOut:
        done = await casework.act(caller, case_id, action, _with_idempotency_key(request, data))
        # The result carries no case content, so it is not a read of the case.
        return schemas.ActionOut(
            id=done.case_id, version=done.version, stage=done.stage, message=done.message, repeated=done.repeated
        )

    handler.__name__ = f"application_{action.value}"
    handler.__doc__ = f"{spec.label}. Send the case's current `version`; 409 if it has changed."
    return post(
        f"/{{case_id:int}}/{spec.slug}",
        opt=access.opt(access.CASEWORK, step_up=spec.step_up),
        status_code=200,
        operation_id=f"application_{action.value}",
        name=f"application_{action.value}",
    )(handler)


def router(actions: Mapping[Action, ActionSpec], *extra: HTTPRouteHandler) -> Router:
    """The applications API for these actions (every scheme's, each once), and any `extra` routes
    under the same path (downloads)."""
    return Router(
        path="/applications",
        route_handlers=[
            list_applications,
            create_application,
            read_application,
            reassign,
            *extra,
            *(_action_handler(spec) for spec in actions.values()),
        ],
        tags=["Applications"],
    )

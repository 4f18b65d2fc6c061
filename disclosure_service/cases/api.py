"""JSON API for applications: `/api/v1/applications`, one endpoint per action.

A client sends the case's `version` with every change and gets 409 if someone else changed it
first. An `Idempotency-Key` header (or `submission_key`) makes a retried request harmless.
Reading a case you are not on needs `reason` and `reason_detail` query parameters: they are logged.
"""

# No `from __future__ import annotations` here: the per-action handlers are built in a loop and
# Litestar reads their annotations at run time.

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.exceptions import (
    ClientException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY

from disclosure_service.auth import access
from disclosure_service.auth.middleware import request_meta
from disclosure_service.auth.principal import Principal
from disclosure_service.cases import actions, queries, reading, schemas, service
from disclosure_service.cases.casefile import RecommendationRecord
from disclosure_service.cases.clocks import clocks_of
from disclosure_service.cases.vocabulary import AccessReason
from disclosure_service.cases.workflow import STEP_UP_ACTIONS, Action, available
from disclosure_service.disclosures import documents
from disclosure_service.disclosures import service as disclosure_service

CASEWORK = access.opt(access.CASEWORK)


class ConflictException(ClientException):
    status_code = HTTP_409_CONFLICT


class UnprocessableException(ClientException):
    """Well-formed, but the case's state or the rules refuse it; the detail says why and what is missing."""

    status_code = HTTP_422_UNPROCESSABLE_ENTITY


def case_out(opened: reading.OpenedCase, principal: Principal) -> schemas.CaseOut:
    case = opened.case
    app = case.record
    now = datetime.now(UTC)
    return schemas.CaseOut(
        id=case.id,
        reference=case.reference,
        version=app.version,
        scheme=app.scheme,
        route=app.route,
        channel=app.channel,
        received_at=app.received_at,
        stage=app.stage,
        outcome=app.outcome,
        risk_level=app.risk_level,
        concern=app.concern,
        assigned_to=app.assigned_to,
        supervisor=app.supervisor,
        people=[msgspec.convert(p, schemas.PersonOut, from_attributes=True) for p in case.people],
        checks=[msgspec.convert(c, schemas.CheckOut, from_attributes=True) for c in case.checks],
        recommendation=_recommendation_out(case.recommendation),
        clocks=[
            schemas.ClockOut(name=c.name, due_at=c.due_at, days_left=c.days_left, overdue=c.overdue)
            for c in clocks_of(app, now)
        ],
        available_actions=[a.value for a in available(case.facts(), service.actor_of(principal))],
        possible_duplicates=[reference for reference, _ in opened.duplicates],
        documents=[msgspec.convert(d, schemas.DocumentOut, from_attributes=True) for d in case.documents],
        disclosures=[
            schemas.DisclosureOut(
                id=d.id,
                recipient_id=d.recipient,
                made_at=d.made_at,
                what_was_disclosed=d.what_was_disclosed,
                subject_told=d.subject_told,
            )
            for d in case.disclosures
        ],
        post_closure_events=[
            msgspec.convert(e, schemas.PostClosureEventOut, from_attributes=True) for e in case.post_closure_events
        ],
    )


def _recommendation_out(recommendation: RecommendationRecord | None) -> schemas.RecommendationOut | None:
    if recommendation is None:
        return None
    return schemas.RecommendationOut(
        decision=recommendation.decision,
        criteria=recommendation.criteria,
        rationale=recommendation.rationale,
        recipient_id=recommendation.recipient,
        subject_told=recommendation.subject_told,
        recommended_by=recommendation.recommended_by,
        recommended_at=recommendation.recommended_at,
    )


async def _open(request: Request[Any, Any, Any], case_id: int, reason: reading.Reason | None) -> schemas.CaseOut:
    principal = access.caller(request)
    try:
        opened = await reading.open_case(principal, case_id, request_meta(request), reason=reason)
    except actions.CaseNotFoundError:
        raise NotFoundException() from None
    except reading.ReasonNeededError as exc:
        raise PermissionDeniedException(
            f"You are not on case {exc.reference}: say why you are opening it with the reason and "
            f"reason_detail query parameters (reason one of: {', '.join(r.value for r in AccessReason)})",
            extra={"reason_required": True},
        ) from None
    return case_out(opened, principal)


@get("/", opt=CASEWORK)
async def list_applications(
    request: Request[Any, Any, Any],
    queue: Annotated[str | None, QueryParameter()] = None,
    q: Annotated[str | None, QueryParameter(max_length=100)] = None,
    page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
) -> list[schemas.QueueItemOut]:
    """A page (50 cases, most urgent first) of a work queue (mine, unassigned, due_soon, overdue,
    authorisation, review), or the 50 most recently recorded cases matching a search by reference
    or name (`q`; `page` is ignored)."""
    if queue is not None and queue not in queries.QUEUES:
        raise ValidationException(f"queue must be one of {', '.join(queries.QUEUES)}")
    rows = await reading.list_cases(access.caller(request), request_meta(request), queue=queue, search=q, page=page)
    now = datetime.now(UTC)
    return [
        schemas.QueueItemOut(
            id=r["id"],
            reference=r["reference"],
            stage=r["stage"],
            route=r["route"],
            risk_level=r["risk_level"],
            received_at=r["received_at"],
            next_due_at=r["next_due_at"],
            assigned_to=r["assigned_name"],
            overdue=r["next_due_at"] is not None and r["next_due_at"] < now,
        )
        for r in rows
    ]


def _invalid(exc: actions.InvalidInputError) -> ValidationException:
    """400, with each problem by the field it is about (like a form's error summary)."""
    return ValidationException(
        "; ".join(exc.reasons), extra=[{"key": field, "message": message} for field, message in exc.problems]
    )


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
    request: Request[Any, Any, Any], data: JSONBody[schemas.NewApplicationIn]
) -> schemas.CaseOut:
    """Record an application with its applicant, subject and children."""
    data = _with_idempotency_key(request, data)
    try:
        done = await service.create_application(access.caller(request), data, request_meta(request))
    except actions.InvalidInputError as exc:
        raise _invalid(exc) from None
    except actions.ActionRefusedError as exc:
        raise PermissionDeniedException(exc.reasons[0]) from None
    return await _open(request, done.case_id, None)


@get("/{case_id:int}", opt=CASEWORK)
async def read_application(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    reason: Annotated[AccessReason | None, QueryParameter()] = None,
    reason_detail: Annotated[str | None, QueryParameter(max_length=2000)] = None,
) -> schemas.CaseOut:
    """One case. Every read is logged; if you are not on the case, give a reason."""
    given = None
    if reason is not None:
        if not reason_detail or len(reason_detail.strip()) < 5:
            raise ValidationException("reason_detail must explain the reason (5 characters or more)")
        given = reading.Reason(reason, reason_detail.strip())
    return await _open(request, case_id, given)


def _action_handler(action: Action, body: type[Any]) -> HTTPRouteHandler:
    async def handler(
        request: Request[Any, Any, Any],
        case_id: FromPath[int],
        data: JSONBody[body],  # type: ignore[valid-type]
    ) -> schemas.ActionOut:
        data = _with_idempotency_key(request, data)
        try:
            done = await service.act(access.caller(request), case_id, action, data, request_meta(request))
        except actions.CaseNotFoundError:
            raise NotFoundException() from None
        except actions.CaseConflictError:
            raise ConflictException(actions.CaseConflictError.message) from None
        except actions.InvalidInputError as exc:
            raise _invalid(exc) from None
        except actions.ActionRefusedError as exc:
            if exc.forbidden:
                raise PermissionDeniedException("; ".join(exc.reasons)) from None
            raise UnprocessableException(
                "; ".join(exc.reasons), extra=[{"key": exc.field or "", "message": r} for r in exc.reasons]
            ) from None
        # The result carries no case content, so it is not a read of the case.
        return schemas.ActionOut(
            id=done.case_id, version=done.version, stage=done.stage, message=done.message, repeated=done.repeated
        )

    handler.__name__ = f"application_{action.value}"
    handler.__doc__ = f"{action.label}. Send the case's current `version`; 409 if it has changed."
    return post(
        f"/{{case_id:int}}/{action.value.replace('_', '-')}",
        opt=access.opt(access.CASEWORK, step_up=action in STEP_UP_ACTIONS),
        status_code=200,
        operation_id=f"application_{action.value}",
        name=f"application_{action.value}",
    )(handler)


@get(
    "/{case_id:int}/documents/{document_id:int}",
    opt=access.opt(access.CASEWORK, step_up=True),
    media_type=documents.DOCX_TYPE,
)
async def download_document(
    request: Request[Any, Any, Any], case_id: FromPath[int], document_id: FromPath[int]
) -> Response[bytes]:
    """A generated document (.docx): a disclosure, logged with its recipient. Needs a fresh code."""
    try:
        found = await disclosure_service.document(access.caller(request), case_id, document_id, request_meta(request))
    except actions.CaseNotFoundError:
        raise NotFoundException() from None
    except reading.ReasonNeededError as exc:
        raise PermissionDeniedException(f"You are not on case {exc.reference}: open it with a reason first") from None
    return Response(
        found.content,
        media_type=found.media_type,
        headers={"content-disposition": f'attachment; filename="{found.filename}"'},
    )


ACTION_HANDLERS = [_action_handler(action, body) for action, (_, body) in service.HANDLERS.items()]

router = Router(
    path="/applications",
    route_handlers=[list_applications, create_application, read_application, download_document, *ACTION_HANDLERS],
    tags=["Applications"],
)

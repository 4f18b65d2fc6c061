"""The case pages: work queues and search, recording an application, the case page, each action."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT

from disclosure_service.accounts.roles import Role
from disclosure_service.auth import access, step_up
from disclosure_service.auth.middleware import request_meta
from disclosure_service.auth.principal import Principal
from disclosure_service.cases import actions, forms, queries, reading, schemas, service
from disclosure_service.cases import vocabulary as v
from disclosure_service.cases.clocks import clocks_of
from disclosure_service.cases.vocabulary import AccessReason, Stage
from disclosure_service.cases.workflow import ACTION_LABELS, STEP_UP_ACTIONS, Action, available, evaluate
from disclosure_service.database import engine as db
from disclosure_service.disclosures import documents
from disclosure_service.disclosures.handlers import MAX_SCAN_BYTES
from disclosure_service.numbers import whole_number
from disclosure_service.web.formatting import to_london
from disclosure_service.web.forms import FormErrors, read_form_lists
from disclosure_service.web.formspec import Field, Section, all_fields, parse
from disclosure_service.web.navigation import pagination

AnyRequest = Request[Any, Any, Any]
CASEWORK = access.opt(access.CASEWORK)
# Authorising asks for a fresh code inside its own form, so the rationale typed is not lost.
CASEWORK_FORM = access.opt(access.CASEWORK, step_up=step_up.FORM)
# Simple actions are a button on the case page; the rest have a page of their own.
BUTTON_ACTIONS = {Action.start_triage, Action.complete_checks}
MEETING_STATUS = {"arranged": "Arranged", "held": "Held", "cancelled": "Cancelled", "rearranged": "Rearranged"}


def _see_other(path: str) -> Redirect:
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)


# ---------------------------------------------------------------------------------------------
# Queues and search


@get("/cases", opt=CASEWORK)
async def cases_page(request: AnyRequest) -> Template:
    principal = access.caller(request)
    search = request.query_params.get("q", "").strip()[:100]
    default = "authorisation" if principal.role is Role.supervisor else "mine"
    queue = request.query_params.get("queue", default)
    if queue not in queries.QUEUES:
        queue = default
    page_number = _page_number(request)
    rows = await reading.list_cases(
        principal, request_meta(request), queue=None if search else queue, search=search, page=page_number
    )
    counts = await reading.counts(principal)
    total = len(rows) if search else counts.get(queue, 0)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    staff = await _staff(principal) if principal.role is Role.supervisor else []
    return Template(
        "cases/list.html",
        context={
            "page_title": "Search results" if search else queries.QUEUES[queue],
            "rows": rows,
            "queue": None if search else queue,
            "queues": {
                name: label
                for name, label in queries.QUEUES.items()
                if principal.role is Role.supervisor or name not in queries.SUPERVISOR_QUEUES
            },
            "counts": counts,
            "search": search,
            "now": datetime.now(UTC),
            "staff": staff,
            "stage_labels": {s.value: s.label for s in Stage},
            "done": request.query_params.get("done"),
            "pages": pages,
            "pagination": pagination(f"/cases?queue={queue}&page=", page_number, pages),
            "first_shown": (page_number - 1) * queries.PAGE_SIZE + 1,
            "page_size": queries.PAGE_SIZE,
            "total": total,
        },
    )


def _page_number(request: AnyRequest) -> int:
    return min(whole_number(request.query_params.get("page")) or 1, 10_000)


@post("/cases/reassign", opt=access.opt(access.SUPERVISORS))
async def reassign(request: AnyRequest) -> Redirect:
    """Reassign several cases at once (an officer is away): one change, and one audit row, per case."""
    principal = access.caller(request)
    form = await read_form_lists(request)
    target = (form.get("user_id") or [""])[0]
    ids = [number for v in form.get("case_ids", []) if (number := whole_number(v)) is not None]
    queue = (form.get("queue") or ["overdue"])[0]
    target_id = whole_number(target)
    if target_id is None or not ids:
        return _see_other(f"/cases?queue={queue}&done=reassign-nothing")
    try:
        moved = await service.reassign(principal, ids, target_id, request_meta(request))
    except actions.ActionRefusedError:
        return _see_other(f"/cases?queue={queue}&done=reassign-refused")
    return _see_other(f"/cases?queue={queue}&done=reassigned-{moved}")


async def _staff(principal: Principal) -> list[tuple[str, str]]:
    async with db.transaction(force_id=principal.force_id) as conn:
        rows = await conn.fetch(
            "SELECT id, display_name, role FROM app_user WHERE status = 'active' "
            "AND role IN ('officer', 'supervisor') AND id <> $1 ORDER BY display_name",
            principal.user_id,
        )
    return [(str(r["id"]), f"{r['display_name']} ({r['role']})") for r in rows]


# ---------------------------------------------------------------------------------------------
# A new application


def _new_form(request: AnyRequest, form: dict[str, list[str]], errors: FormErrors, status: int = 200) -> Template:
    return Template(
        "cases/new.html",
        context={
            "page_title": "Record an application",
            "sections": forms.NEW_APPLICATION,
            "form": form,
            "back_link": "/cases",
            **errors.context(),
        },
        status_code=status,
    )


@get("/cases/new", opt=CASEWORK)
async def new_application_page(request: AnyRequest) -> Template:
    now = datetime.now(UTC)
    key = secrets.token_urlsafe(16)
    return _new_form(request, {"submission_key": [key], **_date_parts("received_at", now)}, FormErrors())


def _date_parts(name: str, moment: datetime) -> dict[str, list[str]]:
    local = to_london(moment)
    return {
        f"{name}-day": [str(local.day)],
        f"{name}-month": [str(local.month)],
        f"{name}-year": [str(local.year)],
        f"{name}-time": [f"{local:%H:%M}"],
    }


@post("/cases/new", opt=CASEWORK)
async def create_application(request: AnyRequest) -> Template | Redirect:
    principal = access.caller(request)
    form = await read_form_lists(request)
    key = (form.get("submission_key") or [""])[0] or None
    data, errors = parse(forms.NEW_APPLICATION, form, schemas.NewApplicationIn, extra={"submission_key": key})
    if data is None:
        return _new_form(request, form, errors, HTTP_400_BAD_REQUEST)
    try:
        done = await service.create_application(principal, data, request_meta(request))
    except actions.ActionRefusedError as exc:
        fields = {f.name: f for f in all_fields(forms.NEW_APPLICATION)}
        for field, message in exc.problems:
            errors.add(field, message, fields[field].anchor if field in fields else None)
        return _new_form(request, form, errors, HTTP_400_BAD_REQUEST)
    return _see_other(f"/cases/{done.case_id}?done=created")


# ---------------------------------------------------------------------------------------------
# The case page


async def _open(request: AnyRequest, case_id: int) -> reading.OpenedCase | Redirect:
    try:
        return await reading.open_case(access.caller(request), case_id, request_meta(request))
    except actions.CaseNotFoundError:
        raise NotFoundException() from None
    except reading.ReasonNeededError:
        return _see_other(f"/cases/{case_id}/reason?next={request.url.path}")


@get("/cases/{case_id:int}", opt=CASEWORK)
async def case_page(request: AnyRequest, case_id: FromPath[int]) -> Template | Redirect:
    opened = await _open(request, case_id)
    if isinstance(opened, Redirect):
        return opened
    principal = access.caller(request)
    possible = available(opened.case.facts(), service.actor_of(principal))
    done = request.query_params.get("done", "")
    return Template(
        "cases/case.html",
        context={
            "page_title": opened.case.reference,
            "opened": opened,
            "case": opened.case,
            "app": opened.case.record,
            "clocks": clocks_of(opened.case.record, datetime.now(UTC)),
            "actions": [a for a in possible if a not in BUTTON_ACTIONS],
            "buttons": [a for a in possible if a in BUTTON_ACTIONS],
            "can_take": principal.role is not Role.supervisor
            and opened.case.record.assigned_to is None
            and Action.assign in possible,
            "done": ACTION_LABELS[Action(done)]
            if done in Action.__members__
            else ("created" if done == "created" else ""),
            "back_link": "/cases",
            "labels": _labels(),
            "pdf_available": documents.pdf_available(),
            "meeting_status": MEETING_STATUS,
        },
    )


def _labels() -> dict[str, Any]:
    def of(enum_cls: Any) -> dict[str, str]:
        return {m.value: m.label for m in enum_cls}

    return {
        "stage": of(v.Stage),
        "route": of(v.Route),
        "channel": of(v.Channel),
        "risk": of(v.RiskLevel),
        "role": of(v.PersonRole),
        "source": of(v.CheckSource),
        "result": of(v.CheckResult),
        "criterion": of(v.Criterion),
        "recommendation": of(v.Recommendation),
        "decision": of(v.AuthorisationOutcome),
        "method": of(v.MeetingMethod),
        "outcome": of(v.Outcome),
        "review": of(v.ReviewDecision),
        "post_closure": of(v.PostClosureKind),
        "action": {a.value: a.label for a in Action},
        "event": {
            "case.created": "Application recorded",
            "case.assign": "Assigned",
            "document.downloaded": "Document downloaded",
        }
        | {f"case.{a.value}": a.label for a in Action},
    }


# ---------------------------------------------------------------------------------------------
# Why are you opening this case?


def _reason_page(
    case_id: int, reference: str, form: dict[str, list[str]], errors: FormErrors, status: int = 200
) -> Template:
    return Template(
        "cases/reason.html",
        context={
            "page_title": f"Why are you opening {reference}?",
            "reference": reference,
            "case_id": case_id,
            "fields": forms.ACCESS_REASON_FIELDS,
            "form": form,
            "back_link": "/cases",
            **errors.context(),
        },
        status_code=status,
    )


@get("/cases/{case_id:int}/reason", opt=CASEWORK)
async def reason_page(request: AnyRequest, case_id: FromPath[int]) -> Template:
    try:
        reference = await reading.reference_of(access.caller(request), case_id)
    except actions.CaseNotFoundError:
        raise NotFoundException() from None
    return _reason_page(case_id, reference, {}, FormErrors())


@post("/cases/{case_id:int}/reason", opt=CASEWORK)
async def give_reason(request: AnyRequest, case_id: FromPath[int]) -> Template | Redirect:
    principal = access.caller(request)
    try:
        reference = await reading.reference_of(principal, case_id)
    except actions.CaseNotFoundError:
        raise NotFoundException() from None
    form = await read_form_lists(request)
    data, errors = parse((Section("", forms.ACCESS_REASON_FIELDS),), form, schemas.AccessReasonIn, extra={})
    if data is None:
        return _reason_page(case_id, reference, form, errors, HTTP_400_BAD_REQUEST)
    reason = reading.Reason(AccessReason(data.reason), data.detail)
    try:
        await reading.open_case(principal, case_id, request_meta(request), reason=reason)
    except actions.CaseNotFoundError:
        raise NotFoundException() from None
    return _see_other(f"/cases/{case_id}")


# ---------------------------------------------------------------------------------------------
# Actions


def _action_of(name: str) -> Action:
    try:
        return Action(name)
    except ValueError:
        raise NotFoundException() from None


async def _action_page(
    request: AnyRequest,
    opened: reading.OpenedCase,
    action: Action,
    form: dict[str, list[str]],
    errors: FormErrors,
    *,
    status: int = 200,
    conflict: bool = False,
) -> Template:
    principal = access.caller(request)
    spec = forms.ACTION_FORMS[action]
    staff = await _staff(principal) if action is Action.assign else []
    if action is Action.assign and principal.role is Role.officer:
        staff = [(value, text) for value, text in staff if value == str(principal.user_id)]
    fields = spec.fields(opened.case, staff)
    verdict = evaluate(action, opened.case.facts(), service.actor_of(principal))
    return Template(
        "cases/action.html",
        context={
            "page_title": spec.title,
            "spec": spec,
            "action": action,
            "fields": fields,
            "case": opened.case,
            "app": opened.case.record,
            "form": {"version": [str(opened.case.record.version)], **form},
            "conflict": conflict,
            "not_possible": () if verdict.allowed else verdict.reasons,
            "needs_code": action in STEP_UP_ACTIONS and step_up.needs_code(request),
            "back_link": f"/cases/{opened.case.id}",
            **errors.context(),
        },
        status_code=status,
    )


@get("/cases/{case_id:int}/{action_name:str}", opt=CASEWORK_FORM)
async def action_page(request: AnyRequest, case_id: FromPath[int], action_name: FromPath[str]) -> Template | Redirect:
    action = _action_of(action_name)
    opened = await _open(request, case_id)
    if isinstance(opened, Redirect):
        return opened
    spec = forms.ACTION_FORMS[action]
    start = spec.prefill(opened.case) if spec.prefill else {}
    return await _action_page(
        request, opened, action, {**start, "submission_key": [secrets.token_urlsafe(16)]}, FormErrors()
    )


@post("/cases/{case_id:int}/{action_name:str}", opt=CASEWORK_FORM)
async def take_action(request: AnyRequest, case_id: FromPath[int], action_name: FromPath[str]) -> Template | Redirect:
    action = _action_of(action_name)
    opened = await _open(request, case_id)
    if isinstance(opened, Redirect):
        return opened
    principal = access.caller(request)
    form = await read_form_lists(request)
    spec = forms.ACTION_FORMS[action]
    staff = await _staff(principal) if action is Action.assign else []
    fields = spec.fields(opened.case, staff)
    version = (form.get("version") or ["0"])[0]
    key = (form.get("submission_key") or [""])[0] or None
    extra = {"version": whole_number(version, low=0) or 0, "submission_key": key}
    data, errors = parse((Section("", fields),), form, spec.struct, extra=extra)
    if data is not None and any(f.kind == "file" for f in fields):
        data = await _with_upload(request, data, errors)
    if action in STEP_UP_ACTIONS and not errors:
        # Checked before anything is done, so a wrong code changes nothing and loses nothing typed.
        problem = await step_up.confirm(request, {"code": (form.get("code") or [""])[0]})
        if problem:
            errors.add("code", problem)
            data = None
    if data is None:
        return await _action_page(request, opened, action, form, errors, status=HTTP_400_BAD_REQUEST)
    try:
        await service.act(principal, case_id, action, data, request_meta(request))
    except actions.CaseConflictError:
        # Reload what the other person saved; keep what this person typed, with the new version.
        fresh = await reading.open_case(principal, case_id, request_meta(request))
        kept = {k: v for k, v in form.items() if k != "version"}
        return await _action_page(request, fresh, action, kept, FormErrors(), status=HTTP_409_CONFLICT, conflict=True)
    except actions.ActionRefusedError as exc:
        for field, message in exc.problems:
            errors.add(field, message, _anchor(fields, field))
        return await _action_page(request, opened, action, form, errors, status=HTTP_400_BAD_REQUEST)
    except actions.CaseNotFoundError:
        raise NotFoundException() from None
    return _see_other(f"/cases/{case_id}?done={action.value}")


async def _with_upload(request: AnyRequest, data: Any, errors: FormErrors) -> Any:
    """A file chosen on the form (the scan of a signed undertaking) travels as the API's base64 field."""
    upload = (await request.form()).get("scan")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return data
    content = await upload.read()
    if len(content) > MAX_SCAN_BYTES:
        errors.add("scan", "The scan must be 10 MB or smaller")
        return None
    return msgspec.structs.replace(
        data, scan_base64=base64.b64encode(content).decode("ascii"), scan_filename=upload.filename[:200]
    )


def _anchor(fields: tuple[Field, ...], name: str | None) -> str | None:
    match = next((f for f in fields if f.name == name), None)
    return match.anchor if match else None


ROUTES = [
    cases_page,
    reassign,
    new_application_page,
    create_application,
    case_page,
    reason_page,
    give_reason,
    action_page,
    take_action,
]

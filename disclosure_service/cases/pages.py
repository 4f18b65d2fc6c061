"""The case pages: work queues and search, recording an application, the case page, each action.

Thin: each reads the request, calls the engine (`Casework`, given by the app) or `reading`, and
renders. The engine's refusals become pages through `cases.http_errors`; only the action and
new-application pages catch them, to show the form again with what was typed.
"""

from __future__ import annotations

import base64
import dataclasses
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT

from disclosure_service import files
from disclosure_service.audit.writer import Caller
from disclosure_service.auth import step_up
from disclosure_service.cases import clocks, forms, queries, reading, schemas
from disclosure_service.cases import vocabulary as v
from disclosure_service.cases.errors import ActionRefusedError, CaseConflictError, CaseNotFoundError
from disclosure_service.cases.service import Casework, actor_of, date_problems
from disclosure_service.cases.spec import ActionSpec, Answers, SchemeDefinition
from disclosure_service.cases.workflow import Action, evaluate
from disclosure_service.dates import to_london
from disclosure_service.identity.principal import Principal
from disclosure_service.identity.roles import Role
from disclosure_service.numbers import whole_number
from disclosure_service.web import access
from disclosure_service.web.forms import FormErrors, local_path, read_form_lists
from disclosure_service.web.formspec import Field, Section, all_fields, parse, readable
from disclosure_service.web.navigation import pagination

AnyRequest = Request[Any, Any, Any]
CASEWORK = access.opt(access.CASEWORK)
# Authorising asks for a fresh code inside its own form, so the rationale typed is not lost.
CASEWORK_FORM = access.opt(access.CASEWORK, step_up=step_up.FORM)
MEETING_STATUS = {"arranged": "Arranged", "held": "Held", "cancelled": "Cancelled", "rearranged": "Rearranged"}


def _see_other(path: str) -> Redirect:
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)


# ---------------------------------------------------------------------------------------------
# Queues and search


@get("/cases", opt=CASEWORK)
async def cases_page(
    request: AnyRequest, caller: NamedDependency[Caller], casework: NamedDependency[Casework]
) -> Template:
    principal = caller.principal
    search = request.query_params.get("q", "").strip()[:100]
    default = "authorisation" if principal.role is Role.supervisor else "mine"
    queue = request.query_params.get("queue", default)
    if queue not in queries.QUEUES:
        queue = default
    page_number = min(whole_number(request.query_params.get("page")) or 1, 10_000)
    clock = request.query_params.get("clock", "")
    stages = casework.stages_of(v.ClockName(clock)) if clock in v.ClockName.__members__ else None
    rows, counts = await reading.work_list(
        caller, queue=None if search else queue, search=search, page=page_number, stages=stages
    )
    now = datetime.now(UTC)
    total = len(rows) if search else counts.get(queue, 0)
    pages = max(1, -(-total // queries.PAGE_SIZE))
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
            # Each row's next deadline, worded as the case page words it (London days).
            "deadlines": {row.id: casework.queue_deadline(row, now) for row in rows},
            "staff": await reading.caseworkers(principal) if principal.role is Role.supervisor else [],
            "stage_labels": {s.value: s.label for s in v.Stage},
            # Each stage's clock, and the queues by clock (due soon and overdue, per stage).
            "clock_at": {(m.value, s.value): casework.clock_at(s.value, m.value) for m in v.Scheme for s in v.Stage},
            "scheme_labels": {m.value: m.label for m in v.Scheme},
            "clock": clock if stages else "",
            "clock_filters": [(c.value, c.label) for c in v.ClockName if c is not v.ClockName.whole_case_no_disclosure],
            "done": request.query_params.get("done"),
            "pages": pages,
            "pagination": pagination(f"/cases?queue={queue}&page=", page_number, pages),
            "first_shown": (page_number - 1) * queries.PAGE_SIZE + 1,
            "page_size": queries.PAGE_SIZE,
            "total": total,
        },
    )


@post("/cases/reassign", opt=access.opt(access.SUPERVISORS))
async def reassign(
    request: AnyRequest, caller: NamedDependency[Caller], casework: NamedDependency[Casework]
) -> Redirect:
    """Reassign several cases at once (an officer is away): one change, and one audit row, per case."""
    form = await read_form_lists(request)
    ids = [number for value in form.get("case_ids", []) if (number := whole_number(value)) is not None]
    queue = (form.get("queue") or ["overdue"])[0]
    target = whole_number((form.get("user_id") or [""])[0])
    if target is None or not ids:
        return _see_other(f"/cases?queue={queue}&done=reassign-nothing")
    try:
        moved = await casework.reassign(caller, ids, target)
    except ActionRefusedError:
        return _see_other(f"/cases?queue={queue}&done=reassign-refused")
    return _see_other(f"/cases?queue={queue}&done=reassigned-{moved}")


# ---------------------------------------------------------------------------------------------
# A new application


def _new_form(form: dict[str, list[str]], errors: FormErrors, status: int = 200) -> Template:
    scheme = _chosen_scheme(form) or v.Scheme.csods
    return Template(
        "cases/new.html",
        context={
            "page_title": "Record an application",
            "sections": forms.NEW_APPLICATION_BY_SCHEME[scheme],
            "scheme": scheme,
            "form": form,
            "back_link": "/cases/new" if scheme is not v.Scheme.csods else "/cases",
            **errors.context(),
        },
        status_code=status,
    )


def _chosen_scheme(form: Mapping[str, Sequence[str]]) -> v.Scheme | None:
    chosen = (form.get("scheme") or [""])[0]
    return v.Scheme(chosen) if chosen in v.Scheme.__members__ else None


@get("/cases/new", opt=CASEWORK)
async def new_application_page(request: AnyRequest, caller: NamedDependency[Caller]) -> Template:
    """The application's questions; first, which scheme, when the force runs more than one."""
    runs = await reading.force_schemes(caller.principal)
    # The choice page sends `chosen` too, so an unanswered question is told apart from a first visit.
    asked = request.query_params.get("scheme", "" if "chosen" in request.query_params else None)
    chosen = _chosen_scheme({"scheme": [asked or ""]})
    if chosen is None and len(runs) == 1:
        chosen = v.Scheme(runs[0])
    if chosen is None or chosen.value not in runs:
        errors = FormErrors()
        if asked is not None:
            errors.add("scheme", "Select which scheme the application is under", forms.SCHEME_FIELD.anchor)
        field = dataclasses.replace(forms.SCHEME_FIELD, options=[(s, v.Scheme(s).label) for s in runs])
        return Template(
            "cases/scheme.html",
            context={
                "page_title": "Which scheme is the application under?",
                "field": field,
                "form": {"scheme": [asked or ""]},
                "back_link": "/cases",
                **errors.context(),
            },
            status_code=HTTP_400_BAD_REQUEST if asked is not None else 200,
        )
    key = secrets.token_urlsafe(16)
    return _new_form(
        {"submission_key": [key], "scheme": [chosen.value], **_date_parts("received_at", datetime.now(UTC))},
        FormErrors(),
    )


def _date_parts(name: str, moment: datetime) -> dict[str, list[str]]:
    local = to_london(moment)
    return {
        f"{name}-day": [str(local.day)],
        f"{name}-month": [str(local.month)],
        f"{name}-year": [str(local.year)],
        f"{name}-time": [f"{local:%H:%M}"],
    }


@post("/cases/new", opt=CASEWORK)
async def create_application(
    request: AnyRequest, caller: NamedDependency[Caller], casework: NamedDependency[Casework]
) -> Template | Redirect:
    form = await read_form_lists(request)
    key = (form.get("submission_key") or [""])[0] or None
    scheme = _chosen_scheme(form) or v.Scheme.csods
    sections = forms.NEW_APPLICATION_BY_SCHEME[scheme]
    data, errors = parse(
        sections, form, schemas.NewApplicationIn, extra={"submission_key": key, "scheme": scheme.value}
    )
    if data is None:
        # The dates that cannot be right are reported now too, not after the rest is put right.
        read = readable(sections, form)
        children = sorted({key.rsplit(".", 1)[0] for key in read if key.startswith("children.")})
        adults = ("applicant", "subject", *(("person_at_risk",) if scheme is v.Scheme.dvds else ()))
        births = [(prefix, read.get(f"{prefix}.date_of_birth"), prefix in children) for prefix in (*adults, *children)]
        fields = {f.name: f for f in all_fields(sections)}
        for field, message in date_problems(read.get("received_at"), births, datetime.now(UTC)).found:
            errors.add(field, message, fields[field].anchor if field in fields else None)
        return _new_form(form, errors, HTTP_400_BAD_REQUEST)
    try:
        done = await casework.create(caller, data)
    except ActionRefusedError as exc:
        fields = {f.name: f for f in all_fields(sections)}
        for field, message in exc.problems:
            errors.add(field, message, fields[field].anchor if field in fields else None)
        return _new_form(form, errors, HTTP_400_BAD_REQUEST)
    return _see_other(f"/cases/{done.case_id}?done=created")


# ---------------------------------------------------------------------------------------------
# The case page


@get("/cases/{case_id:int}", opt=CASEWORK)
async def case_page(
    request: AnyRequest, case_id: FromPath[int], caller: NamedDependency[Caller], casework: NamedDependency[Casework]
) -> Template:
    try:
        opened = await reading.open_case(caller, case_id)
    except CaseNotFoundError:
        # A case disposed of at its retention review: what is left of it, and nothing about anyone.
        found = await reading.open_tombstone(caller, case_id)
        if found is None:
            raise
        return Template(
            "cases/disposed.html",
            context={
                "page_title": found.reference,
                "found": found,
                "outcome_label": v.Outcome(found.outcome).label if found.outcome else "Not recorded",
                "back_link": "/cases",
            },
        )
    definition = casework.definition(opened.case.record.scheme)
    possible = casework.available(opened.case, caller.principal)
    done = request.query_params.get("done", "")
    done_action = Action(done) if done in Action.__members__ else None
    return Template(
        "cases/case.html",
        context={
            "page_title": opened.case.reference,
            "opened": opened,
            "case": opened.case,
            "app": opened.case.record,
            "scheme": definition,
            "clocks": clocks.shown(
                definition.clocks,
                opened.case.clocks,
                stage=opened.case.stage,
                received_at=opened.case.record.received_at,
                now=datetime.now(UTC),
            ),
            "length_words": clocks.length_words,
            "next_deadline": casework.next_deadline(opened.case, datetime.now(UTC)),
            "actions": [spec for spec in possible if not spec.form.one_click and not spec.form.per_person],
            "per_person": [spec for spec in possible if spec.form.per_person],
            "buttons": [spec for spec in possible if spec.form.one_click],
            "can_take": caller.principal.role is not Role.supervisor
            and opened.case.record.assigned_to is None
            and any(spec.action is Action.assign for spec in possible),
            "done": definition.label(done_action) if done_action else ("created" if done == "created" else ""),
            "back_link": "/cases",
            "labels": _labels(definition),
            "meeting_status": MEETING_STATUS,
        },
    )


def _labels(definition: SchemeDefinition) -> dict[str, Any]:
    def of(enum_cls: Any) -> dict[str, str]:
        return {m.value: m.label for m in enum_cls}

    actions = {spec.action.value: spec.label for spec in definition.actions}
    return {
        "scheme": of(v.Scheme),
        "referral": of(v.Referral),
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
        "contact_method": of(v.ContactMethod),
        "knows": of(v.Knows),
        "mappa_category": of(v.MappaCategory),
        "mappa_level": of(v.MappaLevel),
        "agency": of(v.Agency),
        "rank": of(v.Rank),
        "person_field": forms.PERSON_FIELD_LABELS,
        "file_kind": files.LABELS,
        "action": actions,
        "event": {
            "case.created": "Application recorded",
            "case.assign": "Assigned",
            "document.downloaded": "Document downloaded",
        }
        | {f"case.{name}": label for name, label in actions.items()},
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
async def reason_page(request: AnyRequest, case_id: FromPath[int], principal: NamedDependency[Principal]) -> Template:
    reference = await reading.reference_of(principal, case_id)
    following = request.query_params.get("next", "")
    return _reason_page(case_id, reference, {"next": [following]} if following else {}, FormErrors())


@post("/cases/{case_id:int}/reason", opt=CASEWORK)
async def give_reason(
    request: AnyRequest, case_id: FromPath[int], caller: NamedDependency[Caller]
) -> Template | Redirect:
    reference = await reading.reference_of(caller.principal, case_id)
    form = await read_form_lists(request)
    data, errors = parse((Section("", forms.ACCESS_REASON_FIELDS),), form, schemas.AccessReasonIn, extra={})
    if data is None:
        return _reason_page(case_id, reference, form, errors, HTTP_400_BAD_REQUEST)
    await reading.open_case(caller, case_id, reason=reading.Reason(v.AccessReason(data.reason), data.detail))
    # Back to what they were opening (a page of the case, a download), or the case itself.
    following = local_path((form.get("next") or [""])[0], f"/cases/{case_id}")
    return _see_other(following if following.startswith(f"/cases/{case_id}") else f"/cases/{case_id}")


# ---------------------------------------------------------------------------------------------
# Actions


def _spec(casework: Casework, opened: reading.OpenedCase, name: str) -> ActionSpec:
    """The action as the case's scheme defines it; an unknown action, or one the scheme lacks, is a 404."""
    try:
        action = Action(name)
    except ValueError:
        raise NotFoundException() from None
    spec = casework.spec(opened.case, action)
    if spec is None:
        raise NotFoundException()
    return spec


async def _fields(
    spec: ActionSpec, opened: reading.OpenedCase, principal: Principal, answers: Answers
) -> tuple[Field, ...]:
    if spec.form.fields_given:
        return spec.form.fields_given(opened.case, answers)
    if spec.form.needs_forces:
        return spec.form.fields(opened.case, await reading.other_forces(principal, opened.case.record.scheme))
    staff = await reading.caseworkers(principal) if spec.form.needs_staff else []
    if spec.form.needs_staff and principal.role is Role.officer:
        staff = []  # an officer may take the case, not give it to someone else
    return spec.form.fields(opened.case, staff)


async def _action_page(
    request: AnyRequest,
    casework: Casework,
    opened: reading.OpenedCase,
    spec: ActionSpec,
    *,
    form: dict[str, list[str]],
    errors: FormErrors,
    principal: Principal,
    status: int = 200,
    conflict: bool = False,
    diverted: str = "",
) -> Template:
    definition = casework.definition(opened.case.record.scheme)
    verdict = evaluate(definition.rules, spec.action, opened.case.facts(), actor_of(principal))
    return Template(
        "cases/action.html",
        context={
            "page_title": spec.label,
            "spec": spec,
            "action": spec.action,
            "fields": await _fields(spec, opened, principal, form),
            "case": opened.case,
            "app": opened.case.record,
            "form": {"version": [str(opened.case.record.version)], **form},
            "conflict": conflict,
            "diverted": diverted,
            "not_possible": () if verdict.allowed else verdict.reasons,
            "labels": _labels(definition),
            "needs_code": spec.step_up and step_up.needs_code(request),
            "back_link": f"/cases/{opened.case.id}",
            **errors.context(),
        },
        status_code=status,
    )


@get("/cases/{case_id:int}/{action_name:str}", opt=CASEWORK_FORM)
async def action_page(
    request: AnyRequest,
    case_id: FromPath[int],
    action_name: FromPath[str],
    caller: NamedDependency[Caller],
    casework: NamedDependency[Casework],
) -> Template:
    opened = await reading.open_case(caller, case_id)
    spec = _spec(casework, opened, action_name)
    chosen = {key: [value] for key, value in request.query_params.items() if key != "diverted_from"}
    start = spec.form.prefill(opened.case, chosen) if spec.form.prefill else {}
    form = {**chosen, **start, "submission_key": [secrets.token_urlsafe(16)]}
    return await _action_page(
        request,
        casework,
        opened,
        spec,
        form=form,
        errors=FormErrors(),
        principal=caller.principal,
        diverted=_diverted(casework, opened, spec, request.query_params.get("diverted_from")),
    )


def _diverted(casework: Casework, opened: reading.OpenedCase, spec: ActionSpec, source: str | None) -> str:
    """Why the officer was sent here from another action's page (empty if they were not)."""
    try:
        came_from = casework.spec(opened.case, Action(source or ""))
    except ValueError:
        return ""
    if came_from is None:
        return ""
    return next((d.explain for d in came_from.form.diverts if d.to is spec.action), "")


@post("/cases/{case_id:int}/{action_name:str}", opt=CASEWORK_FORM)
async def take_action(
    request: AnyRequest,
    case_id: FromPath[int],
    action_name: FromPath[str],
    caller: NamedDependency[Caller],
    casework: NamedDependency[Casework],
) -> Template | Redirect:
    opened = await reading.open_case(caller, case_id)
    spec = _spec(casework, opened, action_name)
    form = await read_form_lists(request)
    divert = spec.form.divert(form)
    if divert is not None and casework.spec(opened.case, divert.to) is not None:
        return _see_other(f"/cases/{case_id}/{divert.to.value}?diverted_from={spec.action.value}")
    fields = await _fields(spec, opened, caller.principal, form)
    version = whole_number((form.get("version") or [""])[0]) or 0
    key = (form.get("submission_key") or [""])[0] or None
    uploads_errors = FormErrors()
    uploads = await _uploads(request, fields, uploads_errors)
    data, errors = parse(
        (Section("", fields),), form, spec.payload, extra={"version": version, "submission_key": key, **uploads}
    )
    for name, message in uploads_errors.messages.items():
        errors.add(name, message, uploads_errors.anchors.get(name))
        data = None
    if spec.step_up and not errors:
        # Checked before anything is done, so a wrong code changes nothing and loses nothing typed.
        problem = await step_up.confirm(request, {"code": (form.get("code") or [""])[0]})
        if problem:
            errors.add("code", problem)
            data = None
    principal = caller.principal
    if data is None:
        return await _action_page(
            request, casework, opened, spec, form=form, errors=errors, principal=principal, status=HTTP_400_BAD_REQUEST
        )
    try:
        await casework.act(caller, case_id, spec.action, data)
    except CaseConflictError:
        # Reload what the other person saved; keep what this person typed, with the new version.
        fresh = await reading.open_case(caller, case_id)
        kept = {k: v for k, v in form.items() if k != "version"}
        return await _action_page(
            request,
            casework,
            fresh,
            spec,
            form=kept,
            errors=FormErrors(),
            principal=principal,
            status=HTTP_409_CONFLICT,
            conflict=True,
        )
    except ActionRefusedError as exc:
        for field, message in exc.problems:
            errors.add(field, message, _anchor(fields, field))
        return await _action_page(
            request, casework, opened, spec, form=form, errors=errors, principal=principal, status=HTTP_400_BAD_REQUEST
        )
    return _see_other(f"/cases/{case_id}?done={spec.action.value}")


async def _uploads(request: AnyRequest, fields: tuple[Field, ...], errors: FormErrors) -> dict[str, str]:
    """A file chosen on the form travels as the API's base64 field (`<name>_base64`, `<name>_filename`)."""
    submitted = await request.form()
    found: dict[str, str] = {}
    for field in (f for f in fields if f.kind == "file"):
        upload = submitted.get(field.name)
        if not isinstance(upload, UploadFile) or not upload.filename:
            if field.required:
                errors.add(field.name, field.message or "Choose a file", field.anchor)
            continue
        content = await upload.read()
        if field.max_bytes and len(content) > field.max_bytes:
            errors.add(field.name, f"The file must be {field.max_bytes // (1024 * 1024)} MB or smaller", field.anchor)
            continue
        found[f"{field.name}_base64"] = base64.b64encode(content).decode("ascii")
        found[f"{field.name}_filename"] = upload.filename[:200]
    return found


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

"""The quality-review pages for supervisors: the month's sample (`/quality`) and reviewing one
decision (`/quality/{id}`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from disclosure_service.audit.writer import Caller
from disclosure_service.dates import LONDON
from disclosure_service.quality import sampling, service
from disclosure_service.quality.queries import ReviewRow
from disclosure_service.web import access
from disclosure_service.web.forms import FormErrors, read_form
from disclosure_service.web.formspec import Field

AnyRequest = Request[Any, Any, Any]
SUPERVISORS = access.opt(access.SUPERVISORS)
KIND_LABELS = {k.value: k.label for k in sampling.Kind}
VERDICT_LABELS = {v.value: v.label for v in sampling.Verdict}
REVIEW_FIELDS = (
    Field(
        "verdict",
        "Do you agree with the decision?",
        "radios",
        options=list(VERDICT_LABELS.items()),
        message="Select whether you agree with the decision",
    ),
    Field("findings", "What you found", "textarea", required=False, hint="Needed if you disagree"),
    Field("action", "What should be done", "textarea", required=False, hint="Needed if you disagree"),
)


async def _list(
    caller: Caller, month: str, *, errors: FormErrors, rows: list[ReviewRow] | None = None, done: str = ""
) -> Template:
    problem = sampling.month_problem(month)
    if problem:
        errors.add("month", problem)
    if rows is None:
        rows = [] if problem else await service.month_sample(caller, month)
    return Template(
        "quality/list.html",
        context={
            "page_title": "Quality review of decisions",
            "month": month,
            "rows": rows,
            "kind_labels": KIND_LABELS,
            "verdict_labels": VERDICT_LABELS,
            "user_id": caller.principal.user_id,
            "may_review": sampling.may_review,
            "done": done,
            "back_link": "/cases",
            **errors.context(),
        },
        status_code=HTTP_400_BAD_REQUEST if errors else 200,
    )


@get("/quality", opt=SUPERVISORS)
async def quality_page(request: AnyRequest, caller: NamedDependency[Caller]) -> Template:
    month = request.query_params.get("month") or sampling.previous_month(datetime.now(LONDON).date())
    return await _list(caller, month, errors=FormErrors(), done=request.query_params.get("done", ""))


@post("/quality/draw", opt=SUPERVISORS)
async def draw_sample(
    request: AnyRequest, caller: NamedDependency[Caller], quality_share: NamedDependency[int]
) -> Template | Redirect:
    form = await read_form(request)
    month = form.get("month", "")
    try:
        await service.draw(caller, month, quality_share)
    except service.QualityReviewError as exc:
        errors = FormErrors()
        errors.add(exc.field or "month", str(exc))
        return await _list(caller, month, errors=errors, rows=[])
    return Redirect(f"/quality?month={month}&done=drawn", status_code=HTTP_303_SEE_OTHER)


def _review_page(row: ReviewRow, caller: Caller, form: dict[str, str], errors: FormErrors) -> Template:
    return Template(
        "quality/review.html",
        context={
            "page_title": f"Review {row.reference}",
            "row": row,
            "review_fields": REVIEW_FIELDS,
            "form": {k: [v] for k, v in form.items()},
            "kind_labels": KIND_LABELS,
            "verdict_labels": VERDICT_LABELS,
            "may_review": sampling.may_review(row.decided_by, caller.principal.user_id),
            "back_link": f"/quality?month={row.month}",
            **errors.context(),
        },
        status_code=HTTP_400_BAD_REQUEST if errors else 200,
    )


@get("/quality/{review_id:int}", opt=SUPERVISORS)
async def review_page(review_id: FromPath[int], caller: NamedDependency[Caller]) -> Template:
    row = await service.one(caller, review_id)
    return _review_page(row, caller, {}, FormErrors())


@post("/quality/{review_id:int}", opt=SUPERVISORS)
async def record_review(
    request: AnyRequest, review_id: FromPath[int], caller: NamedDependency[Caller]
) -> Template | Redirect:
    form = await read_form(request)
    errors = FormErrors()
    verdict = form.get("verdict", "")
    if verdict not in VERDICT_LABELS:
        errors.add("verdict", "Select whether you agree with the decision", "verdict")
    else:
        data = service.ReviewIn(
            verdict=sampling.Verdict(verdict), findings=form.get("findings", ""), action=form.get("action", "")
        )
        try:
            row = await service.record(caller, review_id, data)
        except service.QualityReviewError as exc:
            errors.add(exc.field or "verdict", str(exc))
        else:
            return Redirect(f"/quality?month={row.month}&done=reviewed", status_code=HTTP_303_SEE_OTHER)
    return _review_page(await service.one(caller, review_id), caller, form, errors)


ROUTES = [quality_page, draw_sample, review_page, record_review]

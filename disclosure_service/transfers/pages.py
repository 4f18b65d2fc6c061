"""Pages for the checks other forces ask of ours: the inbox and answering one."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from disclosure_service.audit.writer import Caller
from disclosure_service.cases.vocabulary import CheckResult
from disclosure_service.transfers import service
from disclosure_service.transfers.api import AnswerIn
from disclosure_service.transfers.queries import IncomingRequest
from disclosure_service.web import access
from disclosure_service.web.forms import FormErrors, read_form_lists
from disclosure_service.web.formspec import Field, Section, parse

AnyRequest = Request[Any, Any, Any]
CASEWORK = access.opt(access.CASEWORK)
RESULTS = {result.value: result.label for result in CheckResult}
ANSWER_FIELDS = (
    Field("result", "What did your force find?", "radios", options=list(RESULTS.items())),
    Field("returned_on", "Date of the answer", "date"),
    Field("summary", "What may be shared with them", "textarea", required=False),
)


@get("/check-requests", opt=CASEWORK)
async def inbox_page(request: AnyRequest, caller: NamedDependency[Caller]) -> Template:
    return Template(
        "transfers/inbox.html",
        context={
            "page_title": "Checks asked by other forces",
            "requests": await service.inbox(caller),
            "results": RESULTS,
            "done": request.query_params.get("done") == "answered",
        },
    )


def _answer_page(found: IncomingRequest, form: dict[str, list[str]], errors: FormErrors, status: int = 200) -> Template:
    return Template(
        "transfers/answer.html",
        context={
            "page_title": f"Check asked by {found.force_name}",
            "found": found,
            "fields": ANSWER_FIELDS,
            "form": form,
            "results": RESULTS,
            "back_link": "/check-requests",
            **errors.context(),
        },
        status_code=status,
    )


@get("/check-requests/{request_id:int}", opt=CASEWORK)
async def answer_page(request_id: FromPath[int], caller: NamedDependency[Caller]) -> Template:
    return _answer_page(await service.request(caller, request_id), {}, FormErrors())


@post("/check-requests/{request_id:int}", opt=CASEWORK)
async def answer(
    request: AnyRequest, request_id: FromPath[int], caller: NamedDependency[Caller]
) -> Template | Redirect:
    found = await service.request(caller, request_id)
    form = await read_form_lists(request)
    data, errors = parse((Section("", ANSWER_FIELDS),), form, AnswerIn, extra={})
    if data is None:
        return _answer_page(found, form, errors, HTTP_400_BAD_REQUEST)
    try:
        await service.answer(caller, request_id, result=data.result, returned_on=data.returned_on, summary=data.summary)
    except service.AnswerRefusedError as exc:
        errors.add(exc.field or "result", str(exc), "returned_on-day" if exc.field == "returned_on" else None)
        return _answer_page(found, form, errors, HTTP_400_BAD_REQUEST)
    return Redirect("/check-requests?done=answered", status_code=HTTP_303_SEE_OTHER)


ROUTES = [inbox_page, answer_page, answer]

"""Pages for data protection: the retention review queue and subject access.

The subject access search is a form that posts: a person's name never goes into an address (which
proxies and browsers keep).
"""

from __future__ import annotations

from typing import Any

import anyio
import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from disclosure_service.audit.writer import Caller
from disclosure_service.cases.vocabulary import Outcome, PersonRole
from disclosure_service.dataprotection import document, service
from disclosure_service.disclosures.documents import DOCX_TYPE
from disclosure_service.web import access
from disclosure_service.web.forms import FormErrors, read_form_lists
from disclosure_service.web.formspec import Field, Section, parse

AnyRequest = Request[Any, Any, Any]
OUTCOMES = {outcome.value: outcome.label for outcome in Outcome}
ROLES = {role.value: role.label for role in PersonRole} | {"recipient": "Recipient"}
SEARCH_FIELDS = (
    Field(
        "name",
        "Full name of the person asking",
        "text",
        hint="As they gave it; other names recorded on a case are searched too",
        message="Enter the person’s full name",
    ),
    Field(
        "reason",
        "Reason for the search",
        "textarea",
        hint="For example, the reference of their written request. It is logged with the search",
        message="Enter the reason for the search",
    ),
)


class SearchIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: str
    reason: str


@get("/retention", opt=access.opt(access.SUPERVISORS))
async def retention_page(caller: NamedDependency[Caller]) -> Template:
    return Template(
        "dataprotection/retention.html",
        context={
            "page_title": "Records due for retention review",
            "due": await service.due(caller),
            "outcomes": OUTCOMES,
        },
    )


def _search_page(form: dict[str, list[str]], errors: FormErrors, found: Any = None, status: int = 200) -> Template:
    return Template(
        "dataprotection/subject_access.html",
        context={
            "page_title": "Subject access",
            "fields": SEARCH_FIELDS,
            "form": form,
            "found": found,
            "roles": ROLES,
            "back_link": "/",
            **errors.context(),
        },
        status_code=status,
    )


def _read_search(form: dict[str, list[str]]) -> tuple[SearchIn | None, FormErrors]:
    data, errors = parse((Section("", SEARCH_FIELDS),), form, SearchIn, extra={})
    if data is not None:
        if len(data.name.strip()) < 2:
            errors.add("name", "Enter the person’s full name")
        if len(data.reason.strip()) < 5:
            errors.add("reason", "Give the reason in a few words (5 characters or more)")
    return (None if errors else data), errors


@get("/subject-access", opt=access.opt(access.CASEWORK))
async def subject_access_page() -> Template:
    return _search_page({}, FormErrors())


@post("/subject-access", opt=access.opt(access.CASEWORK))
async def subject_access_search(request: AnyRequest, caller: NamedDependency[Caller]) -> Template:
    form = await read_form_lists(request)
    data, errors = _read_search(form)
    if data is None:
        return _search_page(form, errors, status=HTTP_400_BAD_REQUEST)
    return _search_page(form, errors, await service.find(caller, data.name.strip(), data.reason.strip()))


@post("/subject-access/export.docx", opt=access.opt(access.CASEWORK, step_up=True))
async def subject_access_document(request: AnyRequest, caller: NamedDependency[Caller]) -> Response[bytes] | Template:
    form = await read_form_lists(request)
    data, errors = _read_search(form)
    if data is None:
        return _search_page(form, errors, status=HTTP_400_BAD_REQUEST)
    chosen = [int(p) for p in form.get("person", []) if p.isdigit()]
    found = await service.export_for(caller, data.name.strip(), data.reason.strip(), chosen or None, kind="docx")
    content = await anyio.to_thread.run_sync(document.render, found)
    return Response(
        content,
        media_type=DOCX_TYPE,
        headers={"content-disposition": 'attachment; filename="subject-access-export.docx"'},
        status_code=200,
    )


ROUTES = [retention_page, subject_access_page, subject_access_search, subject_access_document]

"""Auditors' pages and API: search the trail, a case's access history, a user's activity, CSV export.

Auditors see their own force's rows only (row-level security). Their own searches and exports are
logged too: whoever watches is watched. Auditors never see case content, and a disclosure row's
`recipients` holds the name of the member of the public who received it: they are shown who that
was by role and record instead (`recipient_for_auditors`). The stored rows are unchanged: they are
hash-chained, and the name is what the Data Protection Act's log must hold.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import QueryParameter
from litestar.response import Template

from disclosure_service.audit import queries, service
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import Caller
from disclosure_service.dates import LONDON, long_datetime
from disclosure_service.numbers import INT8_MAX, iso_date, whole_number
from disclosure_service.web import access

AUDITORS = access.opt(access.AUDITORS)
PAGE_SIZE = 200
EXPORT_LIMIT = 100_000
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "username",
    "operation",
    "event",
    "reference",
    "record_type",
    "record_id",
    "justification",
    "recipients",
    "ip",
    "request_id",
    "details",
)


class EventOut(msgspec.Struct):
    id: int
    occurred_at: datetime
    username: str
    operation: str
    event: str
    reference: str
    record_type: str
    record_id: int | None
    justification: str
    recipients: str
    ip: str
    request_id: str
    details: dict[str, Any]


# Rows whose recipient is a user of the service (an export's recipient is the user who downloaded
# it): auditors see usernames throughout the trail, so these are shown as stored.
STAFF_RECIPIENT_EVENTS = frozenset(
    {"audit.exported", "statistics.cases_exported", "statistics.home_office_return_exported"}
)
_RECEIVING = "the person receiving the disclosure"
_ROLE_OF_DOCUMENT = {"undertaking": (_RECEIVING, "undertaking"), "non_disclosure_letter": ("the applicant", "letter")}


def recipient_for_auditors(row: Mapping[str, Any]) -> str:
    """Who received the information, by role and record, never by name (empty if nobody did)."""
    recipients: str = row["recipients"] or ""
    if not recipients or row["event"] in STAFF_RECIPIENT_EVENTS:
        return recipients
    details = row["details"]
    details = json.loads(details) if isinstance(details, str) else dict(details or {})
    shown = {
        "case.generate_undertaking": f"{_RECEIVING} (undertaking, document {details.get('document_id')})",
        "case.record_disclosure_made": f"{_RECEIVING} (disclosure meeting {details.get('meeting_id')})",
        "case.record_applicant_told": f"the applicant (letter, document {details.get('letter_id')})",
    }.get(row["event"])
    if row["event"] == "document.downloaded" and row["record_type"] in _ROLE_OF_DOCUMENT:
        role, kind = _ROLE_OF_DOCUMENT[row["record_type"]]
        shown = f"{role} ({kind}, document {row['record_id']})"
    return shown or "a person on the case (their name is not shown to auditors)"


def _for_auditors(rows: list[Any]) -> list[dict[str, Any]]:
    return [dict(row) | {"recipients": recipient_for_auditors(row)} for row in rows]


def search_from(params: Any) -> tuple[queries.Search, dict[str, str], list[str]]:
    """The auditor's question from query parameters; what to show back in the form; any problems."""
    form = {
        key: (params.get(key) or "").strip()[:100]
        for key in ("username", "reference", "operation", "event", "since", "until")
    }
    problems: list[str] = []

    def day(name: str) -> date | None:
        if not form[name]:
            return None
        found = iso_date(form[name])
        if found is None:
            problems.append(f"Enter the {'from' if name == 'since' else 'to'} date as YYYY-MM-DD, like 2026-11-28")
        return found

    since, until = day("since"), day("until")
    if form["operation"] and form["operation"] not in {op.value for op in Operation}:
        problems.append("Choose an operation from the list")
        form["operation"] = ""
    search = queries.Search(
        username=form["username"],
        reference=form["reference"],
        operation=form["operation"],
        event=form["event"],
        # Dates are London days: from the start of `since` to the end of `until`.
        since=datetime.combine(since, time(), tzinfo=LONDON).astimezone(UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), tzinfo=LONDON).astimezone(UTC) if until else None,
    )
    return search, form, problems


@get("/audit", opt=AUDITORS)
async def audit_page(request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> Template:
    search, form, problems = search_from(request.query_params)
    # audit_event ids are bigints.
    before = whole_number(request.query_params.get("before"), high=INT8_MAX)
    rows = [] if problems else _for_auditors(await service.search(caller, search, limit=PAGE_SIZE, before_id=before))
    return Template(
        "audit/search.html",
        context={
            "page_title": "Audit trail",
            "rows": rows,
            "form": form,
            "operations": [op.value for op in Operation],
            "problems": problems,
            "error_list": [{"text": p, "href": "#since"} for p in problems],
            "query": "&".join(f"{k}={v}" for k, v in form.items() if v),
            "older": rows[-1]["id"] if len(rows) == PAGE_SIZE else None,
        },
    )


@get("/audit/export.csv", opt=AUDITORS)
async def export_csv(request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> Response[bytes]:
    """The matching rows as CSV; the export is itself a disclosure, logged with who received it."""
    search, _, problems = search_from(request.query_params)
    if problems:
        return Response("; ".join(problems).encode(), status_code=400, media_type="text/plain")
    rows = await service.export(caller, search, limit=EXPORT_LIMIT)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow((*CSV_COLUMNS, "occurred_at_london"))
    for row in _for_auditors(rows):
        values = [_csv_safe(row[column]) for column in CSV_COLUMNS]
        writer.writerow((*values, long_datetime(row["occurred_at"])))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )


def _csv_safe(value: Any) -> str:
    """A cell spreadsheet programs will not run: a leading =, +, - or @ becomes text."""
    text = value.isoformat() if isinstance(value, datetime) else "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@get("/api/v1/audit/events", opt=AUDITORS)
async def events_api(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    before: Annotated[int | None, QueryParameter(ge=1, le=INT8_MAX)] = None,
) -> list[EventOut]:
    """Audit events of your force, newest first, filtered by username, reference, operation, event,
    since and until (YYYY-MM-DD, London days); 200 at a time, older ones with `before`."""
    search, _, problems = search_from(request.query_params)
    if problems:
        raise ValidationException("; ".join(problems))
    rows = await service.search(caller, search, limit=PAGE_SIZE, before_id=before)
    return [
        EventOut(
            id=row["id"],
            occurred_at=row["occurred_at"],
            username=row["username"],
            operation=row["operation"],
            event=row["event"],
            reference=row["reference"],
            record_type=row["record_type"],
            record_id=row["record_id"],
            justification=row["justification"],
            recipients=recipient_for_auditors(dict(row)),
            ip=row["ip"],
            request_id=row["request_id"],
            details=json.loads(row["details"]),
        )
        for row in rows
    ]


ROUTES = [audit_page, export_csv, events_api]

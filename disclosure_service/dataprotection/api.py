"""JSON API for data protection: `/api/v1/retention/due` (the review queue) and
`/api/v1/subject-access` (a person's cases, and the export for an officer's review)."""

# No `from __future__ import annotations`: Litestar reads the query parameters' annotations at run time.

from datetime import date, datetime
from typing import Annotated

import anyio
import msgspec
from litestar import Response, Router, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from disclosure_service.audit.writer import Caller
from disclosure_service.dataprotection import document, service
from disclosure_service.disclosures.documents import DOCX_TYPE
from disclosure_service.web import access


class DueOut(msgspec.Struct):
    id: int
    reference: str
    scheme: str
    outcome: str | None
    closed_at: datetime | None
    review_due_on: date
    last_decision: str | None
    last_reviewed_at: datetime | None


@get("/due", opt=access.opt(access.SUPERVISORS))
async def retention_due(caller: NamedDependency[Caller]) -> list[DueOut]:
    """Closed cases of your force due for a retention review (on or before today), ordered by the
    date they fell due, earliest first. Record a review with `record-retention-review`."""
    return [
        DueOut(
            id=r.id,
            reference=r.reference,
            scheme=r.scheme,
            outcome=r.outcome,
            closed_at=r.closed_at,
            review_due_on=r.review_on,
            last_decision=r.last_decision,
            last_reviewed_at=r.last_reviewed_at,
        )
        for r in await service.due(caller)
    ]


RETENTION = Router(path="/retention", route_handlers=[retention_due], tags=["Data protection"])


Name = Annotated[str, QueryParameter(min_length=2, max_length=200)]
Reason = Annotated[str, QueryParameter(min_length=5, max_length=2000)]
People = Annotated[list[int] | None, QueryParameter()]


class PersonMatchOut(msgspec.Struct):
    person_id: int
    case_id: int
    reference: str
    scheme: str
    stage: str
    outcome: str | None
    received_at: datetime
    role: str
    # The parts they play: their role, and `recipient` if a disclosure was (to be) made to them.
    parts: list[str]
    full_name: str
    other_names: str
    date_of_birth: date | None


@get("/", opt=access.opt(access.CASEWORK))
async def subject_access(caller: NamedDependency[Caller], name: Name, reason: Reason) -> list[PersonMatchOut]:
    """Every case of your force in which a person of this name appears (applicant, subject, child,
    carer, recipient, anyone), with a reason that is logged. Check the dates of birth: two people can
    share a name. The search is logged with the records found, not the name."""
    return [
        PersonMatchOut(
            person_id=m.person_id,
            case_id=m.case_id,
            reference=m.reference,
            scheme=m.scheme,
            stage=m.stage,
            outcome=m.outcome,
            received_at=m.received_at,
            role=m.role,
            parts=[m.role, "recipient"] if m.recipient else [m.role],
            full_name=m.full_name,
            other_names=m.other_names,
            date_of_birth=m.date_of_birth,
        )
        for m in await service.find(caller, name.strip(), reason.strip())
    ]


class ItemOut(msgspec.Struct):
    label: str
    value: str


class SectionOut(msgspec.Struct):
    title: str
    withhold: str | None
    withhold_reason: str
    items: list[ItemOut]


class CaseExportOut(msgspec.Struct):
    case_id: int
    reference: str
    scheme: str
    received_on: str
    stage: str
    outcome: str | None
    person_ids: list[int]
    parts: list[str]
    sections: list[SectionOut]


class ExportOut(msgspec.Struct):
    produced_at: datetime
    produced_by: str
    reason: str
    # Sections with `withhold` set must be reviewed by an officer before anything is released.
    for_review: bool
    cases: list[CaseExportOut]


@get("/export", opt=access.opt(access.CASEWORK, step_up=True))
async def subject_access_export(
    caller: NamedDependency[Caller], name: Name, reason: Reason, person: People = None
) -> ExportOut:
    """The person's data on every case found (or only the records in `person`), in sections; those an
    officer must consider withholding (third parties, the subject's convictions, police information:
    s.45(4)) are marked. Each case exported is logged as a disclosure."""
    found = await service.export_for(caller, name.strip(), reason.strip(), person, kind="json")
    return ExportOut(
        produced_at=found.produced_at,
        produced_by=found.produced_by,
        reason=found.reason,
        for_review=True,
        cases=[msgspec.convert(c, CaseExportOut, from_attributes=True) for c in found.cases],
    )


@get("/export.docx", opt=access.opt(access.CASEWORK, step_up=True), media_type=DOCX_TYPE)
async def subject_access_export_docx(
    caller: NamedDependency[Caller], name: Name, reason: Reason, person: People = None
) -> Response[bytes]:
    """The same export as a Word document for the officer's review (never for release as it stands)."""
    found = await service.export_for(caller, name.strip(), reason.strip(), person, kind="docx")
    content = await anyio.to_thread.run_sync(document.render, found)
    return Response(
        content,
        media_type=DOCX_TYPE,
        headers={"content-disposition": 'attachment; filename="subject-access-export.docx"'},
    )


SUBJECT_ACCESS = Router(
    path="/subject-access",
    route_handlers=[subject_access, subject_access_export, subject_access_export_docx],
    tags=["Data protection"],
)

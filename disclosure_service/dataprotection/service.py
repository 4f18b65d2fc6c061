"""Data protection's transactions, each with its audit row: the review queue, subject access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from disclosure_service.audit.vocabulary import Operation, person_reference
from disclosure_service.audit.writer import Caller
from disclosure_service.cases import queries as case_queries
from disclosure_service.cases.timing import london_today
from disclosure_service.database import engine as db
from disclosure_service.dataprotection import export, queries

DUE_LIMIT = 200


async def due(caller: Caller, *, now: datetime | None = None, limit: int = DUE_LIMIT) -> list[queries.DueRow]:
    """The force's closed cases due for a retention review today, the longest overdue first; the list
    is logged as what it showed (references only)."""
    now = now or datetime.now(UTC)
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        rows = await queries.due(conn, london_today(now), limit=limit)
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="retention.due_listed",
            justification="retention review",
            details={"cases": [row.reference for row in rows]},
            now=now,
        )
    return rows


@dataclass(frozen=True, slots=True)
class SubjectAccessExport:
    produced_at: datetime
    produced_by: str
    reason: str
    cases: list[export.CaseExport]


async def find(caller: Caller, name: str, reason: str, *, now: datetime | None = None) -> list[queries.PersonMatch]:
    """Every case of the force a person named `name` appears in. Logged with the reason and the records
    found, not the name (the trail names people only by record)."""
    now = now or datetime.now(UTC)
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        found = await queries.people_named(conn, name)
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="subject_access.searched",
            justification=f"subject access: {reason}",
            details={
                "people": [m.person_id for m in found],
                "references": sorted({m.reference for m in found}),
            },
            now=now,
        )
    return found


async def export_for(
    caller: Caller, name: str, reason: str, person_ids: list[int] | None = None, *, kind: str = "json"
) -> SubjectAccessExport:
    """The person's data on every case they appear in, marked for an officer's review before release.
    Each case given out is a disclosure, logged with the person's record as the recipient."""
    now = datetime.now(UTC)
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        found = await queries.people_named(conn, name)
        if person_ids:
            found = [m for m in found if m.person_id in set(person_ids)]
        by_case: dict[int, set[int]] = {}
        for match in found:
            by_case.setdefault(match.case_id, set()).add(match.person_id)
        cases: list[export.CaseExport] = []
        for case_id, people in by_case.items():
            case = await case_queries.case_file(conn, case_id)
            if case is None:
                continue
            made = export.case_export(case, people)
            cases.append(made)
            await caller.record(
                conn,
                operation=Operation.disclosure,
                event="subject_access.exported",
                application_id=case_id,
                reference=case.reference,
                record_type="case_person",
                record_id=min(people),
                justification=f"subject access: {reason}",
                recipients=", ".join(person_reference(p, "data subject") for p in sorted(people)),
                details={
                    "format": kind,
                    "people": sorted(people),
                    "marked_to_withhold": sum(1 for s in made.sections if s.withhold is not None),
                },
                now=now,
            )
    return SubjectAccessExport(now, caller.principal.display_name, reason, cases)

"""Reading cases, every look logged (DPA 2018 s.62: consultation, with its justification).

A read by the assigned officer or the case's supervisor is justified by that relationship. Anyone
else is asked why first; the reason is kept for the rest of their session and logged with each
read. Lists log what they showed. The audit row is written in the read's own transaction, before
the data leaves it: if it cannot be written, nothing is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from disclosure_service.audit import queries as audit_queries
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import Caller
from disclosure_service.cases import queries, store
from disclosure_service.cases.casefile import CaseFile, CaseRecord
from disclosure_service.cases.errors import CaseNotFoundError
from disclosure_service.cases.queries import QueueRow
from disclosure_service.cases.vocabulary import AccessReason
from disclosure_service.database import engine as db
from disclosure_service.identity.principal import Principal
from disclosure_service.identity.roles import Role


class ReasonNeededError(Exception):
    """The user is not on the case: they must say why they are opening it, before anything is shown."""

    def __init__(self, case_id: int, reference: str) -> None:
        super().__init__(reference)
        self.case_id = case_id
        self.reference = reference


@dataclass(frozen=True, slots=True)
class Reason:
    reason: AccessReason
    detail: str

    def __str__(self) -> str:
        return f"{self.reason.label}: {self.detail}"


@dataclass(frozen=True, slots=True)
class OpenedCase:
    case: CaseFile
    justification: str
    duplicates: list[tuple[str, str]]
    timeline: list[asyncpg.Record]
    # Who else looked, and why: shown to supervisors only.
    access_history: list[asyncpg.Record]


# Stages whose work is a supervisor's: the case sits on every supervisor's queue until one decides.
SUPERVISOR_STAGES = {
    "authorisation": "supervisor deciding on a recommendation awaiting authorisation",
    "undertaking_review": "supervisor reviewing a refused undertaking",
}


def relationship(principal: Principal, case: CaseRecord) -> str | None:
    """The justification that comes with the user's place on the case, if they have one."""
    if case.assigned_to == principal.user_id:
        return "assigned officer"
    if case.supervisor == principal.user_id:
        return "supervisor of the case"
    if principal.role is Role.supervisor and case.stage in SUPERVISOR_STAGES:
        return SUPERVISOR_STAGES[case.stage]
    return None


async def open_case(
    caller: Caller, case_id: int, *, reason: Reason | None = None, now: datetime | None = None
) -> OpenedCase:
    """The whole case file, after logging the read with its justification.

    Raises CaseNotFoundError for a missing case and for another force's (the same way, and the
    probe is logged), and ReasonNeededError when the user must say why first.
    """
    now = now or datetime.now(UTC)
    if not caller.principal.role.works_cases:
        raise CaseNotFoundError(case_id)
    # One transaction: a refused read (no justification) rolls back with nothing written, while
    # a probe for a missing or another force's case is logged and committed.
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        opened = await _read(conn, caller, case_id, reason=reason, now=now)
    if opened is None:
        raise CaseNotFoundError(case_id)
    return opened


async def open_tombstone(caller: Caller, case_id: int, *, now: datetime | None = None) -> queries.Tombstone | None:
    """What is left of a case disposed of at its retention review (no person's data), the read logged;
    None if there is no such tombstone in the caller's force."""
    now = now or datetime.now(UTC)
    if not caller.principal.role.works_cases:
        return None
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        found = await queries.tombstone(conn, case_id)
        if found is not None:
            await caller.record(
                conn,
                operation=Operation.consultation,
                event="case.tombstone_viewed",
                application_id=case_id,
                reference=found.reference,
                record_type="case_disposal",
                record_id=case_id,
                justification="reading what is left of a disposed case",
                now=now,
            )
    return found


async def _read(
    conn: asyncpg.Connection[Any], caller: Caller, case_id: int, *, reason: Reason | None, now: datetime
) -> OpenedCase | None:
    case = await queries.case_file(conn, case_id)
    if case is None:
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="case.not_found",
            record_type="application",
            record_id=case_id,
            now=now,
        )
        return None
    justification = await justify(conn, caller.principal, case.record, reason, now)
    await caller.record(
        conn,
        operation=Operation.consultation,
        event="case.viewed",
        application_id=case_id,
        reference=case.reference,
        record_type="application",
        record_id=case_id,
        justification=justification,
        now=now,
    )
    duplicates = await queries.possible_duplicates(conn, case)
    timeline = await audit_queries.case_timeline(conn, case_id)
    supervisor = caller.principal.role is Role.supervisor
    history = await audit_queries.case_access_history(conn, case_id) if supervisor else []
    return OpenedCase(case, justification, duplicates, timeline, history)


async def justify(
    conn: asyncpg.Connection[Any],
    principal: Principal,
    case: CaseRecord,
    reason: Reason | None = None,
    now: datetime | None = None,
) -> str:
    """Why this user may see this case now, or ReasonNeededError if they must say first."""
    found = (
        relationship(principal, case)
        or await _decided_on(conn, principal, case.id)
        or await _given_reason(conn, principal, case.id, reason, now or datetime.now(UTC))
    )
    if found is None:
        raise ReasonNeededError(case.id, case.reference)
    return found


async def _decided_on(conn: asyncpg.Connection[Any], principal: Principal, case_id: int) -> str | None:
    """A supervisor who has decided something on the case stays on it."""
    if principal.role is not Role.supervisor or not await queries.decided_on(conn, case_id, principal.user_id):
        return None
    return "supervisor who decided on the case"


async def _given_reason(
    conn: asyncpg.Connection[Any], principal: Principal, case_id: int, reason: Reason | None, now: datetime
) -> str | None:
    """A reason given now (kept for the session), or one given earlier in this session."""
    if reason is not None:
        await store.keep_access_reason(
            conn,
            force_id=principal.force_id,
            session_id=principal.session_id,
            case_id=case_id,
            reason=reason.reason.value,
            detail=reason.detail,
            now=now,
        )
        return str(reason)
    earlier = await queries.access_reason(conn, principal.session_id, case_id)
    return None if earlier is None else str(Reason(AccessReason(earlier[0]), earlier[1]))


async def reference_of(principal: Principal, case_id: int) -> str:
    """The case's reference alone (to ask for a reason), or CaseNotFoundError; reads nothing else."""
    async with db.transaction(force_id=principal.force_id) as conn:
        reference = await queries.reference(conn, case_id)
    if reference is None:
        raise CaseNotFoundError(case_id)
    return reference


async def list_cases(
    caller: Caller,
    *,
    queue: str | None = None,
    search: str | None = None,
    page: int = 1,
    stages: list[str] | None = None,
) -> list[QueueRow]:
    """A page of a work queue, or search results, logging which cases were shown."""
    rows, _ = await work_list(caller, queue=queue, search=search, page=page, stages=stages, with_counts=False)
    return rows


async def work_list(
    caller: Caller,
    *,
    queue: str | None = None,
    search: str | None = None,
    page: int = 1,
    stages: list[str] | None = None,
    with_counts: bool = True,
) -> tuple[list[QueueRow], dict[str, int]]:
    """`list_cases` and the queues' counts in the same transaction: the queue page's one trip."""
    now = datetime.now(UTC)
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        if search:
            rows = await queries.search(conn, search)
            what = "search"
        else:
            name = queue if queue in queries.QUEUES else "mine"
            rows = await queries.queue(conn, name, user_id=caller.principal.user_id, now=now, page=page, stages=stages)
            what = f"queue:{name}" + (f":{','.join(stages)}" if stages else "")
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="case.list_viewed",
            justification=what,
            # The search words too: a name typed into search is how browsing for a neighbour shows up.
            details={"list": what, "search": search or "", "page": page, "references": [r.reference for r in rows]},
            now=now,
        )
        counts = await queries.queue_counts(conn, user_id=caller.principal.user_id, now=now) if with_counts else {}
    return rows, counts


async def counts(principal: Principal) -> dict[str, int]:
    """How many cases are in each queue (numbers only: not a consultation of any case)."""
    async with db.transaction(force_id=principal.force_id) as conn:
        return await queries.queue_counts(conn, user_id=principal.user_id, now=datetime.now(UTC))


async def caseworkers(principal: Principal) -> list[tuple[str, str]]:
    """The force's active officers and supervisors other than the user, to assign cases to."""
    async with db.transaction(force_id=principal.force_id) as conn:
        return await queries.caseworkers(conn, besides=principal.user_id)


async def force_schemes(principal: Principal) -> list[str]:
    """The schemes the user's force runs."""
    async with db.transaction(force_id=principal.force_id) as conn:
        return await queries.force_schemes(conn, principal.force_id)


async def other_forces(principal: Principal, scheme: str) -> list[tuple[str, str]]:
    """The other forces on the service that run `scheme`, as form options (id, name)."""
    async with db.transaction(force_id=principal.force_id) as conn:
        return [(str(i), name) for i, name in await queries.other_forces(conn, principal.force_id, scheme)]

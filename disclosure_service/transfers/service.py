"""The checks other forces ask of ours: the inbox, and answering one. One transaction each, logged
on both sides (a consultation or a disclosure in ours; the answer received in theirs)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from disclosure_service.audit import writer
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import Caller
from disclosure_service.cases import timing
from disclosure_service.cases.vocabulary import CheckResult
from disclosure_service.database import engine as db
from disclosure_service.transfers import queries, store
from disclosure_service.transfers.queries import IncomingRequest


class RequestNotFoundError(Exception):
    """No such request to the user's force: a request to another force is answered the same way."""


class AnswerRefusedError(Exception):
    """An answer that cannot be given; the message says why, `field` what to correct."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


async def inbox(caller: Caller, now: datetime | None = None) -> list[IncomingRequest]:
    """Checks asked of the user's force, waiting first; the look is logged with what it showed."""
    now = now or datetime.now(UTC)
    force_id = caller.principal.force_id
    async with db.transaction(force_id=force_id) as conn:
        found = await queries.incoming(conn, force_id)
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="check_request.list_viewed",
            justification="checks asked of this force",
            details={"requests": [r.id for r in found]},
            now=now,
        )
    return found


async def request(caller: Caller, request_id: int, now: datetime | None = None) -> IncomingRequest:
    """One check asked of the user's force, its look logged."""
    now = now or datetime.now(UTC)
    force_id = caller.principal.force_id
    async with db.transaction(force_id=force_id) as conn:
        found = await queries.incoming_one(conn, force_id, request_id)
        if found is None:
            raise RequestNotFoundError(request_id)
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="check_request.viewed",
            record_type="force_check_request",
            record_id=request_id,
            justification=f"check asked by {found.force_name}",
            now=now,
        )
    return found


async def answer(
    caller: Caller,
    request_id: int,
    *,
    result: CheckResult,
    returned_on: date,
    summary: str,
    now: datetime | None = None,
) -> IncomingRequest:
    """Answer a check asked of the user's force: the asking force's check gets the result."""
    now = now or datetime.now(UTC)
    principal = caller.principal
    async with db.transaction(force_id=principal.force_id) as conn:
        found = await queries.incoming_one(conn, principal.force_id, request_id)
        if found is None:
            raise RequestNotFoundError(request_id)
        if found.answered_at is not None:
            raise AnswerRefusedError("This check has been answered already")
        problem = timing.date_problem(
            returned_on,
            "The date of the answer",
            now=now,
            after=timing.london_today(found.requested_at),
            after_what="the date the check was asked",
        )
        if problem:
            raise AnswerRefusedError(problem, "returned_on")
        asking_force, their_case, their_reference = await store.answer(
            conn,
            request_id,
            by=principal.user_id,
            at=now,
            result=result.value,
            returned_on=returned_on,
            summary=summary,
        )
        await caller.record(
            conn,
            operation=Operation.disclosure,
            event="check_request.answered",
            record_type="force_check_request",
            record_id=request_id,
            recipients=found.force_name,
            justification=f"check asked by {found.force_name}, their reference {their_reference}",
            details={"result": result.value},
            now=now,
        )
        ours = await queries.force_name(conn, principal.force_id)
        await writer.record_across_forces(
            conn,
            actor=principal.actor,
            meta=caller.meta,
            force_id=asking_force,
            operation=Operation.collection,
            event="check_request.answer_received",
            application_id=their_case,
            reference=their_reference,
            record_type="force_check_request",
            record_id=request_id,
            justification=f"answer from {ours}",
            details={"result": result.value},
            now=now,
        )
        answered = await queries.incoming_one(conn, principal.force_id, request_id)
    assert answered is not None  # noqa: S101  # read in the same transaction
    return answered

"""JSON API for the checks other forces ask of ours: `/api/v1/check-requests`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from disclosure_service.audit.writer import Caller
from disclosure_service.cases.vocabulary import CheckResult
from disclosure_service.transfers import service
from disclosure_service.transfers.queries import IncomingRequest
from disclosure_service.web import access


class CheckRequestOut(msgspec.Struct):
    id: int
    # The asking force and its case's reference.
    force: str
    reference: str
    full_name: str
    other_names: str
    date_of_birth: date | None
    address: str
    question: str
    requested_at: datetime
    result: str | None
    returned_on: date | None
    summary: str
    answered_at: datetime | None


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    result: CheckResult
    returned_on: date
    summary: Annotated[str, msgspec.Meta(max_length=10_000)] = ""


def request_out(found: IncomingRequest) -> CheckRequestOut:
    return CheckRequestOut(
        id=found.id,
        force=found.force_name,
        reference=found.reference,
        full_name=found.full_name,
        other_names=found.other_names,
        date_of_birth=found.date_of_birth,
        address=found.address,
        question=found.question,
        requested_at=found.requested_at,
        result=found.result,
        returned_on=found.returned_on,
        summary=found.summary,
        answered_at=found.answered_at,
    )


class CheckRequestsApi(Controller):
    path = "/check-requests"
    tags = ("Checks asked by other forces",)

    @get("/", opt=access.opt(access.CASEWORK))
    async def list_requests(self, caller: NamedDependency[Caller]) -> list[CheckRequestOut]:
        """Checks other forces asked of yours, waiting first. Every look is logged."""
        return [request_out(found) for found in await service.inbox(caller)]

    @get("/{request_id:int}", opt=access.opt(access.CASEWORK))
    async def read_request(self, request_id: FromPath[int], caller: NamedDependency[Caller]) -> CheckRequestOut:
        """One check asked of your force."""
        return request_out(await service.request(caller, request_id))

    @post("/{request_id:int}/answer", opt=access.opt(access.CASEWORK), status_code=200)
    async def answer(
        self, request_id: FromPath[int], data: JSONBody[AnswerIn], caller: NamedDependency[Caller]
    ) -> CheckRequestOut:
        """Answer it: the result becomes the asking force's check result. Once only."""
        answered = await service.answer(
            caller, request_id, result=data.result, returned_on=data.returned_on, summary=data.summary
        )
        return request_out(answered)

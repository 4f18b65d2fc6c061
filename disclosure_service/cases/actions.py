"""What every case action shares: its context, its result, and the ways it can be refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

import asyncpg

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import RequestMeta
from disclosure_service.auth.principal import Principal
from disclosure_service.cases import schemas
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.clocks import retention_review_date
from disclosure_service.cases.vocabulary import Outcome, PersonRole, ReviewDecision, Stage


class CaseNotFoundError(Exception):
    """No such case in the user's force: another force's case is answered exactly the same way."""


class CaseConflictError(Exception):
    """Someone else changed the case since the user loaded it; nothing was saved."""

    message = (
        "Someone else changed this case while you were working on it, so nothing was saved. Look at the "
        "case as it is now, then make your change again."
    )


class ActionRefusedError(Exception):
    """The state machine (or a rule of the action) says no; `reasons` say why, for the user."""

    def __init__(self, reasons: tuple[str, ...], field: str | None = None, *, forbidden: bool = False) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons
        self.field = field
        # Refused because of who is asking: the API answers 403 rather than 422.
        self.forbidden = forbidden

    @property
    def problems(self) -> tuple[tuple[str, str], ...]:
        """(field, message) pairs: a form shows each message by its field."""
        return tuple((self.field or "form", reason) for reason in self.reasons)


class InvalidInputError(ActionRefusedError):
    """What was entered cannot be right whatever the case's state (a date in the future, a child born
    after the application): the API answers 400, and a form shows every problem by its field at once."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(tuple(message for _, message in problems), problems[0][0] if problems else None)
        self._problems = tuple(problems)

    @property
    def problems(self) -> tuple[tuple[str, str], ...]:
        return self._problems


class Problems:
    """Collects every problem with an action's input, so the user sees them all at once."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def check(self, field: str, problem: str | None) -> None:
        if problem is not None:
            self.found.append((field, problem))

    def raise_any(self) -> None:
        if self.found:
            raise InvalidInputError(self.found)


@dataclass(frozen=True, slots=True)
class Done:
    """A change that happened (or had already happened: a resubmitted form)."""

    case_id: int
    message: str
    version: int
    stage: str
    repeated: bool = False


@dataclass(frozen=True, slots=True)
class Context:
    conn: asyncpg.Connection[Any]
    case: CaseFile
    principal: Principal
    meta: RequestMeta
    now: datetime


class Result(NamedTuple):
    """What a handler did: words for the user, details for the audit row, and (for the few actions
    whose result depends on the answer given) the stage and outcome it leads to."""

    message: str
    details: dict[str, Any]
    to_stage: Stage | None = None
    outcome: Outcome | None = None
    # A document given out is a disclosure (DPA s.62), logged with its recipient.
    operation: Operation | None = None
    recipients: str = ""


Handler = Callable[[Context, Any], Awaitable[Result | tuple[str, dict[str, Any]]]]


class Versioned(Protocol):
    """Every action's input: the version of the case it was made against, and an optional key."""

    version: int
    submission_key: str | None


def refuse(message: str, field: str) -> ActionRefusedError:
    return ActionRefusedError((message,), field)


PERSON_FIELDS = tuple(f for f in schemas.PersonIn.__struct_fields__)


async def insert_person(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    case_id: int,
    role: PersonRole,
    person: schemas.PersonIn,
    now: datetime,
) -> int:
    columns = ", ".join(PERSON_FIELDS)
    placeholders = ", ".join(f"${i}" for i in range(5, 5 + len(PERSON_FIELDS)))
    person_id: int = await conn.fetchval(
        f'INSERT INTO case_person ("force", application, role, created_at, updated_at, {columns}) '  # noqa: S608
        f"VALUES ($1, $2, $3, $4, $4, {placeholders}) RETURNING id",
        force_id,
        case_id,
        role.value,
        now,
        *(getattr(person, name) for name in PERSON_FIELDS),
    )
    return person_id


async def close_record(
    ctx: Context, outcome: Outcome, *, notes: str, referrals: str = "", review_on: date | None = None
) -> None:
    """How the case ended: its outcome, why, onward referrals, and when to review keeping it."""
    await ctx.conn.execute(
        'INSERT INTO closure ("force", application, outcome, notes, onward_referrals, retention_review_on, '
        "closed_by, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        ctx.principal.force_id,
        ctx.case.id,
        outcome.value,
        notes,
        referrals,
        review_on or retention_review_date(ctx.now),
        ctx.principal.user_id,
        ctx.now,
    )


async def insert_review(
    ctx: Context,
    refusal_id: int,
    decision: ReviewDecision,
    rationale: str,
    *,
    new_recipient: int | None = None,
    safeguarding_action: str = "",
) -> None:
    await ctx.conn.execute(
        'INSERT INTO refusal_review ("force", application, refusal, decision, rationale, new_recipient, '
        "safeguarding_action, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        ctx.principal.force_id,
        ctx.case.id,
        refusal_id,
        decision.value,
        rationale,
        new_recipient if decision is ReviewDecision.other_recipient else None,
        safeguarding_action,
        ctx.principal.user_id,
        ctx.now,
    )

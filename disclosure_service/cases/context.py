"""What an action's handler is given, and what it gives back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol

import asyncpg

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.cases import store
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.clocks import ClockSpec
from disclosure_service.cases.vocabulary import Outcome, Stage
from disclosure_service.identity.principal import Principal, RequestMeta


class Versioned(Protocol):
    """Every action's input: the version of the case it was made against, and an optional key."""

    version: int
    submission_key: str | None


@dataclass(frozen=True, slots=True)
class Done:
    """A change that happened (or had already happened: a resubmitted form)."""

    case_id: int
    message: str
    version: int
    stage: str
    repeated: bool = False
    # The record the action added, where a client needs it next (an attachment's id).
    record_id: int | None = None


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
    record_id: int | None = None
    # The case no longer exists: it was disposed of, and only its tombstone remains.
    gone: bool = False


@dataclass(frozen=True, slots=True)
class Context:
    """One action being carried out: its transaction, the case as read, who is acting, and when."""

    conn: asyncpg.Connection[Any]
    case: CaseFile
    principal: Principal
    meta: RequestMeta
    now: datetime
    # The clocks of the case's scheme (an extension moves one of them).
    clocks: tuple[ClockSpec, ...] = ()
    # Years to the first retention review by outcome, from the settings (`cases.clocks.first_review_years`).
    retention_years: Mapping[str, int] = field(default_factory=dict)

    async def add(self, table: str, *, by: str = "recorded_by", at: str = "recorded_at", **values: Any) -> int:
        """A new record on this case, in this force, by this user, now; its id."""
        stamped = {"force": self.principal.force_id, "application": self.case.id, **values}
        if by:
            stamped[by] = self.principal.user_id
        if at:
            stamped[at] = self.now
        return await store.insert(self.conn, table, stamped)

    async def change(self, table: str, row_id: int, **values: Any) -> None:
        """Change a record of this case."""
        await store.update(self.conn, table, row_id, values, case_id=self.case.id)

    async def set_case(self, **values: Any) -> None:
        """Change the case's own row (who holds it, its risk level, its deadlines)."""
        await store.set_case(self.conn, self.case.id, **values)

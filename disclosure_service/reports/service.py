"""The figures, each look at them logged: aggregates name nobody, but looking at them is still a look
at the force's records, and a download leaves the system (a disclosure to the person downloading).

The figures are read on the standby when there is one (db.replica_read); the row logging the look
is written on the primary before the figures are handed back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import asyncpg

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import Caller
from disclosure_service.database import engine as db
from disclosure_service.reports import figures
from disclosure_service.reports.periods import Period

T = TypeVar("T")


def _period(period: Period, scheme: str | None = None) -> dict[str, str]:
    found = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    return found | {"scheme": scheme} if scheme else found


async def consulted(
    caller: Caller,
    period: Period,
    event: str,
    compute: Callable[[asyncpg.Connection[Any], int, Period, datetime, str | None], Awaitable[T]],
    scheme: str | None = None,
) -> T:
    """Figures of the caller's force for the period (of one scheme, or all), with the audit row
    saying they looked."""
    force_id = caller.principal.force_id
    async with db.replica_read(force_id=force_id) as conn:
        result = await compute(conn, force_id, period, datetime.now(UTC), scheme)
    async with db.transaction(force_id=force_id) as conn:
        await caller.record(
            conn,
            operation=Operation.consultation,
            event=event,
            justification="statistics",
            details=_period(period, scheme),
        )
    return result


async def _exported(conn: asyncpg.Connection[Any], caller: Caller, event: str, details: dict[str, Any]) -> None:
    await caller.record(
        conn,
        operation=Operation.disclosure,
        event=event,
        justification="statistics export",
        recipients=caller.principal.username,
        details=details,
    )


async def home_office_return(caller: Caller, year: int, period: Period) -> list[figures.RouteFigures]:
    """The CSODS's yearly return by route (CSODS cases only), its download logged."""
    force_id = caller.principal.force_id
    async with db.replica_read(force_id=force_id) as conn:
        routes = (await figures.statistics(conn, force_id, period, datetime.now(UTC), "csods")).routes
    async with db.transaction(force_id=force_id) as conn:
        await _exported(conn, caller, "statistics.home_office_return_exported", {"year": year, "scheme": "csods"})
    return routes


async def dvds_return(caller: Caller, year: int, period: Period) -> list[figures.DvdsRoute]:
    """The DVDS's yearly return by route, its download logged."""
    force_id = caller.principal.force_id
    async with db.replica_read(force_id=force_id) as conn:
        routes = await figures.dvds_return(conn, force_id, period)
    async with db.transaction(force_id=force_id) as conn:
        await _exported(conn, caller, "statistics.home_office_return_exported", {"year": year, "scheme": "dvds"})
    return routes


async def case_rows(caller: Caller, period: Period, scheme: str | None = None) -> list[asyncpg.Record]:
    """One row per application of the period (references only; of one scheme, or all), its download logged."""
    force_id = caller.principal.force_id
    async with db.replica_read(force_id=force_id) as conn:
        rows = await figures.case_rows(conn, force_id, period, scheme)
    async with db.transaction(force_id=force_id) as conn:
        await _exported(conn, caller, "statistics.cases_exported", _period(period, scheme) | {"rows": len(rows)})
    return rows

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


async def _exported(
    caller: Caller,
    event: str,
    read: Callable[[asyncpg.Connection[Any], int], Awaitable[T]],
    details: Callable[[T], dict[str, Any]],
) -> T:
    """What `read` finds for the caller's force, handed back only once its download (a disclosure to
    the person downloading) is logged on the primary."""
    force_id = caller.principal.force_id
    async with db.replica_read(force_id=force_id) as conn:
        result = await read(conn, force_id)
    async with db.transaction(force_id=force_id) as conn:
        await caller.record(
            conn,
            operation=Operation.disclosure,
            event=event,
            justification="statistics export",
            recipients=caller.principal.username,
            details=details(result),
        )
    return result


async def home_office_return(caller: Caller, year: int, period: Period) -> list[figures.RouteFigures]:
    """The CSODS's yearly return by route (CSODS cases only), its download logged."""

    async def read(conn: asyncpg.Connection[Any], force_id: int) -> list[figures.RouteFigures]:
        return (await figures.statistics(conn, force_id, period, datetime.now(UTC), "csods")).routes

    details = {"year": year, "scheme": "csods"}
    return await _exported(caller, "statistics.home_office_return_exported", read, lambda _: details)


async def dvds_return(caller: Caller, year: int, period: Period) -> list[figures.DvdsRoute]:
    """The DVDS's yearly return by route, its download logged."""

    async def read(conn: asyncpg.Connection[Any], force_id: int) -> list[figures.DvdsRoute]:
        return await figures.dvds_return(conn, force_id, period)

    details = {"year": year, "scheme": "dvds"}
    return await _exported(caller, "statistics.home_office_return_exported", read, lambda _: details)


async def case_rows(caller: Caller, period: Period, scheme: str | None = None) -> list[asyncpg.Record]:
    """One row per application of the period (references only; of one scheme, or all), its download logged."""

    async def read(conn: asyncpg.Connection[Any], force_id: int) -> list[asyncpg.Record]:
        return await figures.case_rows(conn, force_id, period, scheme)

    return await _exported(
        caller, "statistics.cases_exported", read, lambda rows: _period(period, scheme) | {"rows": len(rows)}
    )

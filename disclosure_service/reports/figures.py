"""The statistics, computed in PostgreSQL from the records themselves (never kept as counters).

The cohort is the applications *received* in the period: a case received in March and closed in
May counts in March's year, with everything that later happened to it. Timeliness measures each
clock against the case's own deadline, so an authorised extension moves the deadline it is
measured against. A case "relates to a registered sex offender" when a ViSOR check returned a
record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from disclosure_service.reports.periods import Period

_COHORT = """
WITH cohort AS (
    SELECT a.id, a.reference, a.route, a.channel, a.stage, a.outcome, a.risk_level, a.received_at, a.closed_at,
           a.triage_due_at, a.meeting_due_at, a.due_at, a.next_due_at, a.assigned_to,
           COALESCE((SELECT t.recorded_at FROM triage t WHERE t.application = a.id),
                    (SELECT min(e.recorded_at) FROM escalation e WHERE e.application = a.id)) AS triaged_at,
           (SELECT min(m.recorded_at) FROM applicant_meeting m WHERE m.application = a.id) AS met_at,
           EXISTS (SELECT 1 FROM case_check c WHERE c.application = a.id AND c.source = 'visor'
                   AND c.result IS NOT NULL AND c.result <> 'no_trace') AS rso,
           EXISTS (SELECT 1 FROM disclosure d WHERE d.application = a.id) AS disclosed,
           EXISTS (SELECT 1 FROM extension x WHERE x.application = a.id) AS extended
    FROM application a
    WHERE a."force" = $1 AND a.received_at >= $2 AND a.received_at < $3
)
"""

CLOCKS = (
    ("Initial triage", "triaged_at", "triage_due_at"),
    ("Meeting the applicant", "met_at", "meeting_due_at"),
    ("Whole case", "closed_at", "due_at"),
)
AGE_BUCKETS = (
    (0, 10, "Under 10 days"),
    (10, 28, "10 to 27 days"),
    (28, 45, "28 to 44 days"),
    (45, None, "45 days or more"),
)


@dataclass(frozen=True, slots=True)
class Timeliness:
    clock: str
    done: int
    median_days: float | None
    p90_days: float | None
    within: int

    @property
    def within_share(self) -> float | None:
        return self.within / self.done if self.done else None


@dataclass(slots=True)
class Statistics:
    period: Period
    applications: int = 0
    by_route: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    related_to_rso: int = 0
    disclosures: int = 0
    extended: int = 0
    refusals: int = 0
    reviews: dict[str, int] = field(default_factory=dict)
    timeliness: list[Timeliness] = field(default_factory=list)
    open_by_age: dict[str, int] = field(default_factory=dict)


async def statistics(conn: asyncpg.Connection[Any], force_id: int, period: Period, now: datetime) -> Statistics:
    args = (force_id, period.start, period.end)
    totals = await conn.fetchrow(
        _COHORT + "SELECT count(*) AS applications, count(*) FILTER (WHERE rso) AS rso, "  # noqa: S608  # fixed SQL fragments
        "count(*) FILTER (WHERE disclosed) AS disclosures, count(*) FILTER (WHERE extended) AS extended FROM cohort",
        *args,
    )
    stats = Statistics(period)
    if totals is None:
        return stats
    stats.applications, stats.related_to_rso = totals["applications"], totals["rso"]
    stats.disclosures, stats.extended = totals["disclosures"], totals["extended"]
    groups = await conn.fetch(
        _COHORT + "SELECT 'route' AS kind, route AS value, count(*) AS n FROM cohort GROUP BY route "  # noqa: S608  # fixed SQL fragments
        "UNION ALL SELECT 'channel', channel, count(*) FROM cohort GROUP BY channel "
        "UNION ALL SELECT 'outcome', COALESCE(outcome, 'open'), count(*) FROM cohort GROUP BY 2",
        *args,
    )
    for row in groups:
        {"route": stats.by_route, "channel": stats.by_channel, "outcome": stats.by_outcome}[row["kind"]][
            row["value"]
        ] = row["n"]
    stats.timeliness = [await _timeliness(conn, args, clock, done, due) for clock, done, due in CLOCKS]
    undertakings = await conn.fetch(
        _COHORT  # noqa: S608  # fixed SQL fragments
        + "SELECT 'refused' AS kind, count(*) AS n FROM undertaking_outcome u JOIN cohort c ON c.id = u.application "
        "WHERE u.outcome = 'refused' UNION ALL SELECT 'review:' || r.decision, count(*) FROM refusal_review r "
        "JOIN cohort c ON c.id = r.application GROUP BY r.decision",
        *args,
    )
    for row in undertakings:
        if row["kind"] == "refused":
            stats.refusals = row["n"]
        else:
            stats.reviews[row["kind"].removeprefix("review:")] = row["n"]
    ages = await conn.fetchrow(
        _COHORT  # noqa: S608  # fixed SQL fragments
        + "SELECT "
        + ", ".join(
            f"count(*) FILTER (WHERE stage <> 'closed' AND $4 - received_at >= interval '{low} days'"
            + (f" AND $4 - received_at < interval '{high} days'" if high else "")
            + f") AS b{index}"
            for index, (low, high, _) in enumerate(AGE_BUCKETS)
        )
        + " FROM cohort",
        *args,
        now,
    )
    stats.open_by_age = {label: ages[f"b{i}"] if ages else 0 for i, (_, _, label) in enumerate(AGE_BUCKETS)}
    return stats


async def _timeliness(
    conn: asyncpg.Connection[Any], args: tuple[Any, ...], clock: str, done: str, due: str
) -> Timeliness:
    row = await conn.fetchrow(
        _COHORT + f"SELECT count({done}) AS done, "  # noqa: S608  # column names from CLOCKS, not input
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM {done} - received_at) / 86400) AS median, "
        f"percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM {done} - received_at) / 86400) AS p90, "
        f"count(*) FILTER (WHERE {done} <= {due}) AS within FROM cohort WHERE {done} IS NOT NULL",
        *args,
    )
    if row is None or not row["done"]:
        return Timeliness(clock, 0, None, None, 0)
    return Timeliness(clock, row["done"], round(float(row["median"]), 1), round(float(row["p90"]), 1), row["within"])


# ---------------------------------------------------------------------------------------------
# Exports and oversight


async def case_rows(conn: asyncpg.Connection[Any], force_id: int, period: Period) -> list[asyncpg.Record]:
    """One row per application, references only: no names, no addresses, nothing disclosed."""
    rows = await conn.fetch(
        _COHORT + "SELECT reference, route, channel, received_at, stage, COALESCE(outcome, '') AS outcome, risk_level, "  # noqa: S608  # fixed SQL fragments
        "rso, disclosed, extended, "
        "round((extract(epoch FROM triaged_at - received_at) / 86400)::numeric, 1) AS triage_days, "
        "round((extract(epoch FROM met_at - received_at) / 86400)::numeric, 1) AS meeting_days, "
        "round((extract(epoch FROM closed_at - received_at) / 86400)::numeric, 1) AS total_days "
        "FROM cohort ORDER BY received_at, reference",
        force_id,
        period.start,
        period.end,
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class OfficerLoad:
    name: str
    open: int
    overdue: int
    outcomes: dict[str, int]


async def oversight(conn: asyncpg.Connection[Any], force_id: int, period: Period, now: datetime) -> list[OfficerLoad]:
    """Per officer: open and overdue cases now, and how the period's cases of theirs ended."""
    rows = await conn.fetch(
        "SELECT COALESCE(u.display_name, 'Unassigned') AS name, "
        "count(*) FILTER (WHERE a.stage <> 'closed') AS open, "
        "count(*) FILTER (WHERE a.stage <> 'closed' AND a.next_due_at < $4) AS overdue "
        'FROM application a LEFT JOIN app_user u ON u.id = a.assigned_to WHERE a."force" = $1 '
        "AND (a.stage <> 'closed' OR (a.received_at >= $2 AND a.received_at < $3)) "
        "GROUP BY u.display_name ORDER BY count(*) FILTER (WHERE a.stage <> 'closed' AND a.next_due_at < $4) DESC, "
        "u.display_name NULLS FIRST",
        force_id,
        period.start,
        period.end,
        now,
    )
    mixes = await conn.fetch(
        "SELECT COALESCE(u.display_name, 'Unassigned') AS name, a.outcome, count(*) AS n FROM application a "
        'LEFT JOIN app_user u ON u.id = a.assigned_to WHERE a."force" = $1 AND a.outcome IS NOT NULL '
        "AND a.received_at >= $2 AND a.received_at < $3 GROUP BY 1, 2",
        force_id,
        period.start,
        period.end,
    )
    outcomes: dict[str, dict[str, int]] = {}
    for mix in mixes:
        outcomes.setdefault(mix["name"], {})[mix["outcome"]] = mix["n"]
    return [OfficerLoad(r["name"], r["open"], r["overdue"], outcomes.get(r["name"], {})) for r in rows]

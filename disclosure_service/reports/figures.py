"""The statistics, computed in PostgreSQL from the records themselves (never kept as counters).

Definitions, which the tests pin down and docs/statistics.md explains:

- The cohort is the applications *received* in the period (London days): a case received in
  March and closed in May counts in March's year, with everything that later happened to it.
- A case "relates to a registered sex offender" when a ViSOR check on it returned a record.
- A case "led to a disclosure" when a disclosure was recorded as made.
- Timeliness measures each clock against the case's own deadline, so an authorised extension
  moves the deadline the case is measured against. Days are counted from receipt. A case is late
  on a clock if it reached that point after the deadline, or is still open, short of it, with the
  deadline passed. The whole-case clock leaves out withdrawn and transferred cases: they ended
  by the applicant's choice or in another force, not by this force's work.
- A case disposed of at its retention review still counts: its tombstone keeps what is counted.
- Open cases by age are a snapshot of every open case now, whenever it was received.
- Every figure can be taken for one scheme (`scheme`), or for all the force runs (None). The
  Home Office's CSODS return is always the CSODS's alone; the DVDS return is `dvds_return`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from disclosure_service.reports.periods import Period

# Joins to each fact, grouped once, rather than a lookup per case: a year's cohort is tens of
# thousands of cases.
_COHORT = """
WITH cohort AS (
    SELECT a.id, a.reference, a.scheme, a.route, a.channel, a.stage, a.outcome, a.risk_level, a.received_at,
           a.closed_at, a.triage_due_at, a.meeting_due_at, a.due_at, a.assigned_to,
           COALESCE(t.recorded_at, e.first_at) AS triaged_at, m.first_at AS met_at,
           CASE WHEN a.outcome NOT IN ('withdrawn', 'transferred') THEN a.closed_at END AS completed_at,
           v.application IS NOT NULL AS rso, d.application IS NOT NULL AS disclosed,
           x.application IS NOT NULL AS extended
    FROM application a
    LEFT JOIN triage t ON t.application = a.id
    LEFT JOIN (SELECT application, min(recorded_at) AS first_at FROM escalation GROUP BY application) e
        ON e.application = a.id
    LEFT JOIN (SELECT application, min(recorded_at) AS first_at FROM applicant_meeting GROUP BY application) m
        ON m.application = a.id
    LEFT JOIN (SELECT DISTINCT application FROM case_check WHERE source = 'visor' AND result <> 'no_trace') v
        ON v.application = a.id
    LEFT JOIN (SELECT DISTINCT application FROM disclosure) d ON d.application = a.id
    LEFT JOIN (SELECT DISTINCT application FROM extension) x ON x.application = a.id
    WHERE a."force" = $1 AND a.received_at >= $2 AND a.received_at < $3
      SCHEME_FILTER
    UNION ALL
    -- Cases disposed of at their retention review: their tombstones keep these facts.
    SELECT d.application_id, d.reference, d.scheme, d.route, d.channel, 'closed', d.outcome, d.risk_level,
           d.received_at, d.closed_at, d.triage_due_at, d.meeting_due_at, d.due_at, d.assigned_to, d.triaged_at,
           d.met_at, CASE WHEN d.outcome NOT IN ('withdrawn', 'transferred') THEN d.closed_at END,
           d.related_to_rso, d.disclosed, d.extended
    FROM case_disposal d
    WHERE d."force" = $1 AND d.received_at >= $2 AND d.received_at < $3
      TOMBSTONE_SCHEME_FILTER
)
"""

# (label, the column saying when the point was reached, the column holding its deadline)
CLOCKS = (
    ("Initial triage", "triaged_at", "triage_due_at"),
    ("Meeting the applicant", "met_at", "meeting_due_at"),
    ("Whole case", "completed_at", "due_at"),
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
    reached: int
    median_days: float | None
    p90_days: float | None
    within: int
    late: int

    @property
    def within_share(self) -> float | None:
        measured = self.within + self.late
        return self.within / measured if measured else None


@dataclass(frozen=True, slots=True)
class RouteFigures:
    route: str
    applications: int
    related_to_rso: int
    disclosures: int


@dataclass(slots=True)
class Statistics:
    period: Period
    applications: int = 0
    routes: list[RouteFigures] = field(default_factory=list)
    by_route: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    related_to_rso: int = 0
    disclosures: int = 0
    extended: int = 0
    refusals: int = 0
    awaiting_review: int = 0
    reviews: dict[str, int] = field(default_factory=dict)
    timeliness: list[Timeliness] = field(default_factory=list)
    open_by_age: dict[str, int] = field(default_factory=dict)


async def statistics(
    conn: asyncpg.Connection[Any], force_id: int, period: Period, now: datetime, scheme: str | None = None
) -> Statistics:
    """Every figure of the period, in one statement over one pass of the cohort."""
    stats = Statistics(period)
    arguments = (force_id, period.start, period.end, now, *((scheme,) if scheme else ()))
    for row in await conn.fetch(_FIGURES_OF_SCHEME if scheme else _FIGURES, *arguments):
        kind, value, n = row["kind"], row["value"], row["n"]
        if kind == "route":
            stats.routes.append(RouteFigures(value, n, row["rso"], row["disclosed"]))
        elif kind == "clock":
            median, p90 = row["median"], row["p90"]
            stats.timeliness.append(
                Timeliness(
                    value,
                    n,
                    None if median is None else round(median, 1),
                    None if p90 is None else round(p90, 1),
                    row["within"],
                    row["late"],
                )
            )
        elif kind in _SINGLE_FIGURES:
            setattr(stats, _SINGLE_FIGURES[kind], n)
        else:
            {"channel": stats.by_channel, "outcome": stats.by_outcome, "review": stats.reviews}[kind][value] = n
    stats.routes.sort(key=lambda r: r.route)
    stats.timeliness.sort(key=lambda t: [label for label, _, _ in CLOCKS].index(t.clock))
    stats.applications = sum(r.applications for r in stats.routes)
    stats.related_to_rso = sum(r.related_to_rso for r in stats.routes)
    stats.disclosures = sum(r.disclosures for r in stats.routes)
    stats.by_route = {r.route: r.applications for r in stats.routes}
    stats.open_by_age = await open_by_age(conn, force_id, now, scheme)
    return stats


_SINGLE_FIGURES = {"extended": "extended", "refused": "refusals", "awaiting": "awaiting_review"}


def _clock(label: str, done: str, due: str) -> str:
    days = f"extract(epoch FROM {done} - received_at) / 86400"
    return (
        f"SELECT 'clock', '{label}', count({done}), NULL, NULL, "  # noqa: S608  # names from CLOCKS, not input
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {days}), percentile_cont(0.9) WITHIN GROUP (ORDER BY {days}), "
        f"count(*) FILTER (WHERE {done} <= {due}), "
        f"count(*) FILTER (WHERE {done} > {due} OR ({done} IS NULL AND stage <> 'closed' AND {due} < $4)) "
        "FROM cohort"
    )


# One row per figure: (kind, value, n, rso, disclosed, median, p90, within, late), unused columns
# NULL. MATERIALIZED: the cohort is worked out once, however many figures read it.
_FIGURES_BODY = (
    "\n"  # noqa: S608  # fixed SQL fragments, no input
    + """SELECT 'route' AS kind, route AS value, count(*) AS n, count(*) FILTER (WHERE rso) AS rso,
       count(*) FILTER (WHERE disclosed) AS disclosed, NULL::float8 AS median, NULL::float8 AS p90,
       NULL::bigint AS within, NULL::bigint AS late FROM cohort GROUP BY route
UNION ALL SELECT 'channel', channel, count(*), NULL, NULL, NULL, NULL, NULL, NULL FROM cohort GROUP BY channel
UNION ALL SELECT 'outcome', COALESCE(outcome, 'open'), count(*), NULL, NULL, NULL, NULL, NULL, NULL
    FROM cohort GROUP BY 2
UNION ALL SELECT 'extended', '', count(*), NULL, NULL, NULL, NULL, NULL, NULL FROM cohort WHERE extended
UNION ALL SELECT 'refused', '', count(*), NULL, NULL, NULL, NULL, NULL, NULL
    FROM undertaking_outcome u JOIN cohort c ON c.id = u.application WHERE u.outcome = 'refused'
UNION ALL SELECT 'awaiting', '', count(*), NULL, NULL, NULL, NULL, NULL, NULL
    FROM undertaking_outcome u JOIN cohort c ON c.id = u.application
    WHERE u.outcome = 'refused' AND NOT EXISTS (SELECT 1 FROM refusal_review r WHERE r.refusal = u.id)
UNION ALL SELECT 'review', r.decision, count(*), NULL, NULL, NULL, NULL, NULL, NULL
    FROM refusal_review r JOIN cohort c ON c.id = r.application GROUP BY r.decision
"""
    + "".join(f"UNION ALL {_clock(*clock)}\n" for clock in CLOCKS)
)


def _cohort(scheme_parameter: str | None, *, materialized: bool = False) -> str:
    """The cohort's SQL, of every scheme (None) or of the scheme in `scheme_parameter` ($5, a
    literal). Two fixed statements rather than `$n IS NULL OR ...`, so that the every-scheme one
    keeps the plan it had before schemes were told apart."""
    sql = _COHORT.replace("TOMBSTONE_SCHEME_FILTER", f"AND d.scheme = {scheme_parameter}" if scheme_parameter else "")
    sql = sql.replace("SCHEME_FILTER", f"AND a.scheme = {scheme_parameter}" if scheme_parameter else "")
    return sql.replace("WITH cohort AS (", "WITH cohort AS MATERIALIZED (") if materialized else sql


_FIGURES = _cohort(None, materialized=True) + _FIGURES_BODY
_FIGURES_OF_SCHEME = _cohort("$5", materialized=True) + _FIGURES_BODY


async def open_by_age(
    conn: asyncpg.Connection[Any], force_id: int, now: datetime, scheme: str | None = None
) -> dict[str, int]:
    buckets = ", ".join(
        f"count(*) FILTER (WHERE $2 - received_at >= interval '{low} days'"
        + (f" AND $2 - received_at < interval '{high} days'" if high else "")
        + f") AS b{index}"
        for index, (low, high, _) in enumerate(AGE_BUCKETS)
    )
    row = await conn.fetchrow(
        f"SELECT {buckets} FROM application WHERE \"force\" = $1 AND stage <> 'closed' "  # noqa: S608  # fixed buckets
        "AND ($3::text IS NULL OR scheme = $3::text)",
        force_id,
        now,
        scheme,
    )
    assert row is not None  # noqa: S101  # an aggregate without GROUP BY returns one row
    return {label: row[f"b{index}"] for index, (_, _, label) in enumerate(AGE_BUCKETS)}


# ---------------------------------------------------------------------------------------------
# Exports and oversight


_CASE_ROWS_BODY = (
    "SELECT reference, scheme, route, channel, received_at, stage, COALESCE(outcome, '') AS outcome, risk_level, "
    "rso, disclosed, extended, "
    "round((extract(epoch FROM triaged_at - received_at) / 86400)::numeric, 1) AS triage_days, "
    "round((extract(epoch FROM met_at - received_at) / 86400)::numeric, 1) AS meeting_days, "
    "round((extract(epoch FROM closed_at - received_at) / 86400)::numeric, 1) AS total_days "
    "FROM cohort ORDER BY received_at, reference"
)
_CASE_ROWS = _cohort(None) + _CASE_ROWS_BODY
_CASE_ROWS_OF_SCHEME = _cohort("$4") + _CASE_ROWS_BODY


async def case_rows(
    conn: asyncpg.Connection[Any], force_id: int, period: Period, scheme: str | None = None
) -> list[asyncpg.Record]:
    """One row per application, references only: no names, no addresses, nothing disclosed."""
    if scheme:
        rows = await conn.fetch(_CASE_ROWS_OF_SCHEME, force_id, period.start, period.end, scheme)
    else:
        rows = await conn.fetch(_CASE_ROWS, force_id, period.start, period.end)
    return list(rows)


@dataclass(frozen=True, slots=True)
class OfficerLoad:
    name: str
    open: int
    overdue: int
    outcomes: dict[str, int]
    # Breaches of the undertaking reported in the period, on cases this officer holds.
    breaches: int = 0


@dataclass(frozen=True, slots=True)
class TeamLoad:
    team: str
    officers: list[OfficerLoad]

    @property
    def open(self) -> int:
        return sum(officer.open for officer in self.officers)

    @property
    def overdue(self) -> int:
        return sum(officer.overdue for officer in self.officers)

    @property
    def breaches(self) -> int:
        return sum(officer.breaches for officer in self.officers)

    @property
    def outcomes(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for officer in self.officers:
            for outcome, n in officer.outcomes.items():
                total[outcome] = total.get(outcome, 0) + n
        return total


UNASSIGNED = "Not assigned"
NO_TEAM = "No team"

# Everyone who works cases is listed, idle or not: a supervisor reassigning work needs to see who
# has room. Outcomes are of the period's cases; open and overdue are as of now, whenever received.
_OVERSIGHT = """
SELECT u.id, u.display_name AS name, u.team,
       count(a.id) AS open, count(a.id) FILTER (WHERE a.next_due_at < $2) AS overdue
FROM app_user u LEFT JOIN application a ON a.assigned_to = u.id AND a.stage <> 'closed'
    AND ($3::text IS NULL OR a.scheme = $3::text)
WHERE u."force" = $1 AND (u.role IN ('officer', 'supervisor') AND u.status = 'active' OR a.id IS NOT NULL)
GROUP BY u.id
UNION ALL
SELECT NULL, NULL, NULL, count(*), count(*) FILTER (WHERE next_due_at < $2)
FROM application WHERE "force" = $1 AND assigned_to IS NULL AND stage <> 'closed'
    AND ($3::text IS NULL OR scheme = $3::text)
"""
_OUTCOMES = """
SELECT assigned_to AS id, outcome, count(*) AS n FROM application
WHERE "force" = $1 AND outcome IS NOT NULL AND received_at >= $2 AND received_at < $3
    AND ($4::text IS NULL OR scheme = $4::text)
GROUP BY 1, 2
"""
# Breaches are counted when they were reported, whenever the case was received: a breach is news
# about the period, not about the period's cohort.
_BREACHES = """
SELECT a.assigned_to AS id, count(*) AS n FROM post_closure_event e JOIN application a ON a.id = e.application
WHERE e."force" = $1 AND e.kind = 'breach' AND e.occurred_at >= $2 AND e.occurred_at < $3
    AND ($4::text IS NULL OR a.scheme = $4::text)
GROUP BY 1
"""


async def oversight(
    conn: asyncpg.Connection[Any], force_id: int, period: Period, now: datetime, scheme: str | None = None
) -> list[TeamLoad]:
    """Per team, and per officer within it: open and overdue cases now, and how the period's cases
    ended. Teams with overdue work come first; cases nobody holds are a team of their own."""
    rows = await conn.fetch(_OVERSIGHT, force_id, now, scheme)
    outcomes: dict[int | None, dict[str, int]] = {}
    for mix in await conn.fetch(_OUTCOMES, force_id, period.start, period.end, scheme):
        outcomes.setdefault(mix["id"], {})[mix["outcome"]] = mix["n"]
    breaches = {row["id"]: row["n"] for row in await conn.fetch(_BREACHES, force_id, period.start, period.end, scheme)}
    teams: dict[str, list[OfficerLoad]] = {}
    for row in rows:
        if row["id"] is None and not row["open"] and None not in outcomes and None not in breaches:
            continue
        team = UNASSIGNED if row["id"] is None else row["team"] or NO_TEAM
        name = UNASSIGNED if row["id"] is None else row["name"]
        load = OfficerLoad(name, row["open"], row["overdue"], outcomes.get(row["id"], {}), breaches.get(row["id"], 0))
        teams.setdefault(team, []).append(load)
    loads = [
        TeamLoad(team, sorted(officers, key=lambda o: (-o.overdue, -o.open, o.name)))
        for team, officers in teams.items()
    ]
    return sorted(loads, key=lambda t: (-t.overdue, -t.open, t.team))


# ---------------------------------------------------------------------------------------------
# The DVDS return: applications and disclosures by route, and the time to the decision.


@dataclass(frozen=True, slots=True)
class DvdsRoute:
    route: str
    applications: int
    disclosures: int
    # Cases whose recommendation a supervisor authorised or refused, and how long that took.
    decided: int
    median_days_to_decision: float | None
    decided_within_28_days: int


# The decision is the first authorisation or refusal of a recommendation (a return for more work
# is not one); days from receipt, as every clock counts.
_DVDS_RETURN = (
    _cohort("'dvds'")  # noqa: S608  # fixed SQL fragments, no input
    + """
, decided AS (
    SELECT c.id, c.route, c.disclosed,
           extract(epoch FROM min(d.decided_at) - min(c.received_at)) / 86400 AS days
    FROM cohort c LEFT JOIN authorisation_decision d ON d.application = c.id AND d.outcome IN ('authorised', 'refused')
    GROUP BY c.id, c.route, c.disclosed
)
SELECT route, count(*) AS applications, count(*) FILTER (WHERE disclosed) AS disclosures,
       count(days) AS decided, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median,
       count(*) FILTER (WHERE days <= 28) AS within
FROM decided GROUP BY route ORDER BY route
"""
)


async def dvds_return(conn: asyncpg.Connection[Any], force_id: int, period: Period) -> list[DvdsRoute]:
    """The DVDS's figures of the period by route (docs/statistics.md)."""
    rows = await conn.fetch(_DVDS_RETURN, force_id, period.start, period.end)
    return [
        DvdsRoute(
            r["route"],
            r["applications"],
            r["disclosures"],
            r["decided"],
            None if r["median"] is None else round(r["median"], 1),
            r["within"],
        )
        for r in rows
    ]

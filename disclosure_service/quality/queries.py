"""The quality review's SQL, in one place: the month's decisions, the sample, the reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from disclosure_service.quality.sampling import Candidate, Kind

# Each decision once per case and kind, with everyone who took part in deciding the case.
_CANDIDATES = """
WITH deciders AS (
    SELECT application, array_agg(DISTINCT who) AS who FROM (
        SELECT application, recommended_by AS who FROM recommendation
        UNION ALL SELECT application, decided_by FROM authorisation_decision
        UNION ALL SELECT application, decided_by FROM refusal_review
        UNION ALL SELECT application, closed_by FROM closure
    ) d GROUP BY application
), decisions AS (
    SELECT 'no_disclosure' AS kind, application, closed_at AS decided_at FROM closure
    WHERE outcome IN ('no_trace', 'held_not_disclosed', 'other_safeguarding_action')
      AND closed_at >= $1 AND closed_at < $2 AND "force" = $3
    UNION ALL
    SELECT 'withheld_after_refusal', application, min(decided_at) FROM refusal_review
    WHERE decision = 'withhold' AND decided_at >= $1 AND decided_at < $2 AND "force" = $3 GROUP BY application
    UNION ALL
    SELECT 'authorisation', application, min(decided_at) FROM authorisation_decision
    WHERE outcome = 'authorised' AND decided_at >= $1 AND decided_at < $2 AND "force" = $3 GROUP BY application
)
SELECT d.kind, d.application, d.decided_at, COALESCE(x.who, '{}') AS who
FROM decisions d LEFT JOIN deciders x ON x.application = d.application
"""


async def candidates(conn: asyncpg.Connection[Any], force_id: int, start: datetime, end: datetime) -> list[Candidate]:
    rows = await conn.fetch(_CANDIDATES, start, end, force_id)
    return [Candidate(r["application"], Kind(r["kind"]), r["decided_at"], frozenset(r["who"])) for r in rows]


async def insert_sample(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    month: str,
    drawn: list[tuple[Candidate, str]],
    user_id: int,
    now: datetime,
) -> int:
    """The drawn decisions not drawn before; how many were new."""
    added = 0
    for candidate, seed in drawn:
        inserted = await conn.fetchval(
            'INSERT INTO quality_review ("force", application, kind, month, decided_at, decided_by, seed, drawn_at, '
            "drawn_by, findings, action) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', '') "
            "ON CONFLICT (application, kind, month) DO NOTHING RETURNING id",
            force_id,
            candidate.case_id,
            candidate.kind.value,
            month,
            candidate.decided_at,
            sorted(candidate.decided_by),
            seed,
            now,
            user_id,
        )
        added += inserted is not None
    return added


class ReviewRow(msgspec.Struct, frozen=True):
    id: int
    application: int
    reference: str
    scheme: str
    kind: str
    month: str
    decided_at: datetime
    decided_by: list[int]
    seed: str
    verdict: str | None
    findings: str
    action: str
    reviewed_by: int | None
    reviewer_name: str | None
    reviewed_at: datetime | None


_REVIEWS = (
    "SELECT q.id, q.application, a.reference, a.scheme, q.kind, q.month, q.decided_at, q.decided_by, q.seed, "
    "q.verdict, q.findings, q.action, q.reviewed_by, u.display_name AS reviewer_name, q.reviewed_at "
    "FROM quality_review q JOIN application a ON a.id = q.application "
    "LEFT JOIN app_user u ON u.id = q.reviewed_by "
)


async def reviews(conn: asyncpg.Connection[Any], month: str) -> list[ReviewRow]:
    rows = await conn.fetch(_REVIEWS + "WHERE q.month = $1 ORDER BY q.kind, q.seed", month)  # fixed
    return [ReviewRow(**dict(r)) for r in rows]


async def review(conn: asyncpg.Connection[Any], review_id: int) -> ReviewRow | None:
    row = await conn.fetchrow(_REVIEWS + "WHERE q.id = $1 FOR UPDATE OF q", review_id)  # fixed
    return None if row is None else ReviewRow(**dict(row))


async def record_review(
    conn: asyncpg.Connection[Any],
    review_id: int,
    *,
    verdict: str,
    findings: str,
    action: str,
    user_id: int,
    now: datetime,
) -> None:
    await conn.execute(
        "UPDATE quality_review SET verdict = $2, findings = $3, action = $4, reviewed_by = $5, reviewed_at = $6 "
        "WHERE id = $1",
        review_id,
        verdict,
        findings,
        action,
        user_id,
        now,
    )


class Figures(msgspec.Struct, frozen=True):
    sampled: int
    reviewed: int
    agreed: int
    disagreed: int


async def figures(conn: asyncpg.Connection[Any], first_month: str, last_month: str) -> Figures:
    """The reviews of decisions taken in the months from `first_month` to `last_month`."""
    row = await conn.fetchrow(
        "SELECT count(*) AS sampled, count(verdict) AS reviewed, count(*) FILTER (WHERE verdict = 'agree') AS agreed, "
        "count(*) FILTER (WHERE verdict = 'disagree') AS disagreed FROM quality_review "
        "WHERE month >= $1 AND month <= $2",
        first_month,
        last_month,
    )
    assert row is not None  # noqa: S101  # an aggregate without GROUP BY returns one row
    return Figures(**dict(row))

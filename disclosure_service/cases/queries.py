"""Reading cases: one case's whole file, work queues, search. Runs inside the caller's transaction,
already scoped to their force (row-level security hides every other force's rows)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg
import msgspec

from disclosure_service.cases.casefile import CaseFile, CaseRecord
from disclosure_service.cases.vocabulary import PersonRole
from disclosure_service.dates import LONDON, to_london

Record = asyncpg.Record

# "Due soon": due today or tomorrow, in London days (as the queue's own words put it), not yet past.
DUE_SOON_DAYS = 2


def due_soon_until(now: datetime) -> datetime:
    """The start of the London day after tomorrow: what falls due before it is due soon."""
    day = to_london(now).date() + timedelta(days=DUE_SOON_DAYS)
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


_APPLICATION_COLUMNS = (
    "a.id, a.reference, a.version, a.scheme, a.route, a.channel, a.received_at, a.stage, a.outcome, "
    "a.risk_level, a.concern, a.assigned_to, a.supervisor, a.created_by, a.triage_due_at, a.meeting_due_at, "
    "a.due_at, a.next_due_at, a.closed_at, a.retention_review_on, a.created_at, a.updated_at, "
    "assignee.display_name AS assigned_name, supervisor.display_name AS supervisor_name"
)
_FROM_APPLICATION = (
    "FROM application a LEFT JOIN app_user assignee ON assignee.id = a.assigned_to "
    "LEFT JOIN app_user supervisor ON supervisor.id = a.supervisor"
)


async def application_row(conn: asyncpg.Connection[Any], case_id: int) -> CaseRecord | None:
    """The case's own row (who holds it, its stage): enough to decide whether a read is justified."""
    raw: str | None = await conn.fetchval(
        f"SELECT to_json(r) FROM (SELECT {_APPLICATION_COLUMNS} {_FROM_APPLICATION} WHERE a.id = $1) r",  # noqa: S608  # fixed SQL
        case_id,
    )
    return None if raw is None else msgspec.json.decode(raw, type=CaseRecord)


def _by(table: str, column: str) -> str:
    """A part of the file whose rows name the user who recorded them."""
    return (
        f"SELECT t.*, u.display_name AS by_name FROM {table} t "  # noqa: S608  # names from _PARTS, not input
        f"JOIN app_user u ON u.id = t.{column} WHERE t.application = $1"
    )


# Each part of the file: its key, the query for its rows, and whether it is a list (else one row or null).
_PARTS: tuple[tuple[str, str, bool], ...] = (
    ("people", "SELECT * FROM case_person WHERE application = $1", True),
    ("triage", _by("triage", "recorded_by"), False),
    ("escalations", _by("escalation", "recorded_by"), True),
    ("meetings", _by("applicant_meeting", "recorded_by"), True),
    (
        "checks",
        "SELECT t.*, u.display_name AS requested_by_name FROM case_check t "
        "JOIN app_user u ON u.id = t.requested_by WHERE t.application = $1",
        True,
    ),
    (
        "recommendation",
        "SELECT t.*, u.display_name AS by_name, p.full_name AS recipient_name FROM recommendation t "
        "JOIN app_user u ON u.id = t.recommended_by LEFT JOIN case_person p ON p.id = t.recipient "
        "WHERE t.application = $1 ORDER BY t.id DESC LIMIT 1",
        False,
    ),
    ("decisions", _by("authorisation_decision", "decided_by"), True),
    ("extensions", _by("extension", "granted_by"), True),
    ("closure", _by("closure", "closed_by"), False),
    (
        "disclosure_meetings",
        "SELECT t.*, p.full_name AS recipient_name, c.display_name AS changed_by_name FROM disclosure_meeting t "
        "JOIN case_person p ON p.id = t.recipient LEFT JOIN app_user c ON c.id = t.changed_by WHERE t.application = $1",
        True,
    ),
    (
        "undertaking_responses",
        "SELECT id, meeting, outcome, happened_at, witness, reason, recipient_words, scan_filename, scan_sha256, "
        "recorded_at FROM undertaking_outcome WHERE application = $1",
        True,
    ),
    ("refusal_reviews", _by("refusal_review", "decided_by"), True),
    (
        "disclosures",
        "SELECT t.*, p.full_name AS recipient_name, u.display_name AS by_name FROM disclosure t "
        "JOIN case_person p ON p.id = t.recipient JOIN app_user u ON u.id = t.recorded_by WHERE t.application = $1",
        True,
    ),
    ("notifications", _by("applicant_notification", "recorded_by"), True),
    (
        "documents",
        "SELECT d.id, d.kind, d.language, d.filename, d.sha256, d.recipient_name, d.meeting, d.generated_at, "
        "v.version AS template_version, u.display_name AS by_name FROM generated_document d "
        "JOIN document_template v ON v.id = d.template JOIN app_user u ON u.id = d.generated_by "
        "WHERE d.application = $1",
        True,
    ),
    ("post_closure_events", _by("post_closure_event", "recorded_by"), True),
    ("corrections", _by("person_correction", "corrected_by"), True),
    ("risk_assessments", _by("risk_assessment", "assessed_by"), True),
    ("notes", _by("case_note", "written_by"), True),
    ("safety_plans", _by("safety_plan", "recorded_by"), True),
    (
        "contacts",
        "SELECT t.*, p.full_name AS person_name, u.display_name AS by_name FROM contact_record t "
        "JOIN case_person p ON p.id = t.person JOIN app_user u ON u.id = t.recorded_by WHERE t.application = $1",
        True,
    ),
    (
        "attachments",
        "SELECT t.id, t.filename, t.content_type, t.size, t.sha256, t.description, t.uploaded_at, "
        "u.display_name AS by_name FROM attachment t JOIN app_user u ON u.id = t.uploaded_by WHERE t.application = $1",
        True,
    ),
    ("clocks", "SELECT * FROM case_clock WHERE application = $1", True),
    ("mappa", _by("mappa_status", "recorded_by"), True),
    ("consultations", _by("partner_consultation", "recorded_by"), True),
    ("decision_forums", _by("decision_forum", "recorded_by"), True),
    ("risk_reassessments", _by("risk_reassessment", "assessed_by"), True),
    ("safeguarding_plans", _by("safeguarding_plan", "recorded_by"), True),
    # Across forces: each side reads its own end of the link (a case id means nothing in another force).
    (
        "transferred_to",
        "SELECT t.id, t.to_reference AS reference, f.name AS force_name, t.reason, t.shared, t.sent_at "
        "FROM case_transfer t JOIN force f ON f.id = t.to_force "
        "WHERE t.application = $1 AND t.\"force\" = NULLIF(current_setting('app.force_id', true), '')::integer",
        False,
    ),
    (
        "transferred_from",
        "SELECT t.id, t.reference, f.name AS force_name, t.reason, t.shared, t.sent_at "
        'FROM case_transfer t JOIN force f ON f.id = t."force" '
        "WHERE t.to_application = $1 AND t.to_force = NULLIF(current_setting('app.force_id', true), '')::integer",
        False,
    ),
    (
        "force_checks",
        "SELECT r.id, r.case_check, f.name AS force_name, r.full_name, r.question, r.requested_at, r.result, "
        "r.returned_on, r.summary, r.answered_at FROM force_check_request r JOIN force f ON f.id = r.to_force "
        "WHERE r.application = $1 AND r.\"force\" = NULLIF(current_setting('app.force_id', true), '')::integer",
        True,
    ),
)


def _part(key: str, sql: str, many: bool) -> str:
    # Fixed fragments from _PARTS, never input.
    if many:  # oldest first, '[]' when there are none
        return f"'{key}', COALESCE((SELECT json_agg(x ORDER BY x.id) FROM ({sql}) x), '[]')"  # noqa: S608
    return f"'{key}', (SELECT to_json(x) FROM ({sql}) x)"  # noqa: S608


# The whole file in one statement, one round trip, each part through its own index on `application`
# and scoped to the caller's force by row-level security. No row at all for a missing case.
_CASE_FILE = (
    "SELECT json_build_object('record', to_json(r), "  # noqa: S608  # fixed SQL fragments, no input
    + ", ".join(_part(*part) for part in _PARTS)
    + f") FROM (SELECT {_APPLICATION_COLUMNS} {_FROM_APPLICATION} WHERE a.id = $1) r"
)


async def case_file(conn: asyncpg.Connection[Any], case_id: int) -> CaseFile | None:
    raw: str | None = await conn.fetchval(_CASE_FILE, case_id)
    return None if raw is None else msgspec.json.decode(raw, type=CaseFile)


async def reference(conn: asyncpg.Connection[Any], case_id: int) -> str | None:
    found: str | None = await conn.fetchval("SELECT reference FROM application WHERE id = $1", case_id)
    return found


async def force_crest(conn: asyncpg.Connection[Any], force_id: int) -> bytes | None:
    """The force's crest for its documents' header (None if it has none)."""
    crest: bytes | None = await conn.fetchval("SELECT crest FROM force WHERE id = $1", force_id)
    return crest


async def force_name(conn: asyncpg.Connection[Any], force_id: int) -> str:
    name: str = await conn.fetchval("SELECT name FROM force WHERE id = $1", force_id)
    return name


async def force_schemes(conn: asyncpg.Connection[Any], force_id: int) -> list[str]:
    """The schemes the force runs."""
    schemes: list[str] = await conn.fetchval("SELECT schemes FROM force WHERE id = $1", force_id)
    return schemes


async def clock_hours(conn: asyncpg.Connection[Any], force_id: int, scheme: str, day: date) -> dict[str, int]:
    """The lengths a force set for a scheme's clocks, in force on `day` (a clock it never set is absent)."""
    rows = await conn.fetch("SELECT clock, hours FROM force_clock_hours($1, $2, $3)", force_id, scheme, day)
    return {row["clock"]: row["hours"] for row in rows}


async def other_forces(conn: asyncpg.Connection[Any], force_id: int, scheme: str) -> list[tuple[int, str]]:
    """The other forces on the service that run `scheme`, as (id, name), by name."""
    rows = await conn.fetch(
        "SELECT id, name FROM force WHERE id <> $1 AND $2 = ANY (schemes) ORDER BY name", force_id, scheme
    )
    return [(row["id"], row["name"]) for row in rows]


async def caseworker_name(conn: asyncpg.Connection[Any], user_id: int) -> str | None:
    """The name of an active officer or supervisor of the force, or None if there is none with that id."""
    name: str | None = await conn.fetchval(
        "SELECT display_name FROM app_user WHERE id = $1 AND status = 'active' AND role IN ('officer', 'supervisor')",
        user_id,
    )
    return name


async def caseworkers(conn: asyncpg.Connection[Any], *, besides: int) -> list[tuple[str, str]]:
    """The force's active officers and supervisors other than `besides`, as (id, "name (role)")."""
    rows = await conn.fetch(
        "SELECT id, display_name, role FROM app_user WHERE status = 'active' "
        "AND role IN ('officer', 'supervisor') AND id <> $1 ORDER BY display_name",
        besides,
    )
    return [(str(r["id"]), f"{r['display_name']} ({r['role']})") for r in rows]


async def decided_on(conn: asyncpg.Connection[Any], case_id: int, user_id: int) -> bool:
    """Whether the user has decided something on the case (a recommendation or a refused undertaking)."""
    decided: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM authorisation_decision WHERE application = $1 AND decided_by = $2) "
        "OR EXISTS (SELECT 1 FROM refusal_review WHERE application = $1 AND decided_by = $2)",
        case_id,
        user_id,
    )
    return decided


async def access_reason(conn: asyncpg.Connection[Any], session_id: int, case_id: int) -> tuple[str, str] | None:
    """The reason given in this session for opening the case, as (reason, detail)."""
    row = await conn.fetchrow(
        "SELECT reason, detail FROM case_access_reason WHERE session = $1 AND application = $2", session_id, case_id
    )
    return None if row is None else (row["reason"], row["detail"])


async def possible_duplicates(conn: asyncpg.Connection[Any], case: CaseFile) -> list[tuple[str, str]]:
    """Other applications of the force naming the same subject or applicant (name, and birth date if known)."""
    people = [p for p in case.people if p.role in (PersonRole.subject, PersonRole.applicant)]
    if not people:
        return []
    # A function finds each person's matches, so that the name index is used under row-level
    # security (see its migration); all of the case's people in one statement, in their order.
    rows = await conn.fetch(
        "SELECT p.n, r.reference "
        "FROM unnest($1::text[], $2::text[], $3::date[]) WITH ORDINALITY AS p(name, role, born, n) "
        "CROSS JOIN LATERAL case_same_person(p.name, p.role, p.born, $4) WITH ORDINALITY AS r(reference, k) "
        "ORDER BY p.n, r.k",
        [p.full_name for p in people],
        [p.role.value for p in people],
        [p.date_of_birth for p in people],
        case.id,
    )
    return [
        (row["reference"], f"same {people[row['n'] - 1].role.label.lower()}: {people[row['n'] - 1].full_name}")
        for row in rows
    ]


# ---------------------------------------------------------------------------------------------
# Queues and search


QUEUES = {
    "mine": "My cases",
    "unassigned": "Unassigned",
    "due_soon": "Due soon",
    "overdue": "Overdue",
    "authorisation": "Awaiting my authorisation",
    "review": "Refused undertakings to review",
}
SUPERVISOR_QUEUES = frozenset({"authorisation", "review"})


class QueueRow(msgspec.Struct, frozen=True):
    """A case as a queue or a search lists it: no more than the list shows."""

    id: int
    reference: str
    scheme: str
    stage: str
    route: str
    risk_level: str
    received_at: datetime
    next_due_at: datetime | None
    version: int
    assigned_name: str | None
    # The clock `next_due_at` is the deadline of (None for a case with no clocks of its own).
    next_clock: str | None = None


def _queue_rows(rows: list[Record]) -> list[QueueRow]:
    return [QueueRow(**dict(row)) for row in rows]


_QUEUE_COLUMNS = (
    "a.id, a.reference, a.scheme, a.stage, a.route, a.risk_level, a.received_at, a.next_due_at, a.version, "
    "assignee.display_name AS assigned_name, "
    # The stage's own clock before the whole case's, should two fall due at the same moment.
    "(SELECT c.clock FROM case_clock c WHERE c.application = a.id AND c.started_at IS NOT NULL "
    "AND c.due_at = a.next_due_at ORDER BY c.clock LIKE 'whole_case%', c.id LIMIT 1) AS next_clock"
)
# Most urgent first: risk, then the least time left.
_QUEUE_ORDER = (
    "ORDER BY CASE a.risk_level WHEN 'immediate' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 "
    "WHEN 'standard' THEN 3 ELSE 4 END, a.next_due_at NULLS LAST, a.id"
)


PAGE_SIZE = 50


async def queue(
    conn: asyncpg.Connection[Any],
    name: str,
    *,
    user_id: int,
    now: datetime,
    page: int = 1,
    stages: list[str] | None = None,
) -> list[QueueRow]:
    """One page of the queue, most urgent first; with `stages`, only cases at those (one clock's)."""
    conditions: dict[str, tuple[str, list[Any]]] = {
        "mine": ("a.assigned_to = $1", [user_id]),
        "unassigned": ("a.assigned_to IS NULL AND $1::int IS NOT NULL", [user_id]),
        "due_soon": ("a.next_due_at >= $1 AND a.next_due_at < $2", [now, due_soon_until(now)]),
        "overdue": ("a.next_due_at < $1", [now]),
        "review": ("a.stage = 'undertaking_review' AND $1::int IS NOT NULL", [user_id]),
        "authorisation": (
            "a.stage = 'authorisation' AND NOT EXISTS (SELECT 1 FROM recommendation r WHERE "
            "r.application = a.id AND r.recommended_by = $1 AND r.id = (SELECT max(id) FROM recommendation "
            "WHERE application = a.id))",
            [user_id],
        ),
    }
    where, args = conditions[name]
    if stages:
        where, args = f"{where} AND a.stage = ANY(${len(args) + 1}::varchar[])", [*args, stages]
    rows = await conn.fetch(
        f"SELECT {_QUEUE_COLUMNS} FROM application a LEFT JOIN app_user assignee ON assignee.id = a.assigned_to "  # noqa: S608
        f"WHERE a.stage <> 'closed' AND {where} {_QUEUE_ORDER} LIMIT {PAGE_SIZE} OFFSET {PAGE_SIZE * (page - 1)}",
        *args,
    )
    return _queue_rows(rows)


async def queue_counts(conn: asyncpg.Connection[Any], *, user_id: int, now: datetime) -> dict[str, int]:
    row = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE assigned_to = $1) AS mine, "
        "count(*) FILTER (WHERE assigned_to IS NULL) AS unassigned, "
        "count(*) FILTER (WHERE next_due_at >= $2 AND next_due_at < $3) AS due_soon, "
        "count(*) FILTER (WHERE next_due_at < $2) AS overdue, "
        "count(*) FILTER (WHERE stage = 'authorisation') AS authorisation, "
        "count(*) FILTER (WHERE stage = 'undertaking_review') AS review "
        "FROM application WHERE stage <> 'closed'",
        user_id,
        now,
        due_soon_until(now),
    )
    return dict(row) if row else {}


async def search(conn: asyncpg.Connection[Any], text: str) -> list[QueueRow]:
    """By reference, or by the name of anyone on the case (any part of either): the most recently
    recorded PAGE_SIZE matches."""
    pattern = f"%{_escape_like(text.strip().lower())}%"
    # A function finds the ids, so that the trigram indexes are used under row-level security.
    rows = await conn.fetch(
        f"SELECT {_QUEUE_COLUMNS} FROM application a LEFT JOIN app_user assignee ON assignee.id = a.assigned_to "  # noqa: S608
        "WHERE a.id IN (SELECT case_search($1, $2)) ORDER BY a.received_at DESC, a.id DESC",
        pattern,
        PAGE_SIZE,
    )
    return _queue_rows(rows)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# A case disposed of at its retention review: what is left of it (dataprotection.disposal).
class Tombstone(msgspec.Struct, frozen=True):
    application_id: int
    reference: str
    scheme: str
    route: str
    channel: str
    outcome: str | None
    received_at: datetime
    closed_at: datetime | None
    disposed_at: datetime
    reason: str
    decided_by: int
    decided_by_name: str


async def tombstone(conn: asyncpg.Connection[Any], case_id: int) -> Tombstone | None:
    row = await conn.fetchrow(
        "SELECT d.application_id, d.reference, d.scheme, d.route, d.channel, d.outcome, d.received_at, d.closed_at, "
        "d.disposed_at, d.reason, d.decided_by, u.display_name AS decided_by_name "
        "FROM case_disposal d JOIN app_user u ON u.id = d.decided_by WHERE d.application_id = $1",
        case_id,
    )
    return None if row is None else Tombstone(**dict(row))

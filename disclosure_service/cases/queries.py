"""Reading cases: one case's whole file, work queues, search. Runs inside the caller's transaction,
already scoped to their force (row-level security hides every other force's rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from disclosure_service.cases.vocabulary import CheckResult, PersonRole, Recommendation, Stage
from disclosure_service.cases.workflow import CaseFacts, UndertakingStatus

Record = asyncpg.Record

DUE_SOON = timedelta(days=2)

_APPLICATION_COLUMNS = (
    "a.id, a.reference, a.version, a.scheme, a.route, a.channel, a.received_at, a.stage, a.outcome, "
    "a.risk_level, a.concern, a.assigned_to, a.supervisor, a.created_by, a.triage_due_at, a.meeting_due_at, "
    "a.due_at, a.next_due_at, a.closed_at, a.created_at, a.updated_at, "
    "assignee.display_name AS assigned_name, supervisor.display_name AS supervisor_name"
)
_FROM_APPLICATION = (
    "FROM application a LEFT JOIN app_user assignee ON assignee.id = a.assigned_to "
    "LEFT JOIN app_user supervisor ON supervisor.id = a.supervisor"
)


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything recorded on one case, as read in one transaction."""

    application: Record
    people: list[Record]
    triage: Record | None
    escalations: list[Record]
    meetings: list[Record]
    checks: list[Record]
    recommendation: Record | None
    decisions: list[Record]
    extensions: list[Record]
    closure: Record | None = None
    disclosure_meetings: tuple[Record, ...] = ()
    undertaking_outcomes: tuple[Record, ...] = ()
    refusal_reviews: tuple[Record, ...] = ()
    disclosures: tuple[Record, ...] = ()
    notifications: tuple[Record, ...] = ()
    documents: tuple[Record, ...] = ()
    post_closure_events: tuple[Record, ...] = ()

    @property
    def id(self) -> int:
        return int(self.application["id"])

    @property
    def reference(self) -> str:
        return str(self.application["reference"])

    @property
    def stage(self) -> Stage:
        return Stage(self.application["stage"])

    def people_in(self, role: PersonRole) -> list[Record]:
        return [p for p in self.people if p["role"] == role.value]

    @property
    def latest_meeting(self) -> Record | None:
        """The meeting that stands: arranged or held (not cancelled, not replaced by a rearrangement)."""
        current = [m for m in self.disclosure_meetings if m["status"] in ("arranged", "held")]
        return current[-1] if current else None

    def undertaking_status(self) -> UndertakingStatus:
        """Where the undertaking stands: the latest signature, refusal or review of a refusal decides."""
        events = [(o["recorded_at"], o["id"], o["outcome"]) for o in self.undertaking_outcomes]
        events += [(r["decided_at"], r["id"], f"review:{r['decision']}") for r in self.refusal_reviews]
        if not events:
            return UndertakingStatus.none
        latest = max(events)[2]
        return {
            "signed": UndertakingStatus.signed,
            "refused": UndertakingStatus.refused,
            "review:proceed": UndertakingStatus.review_proceed,
        }.get(latest, UndertakingStatus.none)

    def meeting_held_this_round(self) -> bool:
        """A disclosure meeting was held since the last review sent the case round again."""
        meeting = self.latest_meeting
        if meeting is None or meeting["status"] != "held":
            return False
        review = self.refusal_reviews[-1] if self.refusal_reviews else None
        return review is None or review["decision"] == "proceed" or meeting["scheduled_at"] > review["decided_at"]

    def undertaking_generated(self) -> bool:
        """An undertaking was generated for the meeting that stands (it names that meeting)."""
        meeting = self.latest_meeting
        return meeting is not None and any(
            d["kind"] == "undertaking" and d["meeting"] == meeting["id"] for d in self.documents
        )

    def recipient_id(self) -> int | None:
        """Who the disclosure is for: a review may have chosen someone else since the recommendation."""
        for review in reversed(self.refusal_reviews):
            if review["decision"] == "other_recipient" and review["new_recipient"] is not None:
                return int(review["new_recipient"])
        recommendation = self.recommendation
        return int(recommendation["recipient"]) if recommendation and recommendation["recipient"] else None

    def decided_at(self) -> datetime | None:
        """When the decision now being carried out was taken: the authorisation, or a later review."""
        moments = [d["decided_at"] for d in self.decisions if d["outcome"] != "returned"]
        moments += [r["decided_at"] for r in self.refusal_reviews]
        return max(moments, default=None)

    def facts(self) -> CaseFacts:
        meeting = self.latest_meeting
        applicants = {p["id"] for p in self.people_in(PersonRole.applicant)}
        results = [c["result"] for c in self.checks if c["result"] is not None]
        return CaseFacts(
            stage=self.stage,
            has_applicant=bool(applicants),
            has_subject=bool(self.people_in(PersonRole.subject)),
            has_child=bool(self.people_in(PersonRole.child)),
            checks_requested=len(self.checks),
            checks_open=len(self.checks) - len(results),
            recommendation=Recommendation(self.recommendation["decision"]) if self.recommendation else None,
            recommended_by=self.recommendation["recommended_by"] if self.recommendation else None,
            assigned_to=self.application["assigned_to"],
            meeting_pending=meeting is not None and meeting["status"] == "arranged",
            disclosure_meeting_recorded=self.meeting_held_this_round(),
            undertaking_generated=self.undertaking_generated(),
            undertaking=self.undertaking_status(),
            disclosure_made=bool(self.disclosures),
            recipient_is_applicant=all(d["recipient"] in applicants for d in self.disclosures),
            applicant_told=bool(self.notifications),
            found_child_sexual_convictions=CheckResult.child_sexual_offence_convictions.value in results,
            found_anything=any(result != CheckResult.no_trace.value for result in results),
        )


async def application_row(conn: asyncpg.Connection[Any], case_id: int) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {_APPLICATION_COLUMNS} {_FROM_APPLICATION} WHERE a.id = $1",  # fixed SQL
        case_id,
    )
    return row


async def case_file(conn: asyncpg.Connection[Any], case_id: int) -> CaseFile | None:
    application = await application_row(conn, case_id)
    if application is None:
        return None
    people = await conn.fetch("SELECT * FROM case_person WHERE application = $1 ORDER BY id", case_id)
    triage = await conn.fetchrow(
        "SELECT t.*, u.display_name AS by_name FROM triage t JOIN app_user u ON u.id = t.recorded_by "
        "WHERE t.application = $1",
        case_id,
    )
    escalations = await conn.fetch(
        "SELECT e.*, u.display_name AS by_name FROM escalation e JOIN app_user u ON u.id = e.recorded_by "
        "WHERE e.application = $1 ORDER BY e.id",
        case_id,
    )
    meetings = await conn.fetch(
        "SELECT m.*, u.display_name AS by_name FROM applicant_meeting m JOIN app_user u ON u.id = m.recorded_by "
        "WHERE m.application = $1 ORDER BY m.id",
        case_id,
    )
    checks = await conn.fetch(
        "SELECT c.*, u.display_name AS requested_by_name FROM case_check c "
        "JOIN app_user u ON u.id = c.requested_by WHERE c.application = $1 ORDER BY c.id",
        case_id,
    )
    recommendation = await conn.fetchrow(
        "SELECT r.*, u.display_name AS by_name, p.full_name AS recipient_name FROM recommendation r "
        "JOIN app_user u ON u.id = r.recommended_by LEFT JOIN case_person p ON p.id = r.recipient "
        "WHERE r.application = $1 ORDER BY r.id DESC LIMIT 1",
        case_id,
    )
    decisions = await conn.fetch(
        "SELECT d.*, u.display_name AS by_name FROM authorisation_decision d "
        "JOIN app_user u ON u.id = d.decided_by WHERE d.application = $1 ORDER BY d.id",
        case_id,
    )
    extensions = await conn.fetch(
        "SELECT x.*, u.display_name AS by_name FROM extension x JOIN app_user u ON u.id = x.granted_by "
        "WHERE x.application = $1 ORDER BY x.id",
        case_id,
    )
    closure = await conn.fetchrow(
        "SELECT c.*, u.display_name AS by_name FROM closure c JOIN app_user u ON u.id = c.closed_by "
        "WHERE c.application = $1",
        case_id,
    )
    related = {
        name: tuple(await conn.fetch(query, case_id))
        for name, query in (
            (
                "disclosure_meetings",
                "SELECT m.*, p.full_name AS recipient_name, c.display_name AS changed_by_name "
                "FROM disclosure_meeting m JOIN case_person p ON p.id = m.recipient "
                "LEFT JOIN app_user c ON c.id = m.changed_by WHERE m.application = $1 ORDER BY m.id",
            ),
            (
                "undertaking_outcomes",
                "SELECT id, meeting, outcome, happened_at, witness, reason, recipient_words, "
                "scan_filename, scan_sha256, recorded_at FROM undertaking_outcome WHERE application = $1 ORDER BY id",
            ),
            (
                "refusal_reviews",
                "SELECT r.*, u.display_name AS by_name FROM refusal_review r "
                "JOIN app_user u ON u.id = r.decided_by WHERE r.application = $1 ORDER BY r.id",
            ),
            (
                "disclosures",
                "SELECT d.*, p.full_name AS recipient_name, u.display_name AS by_name FROM disclosure d "
                "JOIN case_person p ON p.id = d.recipient JOIN app_user u ON u.id = d.recorded_by "
                "WHERE d.application = $1 ORDER BY d.id",
            ),
            (
                "notifications",
                "SELECT n.*, u.display_name AS by_name FROM applicant_notification n "
                "JOIN app_user u ON u.id = n.recorded_by WHERE n.application = $1 ORDER BY n.id",
            ),
            (
                "post_closure_events",
                "SELECT e.*, u.display_name AS by_name FROM post_closure_event e "
                "JOIN app_user u ON u.id = e.recorded_by WHERE e.application = $1 ORDER BY e.id",
            ),
            (
                "documents",
                "SELECT d.id, d.kind, d.language, d.filename, d.sha256, d.recipient_name, d.meeting, "
                "d.generated_at, t.version AS template_version, u.display_name AS by_name FROM generated_document d "
                "JOIN document_template t ON t.id = d.template JOIN app_user u ON u.id = d.generated_by "
                "WHERE d.application = $1 ORDER BY d.id",
            ),
        )
    }
    return CaseFile(
        application,
        list(people),
        triage,
        list(escalations),
        list(meetings),
        list(checks),
        recommendation,
        list(decisions),
        list(extensions),
        closure,
        **related,
    )


async def possible_duplicates(conn: asyncpg.Connection[Any], case: CaseFile) -> list[tuple[str, str]]:
    """Other applications of the force naming the same subject or applicant (name, and birth date if known)."""
    found: list[tuple[str, str]] = []
    for person in case.people:
        if person["role"] not in (PersonRole.subject.value, PersonRole.applicant.value):
            continue
        # A function, so that the name index is used under row-level security (see its migration).
        rows = await conn.fetch(
            "SELECT case_same_person AS reference FROM case_same_person($1, $2, $3, $4)",
            person["full_name"],
            person["role"],
            person["date_of_birth"],
            case.id,
        )
        role = PersonRole(person["role"]).label.lower()
        found.extend((row["reference"], f"same {role}: {person['full_name']}") for row in rows)
    return found


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

_QUEUE_COLUMNS = (
    "a.id, a.reference, a.stage, a.route, a.risk_level, a.received_at, a.next_due_at, a.version, "
    "assignee.display_name AS assigned_name"
)
# Most urgent first: risk, then the least time left.
_QUEUE_ORDER = (
    "ORDER BY CASE a.risk_level WHEN 'immediate' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 "
    "WHEN 'standard' THEN 3 ELSE 4 END, a.next_due_at NULLS LAST, a.id"
)


PAGE_SIZE = 50


async def queue(
    conn: asyncpg.Connection[Any], name: str, *, user_id: int, now: datetime, page: int = 1
) -> list[Record]:
    """One page of the queue, most urgent first."""
    conditions: dict[str, tuple[str, list[Any]]] = {
        "mine": ("a.assigned_to = $1", [user_id]),
        "unassigned": ("a.assigned_to IS NULL AND $1::int IS NOT NULL", [user_id]),
        "due_soon": ("a.next_due_at >= $1 AND a.next_due_at < $2", [now, now + DUE_SOON]),
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
    rows = await conn.fetch(
        f"SELECT {_QUEUE_COLUMNS} FROM application a LEFT JOIN app_user assignee ON assignee.id = a.assigned_to "  # noqa: S608
        f"WHERE a.stage <> 'closed' AND {where} {_QUEUE_ORDER} LIMIT {PAGE_SIZE} OFFSET {PAGE_SIZE * (page - 1)}",
        *args,
    )
    return list(rows)


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
        now + DUE_SOON,
    )
    return dict(row) if row else {}


async def search(conn: asyncpg.Connection[Any], text: str) -> list[Record]:
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
    return list(rows)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

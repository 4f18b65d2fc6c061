"""Disposing of a case: every row that holds its people's data goes, a tombstone stays.

The tombstone (`case_disposal`) keeps the reference, scheme, dates, outcome and the facts the
statistics count (so a year's figures do not change when its cases are disposed of), and who
decided and why. Files kept with a case (attachments, signed undertakings, generated documents)
are stored in those rows, so deleting the rows deletes the files. The audit trail is not touched:
it names people only by record reference (decision 25).
"""

from __future__ import annotations

from typing import Any

import asyncpg

# Every table that refers to a case, in an order that deletes referring rows before what they refer
# to (several refer to each other with ON DELETE RESTRICT). `tests/integration/test_retention.py`
# reads the catalogue and fails on any table referring to a case that is not here or in CASCADED.
DISPOSAL_ORDER: tuple[tuple[str, str], ...] = (
    ("applicant_notification", "application"),
    ("decision_forum", "application"),
    ("mappa_status", "application"),
    ("partner_consultation", "application"),
    ("risk_reassessment", "application"),
    ("safeguarding_plan", "application"),
    ("safety_plan", "application"),
    ("quality_review", "application"),
    ("disclosure", "application"),
    ("refusal_review", "application"),
    ("undertaking_outcome", "application"),
    ("generated_document", "application"),
    ("disclosure_meeting", "application"),
    ("authorisation_decision", "application"),
    ("recommendation", "application"),
    ("contact_record", "application"),
    ("person_correction", "application"),
    ("case_person", "application"),
    ("triage", "application"),
    ("escalation", "application"),
    ("applicant_meeting", "application"),
    ("case_check", "application"),
    ("risk_assessment", "application"),
    ("extension", "application"),
    ("closure", "application"),
    ("post_closure_event", "application"),
    ("case_note", "application"),
    ("attachment", "application"),
    ("case_clock", "application"),
    ("case_access_reason", "application"),
    ("submission", "application"),
    ("retention_review", "application"),
)
# Rows two forces share (a transfer, a check asked of another force): the service's role may not
# delete them directly (decision 21), so they go with the case through ON DELETE CASCADE.
CASCADED: tuple[tuple[str, str], ...] = (
    ("case_transfer", "application"),
    ("case_transfer", "to_application"),
    ("force_check_request", "application"),
)

# The facts the statistics count (reports/figures.py's cohort), read once from the live case.
_TOMBSTONE = """
INSERT INTO case_disposal (
    "force", application_id, reference, scheme, route, channel, outcome, risk_level, received_at, closed_at,
    triage_due_at, meeting_due_at, due_at, triaged_at, met_at, assigned_to, related_to_rso, disclosed, extended,
    reason, decided_by, disposed_at)
SELECT a."force", a.id, a.reference, a.scheme, a.route, a.channel, a.outcome, a.risk_level, a.received_at,
       a.closed_at, a.triage_due_at, a.meeting_due_at, a.due_at,
       COALESCE((SELECT recorded_at FROM triage WHERE application = a.id),
                (SELECT min(recorded_at) FROM escalation WHERE application = a.id)),
       (SELECT min(recorded_at) FROM applicant_meeting WHERE application = a.id),
       a.assigned_to,
       EXISTS (SELECT 1 FROM case_check WHERE application = a.id AND source = 'visor' AND result <> 'no_trace'),
       EXISTS (SELECT 1 FROM disclosure WHERE application = a.id),
       EXISTS (SELECT 1 FROM extension WHERE application = a.id),
       $2, $3, $4
FROM application a WHERE a.id = $1
"""


async def dispose(conn: asyncpg.Connection[Any], case_id: int, *, decided_by: int, reason: str, now: Any) -> None:
    """Replace the case with its tombstone, in the caller's transaction (with its audit row)."""
    await conn.execute(_TOMBSTONE, case_id, reason, decided_by, now)
    # disclosure_meeting refers to itself (a rearranged meeting names the one it replaced).
    await conn.execute("UPDATE disclosure_meeting SET replaces = NULL WHERE application = $1", case_id)
    for table, column in DISPOSAL_ORDER:
        await conn.execute(f"DELETE FROM {table} WHERE {column} = $1", case_id)  # noqa: S608  # fixed names
    await conn.execute("DELETE FROM application WHERE id = $1", case_id)

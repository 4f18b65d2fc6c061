"""A force with years of casework, loaded in bulk for the benchmarks.

The service's own actions are far too slow for 100,000 cases, so this writes the rows directly,
as the owner, in a handful of set-based statements. The shapes follow what the service writes:
three people per case, the records of each stage reached, a closure for closed cases, and about
six audit rows per case (the case history the case page reads). Random choices are seeded, so
every run loads the same data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import asyncpg
from argon2 import PasswordHasher

from disclosure_service.auth import totp
from disclosure_service.auth.service import Keys

OFFICERS = 40
SUPERVISORS = 8
TEAMS = ("PPU North", "PPU South", "PPU East", "PPU West")
PASSWORD = "benchmark password, long enough"  # noqa: S105  # the benchmark users' own
FIRST_NAMES = (  # noqa: SIM905  # a list of names reads better as words
    "Aled Alex Amira Anna Ben Bethan Callum Carys Chloe Connor Craig Dafydd Daniel Dylan Ella Emma Ffion Finn "
    "Gareth Grace Hannah Harry Holly Iwan Jack Jade Jamie Jessica Joe Kai Katie Leah Liam Lowri Lucy Luke Maisie "
    "Megan Mia Mohammed Nathan Niamh Oliver Owen Poppy Rhys Ruby Ryan Sam Sara Sian Sophie Tom Tyler Zara"
).split()
SURNAMES = (  # noqa: SIM905  # a list of names reads better as words
    "Ahmed Ali Allen Bailey Baker Bell Bennett Brown Clarke Collins Cook Cooper Davies Edwards Evans Fletcher "
    "Green Griffiths Hall Harris Harrison Hill Hughes Hussain Jackson James Jenkins Johnson Jones Kelly Khan King "
    "Lewis Lloyd Marshall Martin Mason Mitchell Moore Morgan Morris Murphy Owen Palmer Parker Patel Phillips Powell "
    "Price Pritchard Rees Richards Roberts Robinson Rowlands Shaw Simpson Smith Taylor Thomas Thompson Treharne "
    "Turner Walker Ward Watkins Watson White Whitfield Williams Wilson Wood Wright Young"
).split()


@dataclass(frozen=True, slots=True)
class Staff:
    id: int
    username: str
    role: str
    secret: str


@dataclass(frozen=True, slots=True)
class Seeded:
    force_id: int
    officers: list[Staff]
    supervisors: list[Staff]
    applications: int
    seconds: float


# Open cases are recent; old ones are nearly all closed. Outcome shares are roughly what forces
# report: most applications find nothing to disclose.
_APPLICATIONS = """
INSERT INTO application (id, "force", reference, scheme, route, channel, received_at, stage, outcome, risk_level,
    concern, assigned_to, supervisor, created_by, triage_due_at, meeting_due_at, due_at, next_due_at, closed_at,
    version, created_at, updated_at)
SELECT g, $1, 'BN-' || extract(year FROM received_at)::int || '-' || lpad(g::text, 6, '0'), 'csods',
    CASE WHEN r1 < 0.93 THEN 'right_to_ask' ELSE 'right_to_know' END,
    ('{phone_101,phone_101,online,online,station,referral,police_initiated}'::text[])[1 + (g % 7)],
    received_at, stage,
    CASE WHEN stage = 'closed' THEN
        CASE WHEN r2 < 0.45 THEN 'no_trace' WHEN r2 < 0.60 THEN 'held_not_disclosed'
             WHEN r2 < 0.72 THEN 'disclosed_child_sex_convictions' WHEN r2 < 0.77 THEN 'disclosed_other_information'
             WHEN r2 < 0.85 THEN 'other_safeguarding_action' WHEN r2 < 0.92 THEN 'withdrawn'
             WHEN r2 < 0.96 THEN 'out_of_scope' WHEN r2 < 0.98 THEN 'identity_not_verified'
             WHEN r2 < 0.99 THEN 'escalated_child_protection' ELSE 'transferred' END END,
    ('{standard,standard,medium,medium,high}'::text[])[1 + (g % 5)],
    'Concern recorded for benchmark case ' || g, ($2::int[])[1 + g % array_length($2::int[], 1)],
    ($3::int[])[1 + g % array_length($3::int[], 1)], ($2::int[])[1 + g % array_length($2::int[], 1)],
    received_at + interval '24 hours', received_at + interval '10 days', received_at + interval '45 days',
    CASE stage WHEN 'closed' THEN NULL WHEN 'received' THEN received_at + interval '24 hours'
        WHEN 'initial_triage' THEN received_at + interval '24 hours'
        WHEN 'applicant_meeting' THEN received_at + interval '10 days' ELSE received_at + interval '45 days' END,
    CASE WHEN stage = 'closed' THEN least(received_at + (5 + r3 * 55) * interval '1 day', $4) END,
    6, received_at, received_at
FROM (
    SELECT g, received_at, r1, r2, r3,
        CASE WHEN ($4::timestamptz - received_at > interval '70 days' AND r4 < 0.985)
                  OR ($4::timestamptz - received_at > interval '20 days' AND r4 < 0.5) THEN 'closed'
             ELSE ('{received,initial_triage,applicant_meeting,applicant_meeting,risk_assessment,risk_assessment,'
                   'risk_assessment,recommendation,authorisation,authorisation,disclosure,undertaking_review,'
                   'non_disclosure}'::text[])[1 + floor(r4 * 1000)::int % 13] END
            AS stage
    FROM (SELECT g, $4::timestamptz - random() * interval '1095 days' AS received_at, random() AS r1, random() AS r2,
                 random() AS r3, random() AS r4 FROM generate_series(1, $5) g) s
) t
"""
_PEOPLE = """
INSERT INTO case_person ("force", application, role, full_name, other_names, place_of_birth, address,
    previous_addresses, gender, ethnicity, preferred_language, safe_contact, contact_issues, letters_ok,
    relationship_to_child, contact_with_child, occupation, voluntary_activities, created_at, updated_at,
    date_of_birth)
SELECT a."force", a.id, p.role,
    ($1::text[])[1 + (a.id * p.k * 7) % array_length($1::text[], 1)] || ' '
        || ($2::text[])[1 + (a.id * 13 + p.k) % array_length($2::text[], 1)],
    '', '', a.id || ' Example Street', '', '', '', 'English', '', '', p.k = 1, '', '', '', '', a.received_at,
    a.received_at, date '1960-01-01' + ((a.id * p.k) % 20000)
FROM application a CROSS JOIN (VALUES (1, 'applicant'), (2, 'subject'), (3, 'child')) AS p(k, role)
WHERE a."force" = $3
"""
# The records of each stage reached, at plausible times after receipt.
_STAGE_RECORDS = [
    """INSERT INTO triage ("force", application, immediate_risk, in_scope, risk_level, notes, recorded_by, recorded_at)
    SELECT "force", id, false, true, risk_level, '', assigned_to,
        received_at + (0.1 + (id % 20) / 10.0) * interval '1 day'
    FROM application WHERE "force" = $1 AND stage NOT IN ('received', 'initial_triage')""",
    """INSERT INTO applicant_meeting ("force", application, held_on, method, identity_verified, documents_seen,
        relationship_verified, notes, recorded_by, recorded_at)
    SELECT "force", id, (received_at + (2 + id % 12) * interval '1 day')::date, 'in_person', true, 'Passport', true, '',
        assigned_to, received_at + (2 + id % 12) * interval '1 day'
    FROM application WHERE "force" = $1 AND stage NOT IN ('received', 'initial_triage', 'applicant_meeting')
        AND COALESCE(outcome, '') NOT IN ('withdrawn', 'identity_not_verified', 'escalated_child_protection')""",
    """INSERT INTO case_check ("force", application, source, requested_on, requested_by, returned_on, result, summary)
    SELECT a."force", a.id, s.source, (a.received_at + interval '6 days')::date, a.assigned_to,
        (a.received_at + interval '9 days')::date,
        CASE WHEN a.outcome LIKE 'disclosed%' OR (a.outcome = 'held_not_disclosed' AND s.source = 'pnc')
             THEN 'child_sexual_offence_convictions' ELSE 'no_trace' END, ''
    FROM application a CROSS JOIN (VALUES ('pnc'), ('visor'), ('local_records')) AS s(source)
    WHERE a."force" = $1 AND a.stage NOT IN ('received', 'initial_triage', 'applicant_meeting')
        AND COALESCE(a.outcome, '') NOT IN ('withdrawn', 'identity_not_verified', 'escalated_child_protection',
                                            'out_of_scope')""",
    """INSERT INTO extension ("force", application, days, reason, previous_due_at, new_due_at, granted_by, granted_at)
    SELECT "force", id, 14, 'Checks outstanding', due_at, due_at + interval '14 days', supervisor,
        received_at + interval '40 days'
    FROM application WHERE "force" = $1 AND id % 29 = 0
        AND (stage <> 'closed' OR closed_at > received_at + interval '40 days')""",
    """UPDATE application SET due_at = due_at + interval '14 days',
        next_due_at = CASE WHEN next_due_at = due_at THEN next_due_at + interval '14 days' ELSE next_due_at END
    WHERE "force" = $1 AND id IN (SELECT application FROM extension)""",
    """INSERT INTO disclosure_meeting ("force", application, recipient, scheduled_for, location, officers,
        identity_recheck, language, held_at, purpose_explained, confidentiality_explained, legal_warning_given,
        safety_advice_given, support_given, status, identity_confirmed, change_reason, notes, scheduled_by,
        scheduled_at, recorded_by)
    SELECT a."force", a.id, p.id, a.closed_at - interval '3 days', 'Police station', 'Two officers', 'Passport', 'en',
        a.closed_at - interval '3 days', true, true, true, true, true, 'held', true, '', '', a.assigned_to,
        a.closed_at - interval '6 days', a.assigned_to
    FROM application a JOIN case_person p ON p.application = a.id AND p.role = 'applicant'
    WHERE a."force" = $1 AND a.outcome LIKE 'disclosed%'""",
    """INSERT INTO disclosure ("force", application, meeting, recipient, made_at, what_was_disclosed, subject_told,
        notes, recorded_by, recorded_at)
    SELECT "force", application, id, recipient, held_at, 'Conviction details', true, '', recorded_by, held_at
    FROM disclosure_meeting
    WHERE "force" = $1""",
    """INSERT INTO closure ("force", application, outcome, notes, onward_referrals, retention_review_on, closed_by,
        closed_at)
    SELECT "force", id, outcome, '', '', (closed_at + interval '6 years')::date, assigned_to, closed_at
    FROM application WHERE "force" = $1 AND stage = 'closed'""",
]
# The case history: recorded, assigned, a few looks, and the actions of the stages reached. These
# rows sit outside the hash chains (chain -1): the chains are not what these benchmarks measure.
_AUDIT = """
INSERT INTO audit_event (occurred_at, "force", "user", username, operation, event, application_id, reference,
    record_type, record_id, justification, recipients, details, ip, user_agent, request_id, chain, seq, prev_hash, hash)
SELECT a.received_at + e.k * interval '2 days', a."force", a.assigned_to, 'bench', e.operation, e.event, a.id,
    a.reference, 'application', a.id, e.justification, '', '{}', '127.0.0.1', 'seed', '', -1,
    row_number() OVER (), '', ''
FROM application a CROSS JOIN (VALUES
    (0, 'collection', 'case.created', ''), (0, 'consultation', 'case.viewed', 'assigned officer'),
    (1, 'alteration', 'case.complete_triage', ''), (2, 'consultation', 'case.viewed', 'assigned officer'),
    (3, 'alteration', 'case.record_applicant_meeting', ''), (4, 'consultation', 'case.viewed', 'assigned officer')
) AS e(k, operation, event, justification)
WHERE a."force" = $1
"""


async def load(conn: asyncpg.Connection, keys: Keys, *, applications: int, now: datetime) -> Seeded:
    started = time.perf_counter()
    await conn.execute("SELECT setseed(0.42)")
    force_id: int = await conn.fetchval(
        "INSERT INTO force (code, name, created_at) VALUES ('BENCH', 'Benchmark Constabulary', now()) RETURNING id"
    )
    officers = [
        await _staff(conn, keys, force_id, f"officer.{n}", "officer", team=TEAMS[n % 4]) for n in range(OFFICERS)
    ]
    supervisors = [
        await _staff(conn, keys, force_id, f"supervisor.{n}", "supervisor", team=TEAMS[n % 4])
        for n in range(SUPERVISORS)
    ]
    await conn.execute(
        _APPLICATIONS, force_id, [o.id for o in officers], [s.id for s in supervisors], now, applications
    )
    await conn.execute("SELECT setval(pg_get_serial_sequence('application', 'id'), $1)", applications)
    await conn.execute(_PEOPLE, FIRST_NAMES, SURNAMES, force_id)
    for statement in _STAGE_RECORDS:
        await conn.execute(statement, force_id)
    await conn.execute(_AUDIT, force_id)
    # As autovacuum leaves a table soon after a load: statistics, and the visibility map that lets
    # counts be read from an index alone.
    await conn.execute("VACUUM ANALYZE")
    return Seeded(force_id, officers, supervisors, applications, time.perf_counter() - started)


async def _staff(conn: asyncpg.Connection, keys: Keys, force_id: int, username: str, role: str, *, team: str) -> Staff:
    secret = totp.new_secret()
    user_id: int = await conn.fetchval(
        'INSERT INTO app_user ("force", username, display_name, team, role, status, password_hash, failed_attempts, '
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'active', $6, 0, now(), now()) RETURNING id",
        force_id,
        username,
        username.replace(".", " ").title(),
        team,
        role,
        _password_hash(),
    )
    await conn.execute(
        "UPDATE app_user SET totp_secret_encrypted = $2 WHERE id = $1", user_id, keys.box.encrypt(secret, user_id)
    )
    return Staff(user_id, username, role, secret)


@cache
def _password_hash() -> str:
    """Light argon2 parameters: signing the benchmark's users in is not what it measures."""
    return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)


async def sizes(conn: asyncpg.Connection) -> str:
    tables = ("application", "case_person", "case_check", "closure", "audit_event")
    counts = [await conn.fetchval(f"SELECT count(*) FROM {table}") for table in tables]  # noqa: S608  # fixed names
    return ", ".join(f"{table} {count:,}" for table, count in zip(tables, counts, strict=True))

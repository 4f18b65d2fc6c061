"""Database tables for applications and the people on them.

Every case table carries `force` so that row-level security can key on it without joins.
"""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Unique
from piccolo.table import Table

from disclosure_service.accounts.tables import Force, User
from disclosure_service.cases.vocabulary import (
    Channel,
    Outcome,
    PersonRole,
    RiskLevel,
    Route,
    Scheme,
    Stage,
)


class Application(Table, tablename="application"):
    """One application (or police-initiated Right to Know case) under a disclosure scheme."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    # Force-unique reference, e.g. "DS-2026-00042".
    reference = Varchar(length=32)
    scheme = Varchar(length=16, choices=Scheme, default=Scheme.csods.value)
    route = Varchar(length=16, choices=Route)
    channel = Varchar(length=20, choices=Channel)
    received_at = Timestamptz()
    stage = Varchar(length=24, choices=Stage, default=Stage.received.value, index=True)
    outcome = Varchar(length=40, choices=Outcome, null=True, default=None)
    risk_level = Varchar(length=16, choices=RiskLevel, default=RiskLevel.not_assessed.value)
    # The worry in the applicant's words, as first recorded.
    concern = Text()
    assigned_to = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    created_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    # Deadlines are stored (not derived on read) so that queues can sort and index on them.
    triage_due_at = Timestamptz(null=True, default=None)
    meeting_due_at = Timestamptz(null=True, default=None)
    due_at = Timestamptz(null=True, default=None, index=True)
    closed_at = Timestamptz(null=True, default=None)
    retention_review_on = Date(null=True, default=None)
    # Optimistic concurrency: every change names the version it was made against.
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()

    unique_reference = Unique(["force", "reference"])


class CasePerson(Table, tablename="case_person"):
    """A person on an application, with the details App B of the 2010 guidance asks for."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    # Erasing an application at its retention review erases its people with it.
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    role = Varchar(length=16, choices=PersonRole)
    full_name = Varchar(length=200, index=True, index_method=IndexMethod.btree)
    other_names = Varchar(length=200)
    date_of_birth = Date(null=True, default=None)
    place_of_birth = Varchar(length=120)
    address = Text()
    previous_addresses = Text()
    gender = Varchar(length=40)
    ethnicity = Varchar(length=80)
    preferred_language = Varchar(length=40)
    # How and when the applicant can be contacted safely, and anything to avoid.
    safe_contact = Text()
    contact_issues = Text()
    relationship_to_child = Varchar(length=120)
    contact_with_child = Text()
    occupation = Varchar(length=120)
    voluntary_activities = Text()
    created_at = Timestamptz()
    updated_at = Timestamptz()

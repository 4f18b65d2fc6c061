"""Database tables for applications and the people on them.

Every case table carries `force` so that row-level security can key on it without joins.
"""

from __future__ import annotations

from piccolo.columns import JSONB, Array, Boolean, Bytea, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Unique
from piccolo.table import Table

from disclosure_service.auth.tables import AuthSession
from disclosure_service.cases.vocabulary import (
    AccessReason,
    Agency,
    AuthorisationOutcome,
    Channel,
    CheckResult,
    CheckSource,
    ClockName,
    ContactMethod,
    MappaCategory,
    MappaLevel,
    MeetingMethod,
    Outcome,
    PersonRole,
    PostClosureKind,
    Recommendation,
    RiskLevel,
    Route,
    Scheme,
    Stage,
)
from disclosure_service.identity.tables import Force, User


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
    # The supervisor overseeing the case: their reads are justified by that relationship.
    supervisor = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    created_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    # Deadlines are stored (not derived on read) so that queues can sort and index on them.
    triage_due_at = Timestamptz(null=True, default=None)
    meeting_due_at = Timestamptz(null=True, default=None)
    due_at = Timestamptz(null=True, default=None)
    # The deadline of the stage the case is at (triage, meeting or the whole case): queues sort on it.
    next_due_at = Timestamptz(null=True, default=None, index=True)
    closed_at = Timestamptz(null=True, default=None)
    # When to review keeping the case, once closed: set at closing, moved by each retention review.
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
    contact_methods = Array(base_column=Varchar(length=16), default=[])
    safe_contact = Text()
    contact_issues = Text()
    # Whether the applicant agreed to be written to: a non-disclosure letter is sent only if so.
    letters_ok = Boolean(default=False)
    relationship_to_child = Varchar(length=120)
    contact_with_child = Text()
    relationship_to_applicant = Varchar(length=120)
    knows_of_application = Varchar(length=16, null=True, default=None)
    occupation = Varchar(length=120)
    voluntary_activities = Text()
    created_at = Timestamptz()
    updated_at = Timestamptz()


# Indexes Piccolo cannot declare (partial, multi-column, trigram); the migration that creates them
# and the schema test both use this list.
EXTRA_INDEXES: tuple[str, ...] = (
    "CREATE INDEX application_open_due ON application (\"force\", next_due_at) WHERE stage <> 'closed'",
    'CREATE INDEX application_force_received ON application ("force", received_at)',
    "CREATE INDEX application_assigned_open ON application (assigned_to, next_due_at) WHERE stage <> 'closed'",
    # Every column the queue counts read, so they are counted from the index alone.
    'CREATE INDEX application_open_counts ON application ("force", assigned_to, next_due_at, stage) '
    "WHERE stage <> 'closed'",
    "CREATE INDEX case_person_name_trgm ON case_person USING gin (lower(full_name) gin_trgm_ops)",
    "CREATE INDEX case_person_name_lower ON case_person (lower(full_name), role)",
    "CREATE INDEX application_reference_trgm ON application USING gin (lower(reference) gin_trgm_ops)",
    # The retention review queue: a force's closed cases by the date they fall due.
    "CREATE INDEX application_retention_due ON application (\"force\", retention_review_on) WHERE stage = 'closed'",
)


class ReferenceCounter(Table, tablename="reference_counter"):
    """The last reference number issued per force and year."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    year = Integer()
    last = Integer(default=0)

    unique_force_year = Unique(["force", "year"])


class Submission(Table, tablename="submission"):
    """A form or API call already carried out: a resubmitted form does nothing twice."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    key = Varchar(length=64)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=True, default=None)
    action = Varchar(length=40)
    created_at = Timestamptz()

    unique_user_key = Unique(["user", "key"])


class CaseAccessReason(Table, tablename="case_access_reason"):
    """Why someone not on a case opened it; it justifies their reads for the rest of the session."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    session = ForeignKey(AuthSession, on_delete=OnDelete.cascade, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False)
    reason = Varchar(length=32, choices=AccessReason)
    detail = Text()
    given_at = Timestamptz()

    unique_session_application = Unique(["session", "application"])


class Triage(Table, tablename="triage"):
    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, unique=True)
    immediate_risk = Boolean()
    in_scope = Boolean()
    risk_level = Varchar(length=16, choices=RiskLevel)
    notes = Text()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class Escalation(Table, tablename="escalation"):
    """An immediate risk handed to child-protection procedures: visible on the case for ever."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    agency = Varchar(length=120)
    referral_reference = Varchar(length=64)
    notes = Text()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class ApplicantMeeting(Table, tablename="applicant_meeting"):
    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    held_on = Date()
    method = Varchar(length=16, choices=MeetingMethod)
    identity_verified = Boolean()
    documents_seen = Text()
    relationship_verified = Boolean()
    notes = Text()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class CaseCheck(Table, tablename="case_check"):
    """One row of the register of checks: a source asked, and (later) what it returned."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    source = Varchar(length=32, choices=CheckSource)
    requested_on = Date()
    requested_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    returned_on = Date(null=True, default=None)
    result = Varchar(length=40, choices=CheckResult, null=True, default=None)
    # What was asked for, when requested; what the source found, with its result.
    summary = Text()
    findings = Text()
    result_recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True, default=None)


class RecommendationRecord(Table, tablename="recommendation"):
    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    decision = Varchar(length=20, choices=Recommendation)
    criteria = JSONB(default="[]")
    rationale = Text()
    recipient = ForeignKey(CasePerson, on_delete=OnDelete.restrict, null=True, default=None)
    recipient_reason = Text()
    subject_told = Boolean()
    subject_told_reason = Text()
    # What exactly will be said: an internal record, never produced as a document for the recipient.
    disclosure_wording = Text()
    recommended_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recommended_at = Timestamptz()


class AuthorisationDecision(Table, tablename="authorisation_decision"):
    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    recommendation = ForeignKey(RecommendationRecord, on_delete=OnDelete.restrict, null=False)
    outcome = Varchar(length=16, choices=AuthorisationOutcome)
    rationale = Text()
    # The authoriser's rank (required to authorise; empty for a refusal or a return).
    rank = Varchar(length=32, default="")
    decided_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    decided_at = Timestamptz()


class Extension(Table, tablename="extension"):
    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    days = Integer()
    reason = Text()
    # Which clock was extended (before clocks per stage, only the whole case could be).
    clock = Varchar(length=32, choices=ClockName, default=ClockName.whole_case.value)
    previous_due_at = Timestamptz()
    new_due_at = Timestamptz()
    granted_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    granted_at = Timestamptz()


class Closure(Table, tablename="closure"):
    """How a case ended: the outcome from the fixed list, why, onward referrals, when to review keeping it."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, unique=True)
    outcome = Varchar(length=40, choices=Outcome)
    notes = Text()
    onward_referrals = Text()
    retention_review_on = Date(null=True, default=None)
    closed_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    closed_at = Timestamptz()


class PostClosureEvent(Table, tablename="post_closure_event"):
    """Something that happened after the case closed (a breach of the undertaking, a complaint, new
    information): recorded on the case without reopening its stages."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    kind = Varchar(length=24, choices=PostClosureKind)
    occurred_at = Timestamptz()
    # Who reported it (a person's role or an agency, in words).
    reported_by = Varchar(length=200)
    # For a breach: what was passed on, and to whom.
    details = Text()
    action_taken = Text()
    referral = Text()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class PersonCorrection(Table, tablename="person_correction"):
    """A detail of a person corrected (DPA 2018 s.38, accuracy): what it was, what it became, and why."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    person = ForeignKey(CasePerson, on_delete=OnDelete.cascade, null=False)
    field = Varchar(length=40)
    previous = Text()
    corrected_to = Text()
    reason = Text()
    corrected_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    corrected_at = Timestamptz()


class RiskAssessment(Table, tablename="risk_assessment"):
    """The full risk assessment, recorded before the recommendation (the facts and the judgement apart)."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    risk_factors = Text()
    protective_factors = Text()
    assessed_level = Varchar(length=16, choices=RiskLevel)
    rationale = Text()
    assessed_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    assessed_at = Timestamptz()


class CaseNote(Table, tablename="case_note"):
    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    text = Text()
    written_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    written_at = Timestamptz()


class ContactRecord(Table, tablename="contact_record"):
    """A contact with the applicant (or another person on the case): when, how, by whom, what came of it."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    person = ForeignKey(CasePerson, on_delete=OnDelete.cascade, null=False)
    contacted_at = Timestamptz()
    method = Varchar(length=16, choices=ContactMethod)
    outcome = Text()
    # Made in a way the person had not said was safe: recorded, and shown, on purpose.
    against_preferences = Boolean(default=False)
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class Attachment(Table, tablename="attachment"):
    """A file kept with the case (a scan, a photo, an email), with its fingerprint."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size = Integer()
    sha256 = Varchar(length=64)
    content = Bytea()
    description = Text()
    uploaded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    uploaded_at = Timestamptz()


class CaseClock(Table, tablename="case_clock"):
    """One clock of a case (`cases.clocks`): its length, kept from the day the case was received, and
    when it started, falls due and stopped. Changing a force's clocks never moves these."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    clock = Varchar(length=32, choices=ClockName)
    # Null: the case was recorded before this clock existed, and never runs it.
    hours = Integer(null=True, default=None)
    # Extensions granted on this clock (on its current run, for a clock that starts again).
    extended_hours = Integer(default=0)
    started_at = Timestamptz(null=True, default=None)
    due_at = Timestamptz(null=True, default=None)
    stopped_at = Timestamptz(null=True, default=None)

    unique_application_clock = Unique(["application", "clock"])


class MappaStatus(Table, tablename="mappa_status"):
    """The subject's MAPPA status as found out (the latest stands; earlier ones stay on the file)."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    category = Varchar(length=16, choices=MappaCategory)
    # Only for a subject managed under MAPPA; empty otherwise.
    level = Varchar(length=16, choices=MappaLevel, default="")
    lead_agency = Varchar(length=32, choices=Agency, default="")
    offender_manager = Text()
    notes = Text()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class PartnerConsultation(Table, tablename="partner_consultation"):
    """A partner agency consulted on the case: who, when, and what they said."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    agency = Varchar(length=32, choices=Agency)
    person = Text()
    consulted_at = Timestamptz()
    said = Text()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class DecisionForum(Table, tablename="decision_forum"):
    """A multi-agency meeting that decided on the case, linked to the recommendation it informed."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    # The recommendation standing when the forum was recorded (none yet if it came first).
    recommendation = ForeignKey(RecommendationRecord, on_delete=OnDelete.restrict, null=True, default=None)
    held_on = Date()
    chair = Text()
    # A list of who attended: each their agency and name.
    attendees = JSONB(default="[]")
    minutes_reference = Varchar(length=64)
    decision = Text()
    rationale = Text()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class RiskReassessment(Table, tablename="risk_reassessment"):
    """The risk looked at again at any open stage: the level it moved from and to, and why."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    stage = Varchar(length=24, choices=Stage)
    previous_level = Varchar(length=16, choices=RiskLevel)
    level = Varchar(length=16, choices=RiskLevel)
    child_at_risk = Boolean(default=False)
    reasons = Text()
    assessed_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    assessed_at = Timestamptz()


class SafeguardingPlan(Table, tablename="safeguarding_plan"):
    """The interim safeguarding plan, each version whole (the latest stands): its actions, each with
    the agency that owns it, when it is due and whether it is done."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    # A list of the plan's actions: each its words, owning agency, due date (ISO) and whether done.
    actions = JSONB(default="[]")
    notes = Text()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


EXTRA_INDEXES = (
    *EXTRA_INDEXES,
    # What falls due, force by force: the digest, and the clocks running now.
    'CREATE INDEX case_clock_running_due ON case_clock ("force", due_at) '
    "WHERE started_at IS NOT NULL AND stopped_at IS NULL",
)


class CaseDisposal(Table, tablename="case_disposal"):
    """What is left of a case disposed of at its retention review: no person's data, only the facts
    the statistics count and who decided, when and why. `application_id` is a plain number: the case
    row itself is gone."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application_id = Integer(unique=True)
    # Auditors find a disposed case's trail by its reference.
    reference = Varchar(length=32, index=True)
    scheme = Varchar(length=16, choices=Scheme)
    route = Varchar(length=16, choices=Route)
    channel = Varchar(length=20, choices=Channel)
    outcome = Varchar(length=40, choices=Outcome, null=True, default=None)
    risk_level = Varchar(length=16, choices=RiskLevel)
    received_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)
    # The case's deadlines and when each point was reached, kept for the timeliness figures.
    triage_due_at = Timestamptz(null=True, default=None)
    meeting_due_at = Timestamptz(null=True, default=None)
    due_at = Timestamptz(null=True, default=None)
    triaged_at = Timestamptz(null=True, default=None)
    met_at = Timestamptz(null=True, default=None)
    assigned_to = Integer(null=True, default=None)
    related_to_rso = Boolean(default=False)
    disclosed = Boolean(default=False)
    extended = Boolean(default=False)
    reason = Text()
    decided_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    disposed_at = Timestamptz()

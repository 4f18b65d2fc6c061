"""What comes in for each case action and what goes out, as msgspec Structs.

The JSON API takes these as request bodies (unknown fields refused); the HTML forms are read into
the same Structs by `cases.forms`, so both paths validate alike.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, cast, get_type_hints

import msgspec

from disclosure_service.cases import casefile
from disclosure_service.cases.vocabulary import (
    AccessReason,
    Channel,
    CheckResult,
    CheckSource,
    ClockName,
    ContactMethod,
    Criterion,
    Knows,
    MeetingMethod,
    Outcome,
    PersonRole,
    PostClosureKind,
    Recommendation,
    RiskLevel,
    Route,
    Scheme,
)

Short = Annotated[str, msgspec.Meta(max_length=200)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=10_000)]
Required = Annotated[str, msgspec.Meta(min_length=1, max_length=10_000)]
Reference = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Version = Annotated[int, msgspec.Meta(ge=1)]
# A moment must say its offset from UTC ("Z" or "+01:00"): a bare local time is ambiguous.
Moment = Annotated[datetime, msgspec.Meta(tz=True)]
Key = Annotated[str, msgspec.Meta(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Every request body: unknown fields are refused, not ignored (no mass assignment)."""


class PersonIn(Strict, kw_only=True):
    """A person's details: App B of the 2010 guidance (initial contact), for every part a person plays."""

    full_name: Name
    other_names: Short = ""
    date_of_birth: date | None = None
    place_of_birth: Short = ""
    address: Text = ""
    previous_addresses: Text = ""
    gender: Short = ""
    ethnicity: Short = ""
    preferred_language: Short = ""
    # The applicant: the ways it is safe to contact them, when, and anything to avoid.
    contact_methods: list[ContactMethod] = []
    safe_contact: Text = ""
    contact_issues: Text = ""
    letters_ok: bool = False
    relationship_to_child: Short = ""
    contact_with_child: Text = ""
    # The subject: their relationship to the applicant (partner, neighbour, ...).
    relationship_to_applicant: Short = ""
    # A parent or carer: whether they know of the application.
    knows_of_application: Knows | None = None
    occupation: Short = ""
    voluntary_activities: Text = ""


class NewPersonIn(PersonIn, kw_only=True):
    role: PersonRole
    version: Version
    submission_key: Key | None = None


class NewApplicationIn(Strict, kw_only=True):
    route: Route
    channel: Channel
    received_at: Moment
    concern: Required
    applicant: PersonIn
    subject: PersonIn
    children: list[PersonIn] = []
    scheme: Scheme = Scheme.csods
    submission_key: Key | None = None


class ActionIn(Strict, kw_only=True):
    """Every change names the version of the case it was made against."""

    version: Version
    submission_key: Key | None = None


class TriageIn(ActionIn, kw_only=True):
    immediate_risk: bool
    in_scope: bool
    risk_level: RiskLevel
    notes: Text = ""


class EscalateIn(ActionIn, kw_only=True):
    agency: Name
    referral_reference: Reference
    # What was done; once a decision is authorised it is the supervisor's rationale, and required.
    notes: Text = ""


class ApplicantMeetingIn(ActionIn, kw_only=True):
    held_on: date
    method: MeetingMethod
    identity_verified: bool
    documents_seen: Text = ""
    relationship_verified: bool
    notes: Text = ""


class ReasonIn(ActionIn, kw_only=True):
    reason: Required


class CheckIn(ActionIn, kw_only=True):
    """Checks requested at once, one per source; `source` (a single one) is how clients asked before."""

    sources: list[CheckSource] = []
    source: CheckSource | None = None
    requested_on: date
    notes: Text = ""


class CheckResultIn(ActionIn, kw_only=True):
    check_id: int
    returned_on: date
    result: CheckResult
    findings: Text = ""
    summary: Text = ""  # the findings, under the name clients used before


class RiskAssessmentIn(ActionIn, kw_only=True):
    """The full risk assessment: the facts for and against, the level, and the judgement."""

    risk_factors: Required
    protective_factors: Text = ""
    # An immediate risk is not assessed here: it leaves the scheme through `escalate`.
    assessed_level: Literal["standard", "medium", "high"]
    rationale: Required


class NoteIn(ActionIn, kw_only=True):
    text: Required


class ContactIn(ActionIn, kw_only=True):
    """A contact with someone on the case (the applicant when `person_id` is left out)."""

    person_id: int | None = None
    contacted_at: Moment
    method: ContactMethod
    outcome: Required
    # Recorded although the way was not one the person said is safe (it is flagged, not refused).
    record_anyway: bool = False


class AttachmentIn(ActionIn, kw_only=True):
    """A file for the case file, base64-encoded (the page and `POST .../attachments` upload one instead)."""

    file_base64: Annotated[str, msgspec.Meta(min_length=1, max_length=14_000_000)]
    file_filename: Name
    description: Required


class RecommendIn(ActionIn, kw_only=True):
    decision: Recommendation
    criteria: list[Criterion] = []
    rationale: Required
    recipient_id: int | None = None
    recipient_reason: Text = ""
    subject_told: bool
    subject_told_reason: Text = ""
    disclosure_wording: Text = ""


def _correction_fields() -> list[tuple[str, object, object]]:
    hints = get_type_hints(PersonIn, include_extras=True)
    return [(name, hints[name] | msgspec.UnsetType, msgspec.UNSET) for name in PersonIn.__struct_fields__]


# `correct-person`: the person, why, and only the details that change (each as in `PersonIn`).
CorrectPersonIn = cast(
    type[ActionIn],
    msgspec.defstruct(
        "CorrectPersonIn",
        [("person_id", int), ("reason", Required), *_correction_fields()],
        bases=(ActionIn,),
        kw_only=True,
        module=__name__,
    ),
)


class DecisionIn(ActionIn, kw_only=True):
    rationale: Required


class ExtendIn(ActionIn, kw_only=True):
    days: Annotated[int, msgspec.Meta(ge=1, le=90)]
    reason: Required
    # Which clock: the whole case unless another running clock is named.
    clock: ClockName = ClockName.whole_case


class TransferIn(ActionIn, kw_only=True):
    """Send the case to another force on the service: its people and its concern go, and its checks'
    results only if `share_checks`."""

    to_force: int
    reason: Required
    share_checks: bool = False


class ForceCheckIn(ActionIn, kw_only=True):
    """Ask another force to check one person on the case."""

    to_force: int
    person_id: int
    question: Required


class AssignIn(ActionIn, kw_only=True):
    user_id: int


class ReassignIn(Strict, kw_only=True):
    case_ids: Annotated[list[int], msgspec.Meta(min_length=1, max_length=500)]
    user_id: int


class ReassignedOut(msgspec.Struct):
    reassigned: int


class AccessReasonIn(Strict, kw_only=True):
    reason: AccessReason
    detail: Annotated[str, msgspec.Meta(min_length=5, max_length=2000)]


# ---------------------------------------------------------------------------------------------
# Out


class PersonOut(casefile.Person, frozen=True, kw_only=True):
    """Every detail of a person, their age today (London), and each correction made to them."""

    age: int | None
    corrections: list[casefile.PersonCorrection]


class DocumentOut(msgspec.Struct):
    """A generated document; download it from `documents/{id}` (a fresh code is needed)."""

    id: int
    kind: str
    language: str
    filename: str
    sha256: str
    recipient_name: str
    meeting: int | None
    generated_at: datetime
    template_version: int
    by_name: str


class RecommendationOut(msgspec.Struct):
    id: int
    decision: str
    criteria: list[str]
    rationale: str
    recipient_id: int | None
    recipient_name: str | None
    recipient_reason: str
    subject_told: bool
    subject_told_reason: str
    # What exactly will be said: an internal record, never produced as a document for the recipient.
    disclosure_wording: str
    recommended_by: int
    recommended_at: datetime
    by_name: str


class DisclosureOut(msgspec.Struct):
    """A disclosure made. `what_was_disclosed` is the internal record; a case where nothing was
    disclosed has no entry here at all."""

    id: int
    meeting: int
    recipient_id: int
    recipient_name: str
    made_at: datetime
    what_was_disclosed: str
    subject_told: bool
    notes: str
    recorded_at: datetime
    by_name: str


class ClockOut(msgspec.Struct):
    name: str
    due_at: datetime
    days_left: int
    overdue: bool
    done: bool
    # As the case page puts it: "Done", "Due today", "3 days overdue".
    status: str


class TimelineEventOut(msgspec.Struct):
    """A change recorded on the case, from the audit trail (who looked is in `access_history`)."""

    event: str
    occurred_at: datetime
    username: str
    recipients: str


class AccessOut(msgspec.Struct):
    """A look at the case, and why (given to supervisors, as on the case page)."""

    occurred_at: datetime
    username: str
    justification: str


class StageClockOut(msgspec.Struct):
    """One of the case's clocks, as the force had set it when the case was received."""

    clock: str
    name: str
    started: bool
    due_at: datetime | None
    days_left: int | None
    overdue: bool
    done: bool
    # The deadline of the stage the case is at.
    current: bool
    hours: int
    extended_hours: int
    # As the case page puts it: "Not started", "Done", "Due today", "3 days overdue".
    status: str


class NextDeadlineOut(msgspec.Struct):
    """The deadline the case is working to now: the one the queues show (`next_due_at`)."""

    clock: str
    name: str
    due_at: datetime
    # Calendar days in London from today to the deadline's day (0: today; negative: days past).
    days_left: int
    overdue: bool
    # As the case page and the queue put it: "Due today", "Due tomorrow", "3 days overdue".
    status: str


class TransferOut(msgspec.Struct):
    """The other end of a transfer between forces: their force, their reference, when."""

    force: str
    reference: str
    sent_at: datetime


class QueueItemOut(msgspec.Struct):
    id: int
    reference: str
    stage: str
    route: str
    risk_level: str
    received_at: datetime
    next_due_at: datetime | None
    assigned_to: str | None
    overdue: bool
    # The clock that `next_due_at` belongs to: the deadline of the stage the case is at.
    clock: str | None = None


class CaseOut(msgspec.Struct):
    """The whole case file: every record the case page shows (docs/api.md, "The case object")."""

    id: int
    reference: str
    version: int
    scheme: str
    route: str
    channel: str
    received_at: datetime
    stage: str
    outcome: str | None
    risk_level: str
    concern: str
    assigned_to: int | None
    assigned_name: str | None
    supervisor: int | None
    supervisor_name: str | None
    people: list[PersonOut]
    triage: casefile.Triage | None
    escalations: list[casefile.Escalation]
    applicant_meetings: list[casefile.ApplicantMeeting]
    checks: list[casefile.Check]
    risk_assessments: list[casefile.RiskAssessment]
    recommendation: RecommendationOut | None
    decisions: list[casefile.Decision]
    extensions: list[casefile.Extension]
    disclosure_meetings: list[casefile.DisclosureMeeting]
    documents: list[DocumentOut]
    undertaking_outcomes: list[casefile.UndertakingResponse]
    refusal_reviews: list[casefile.RefusalReview]
    disclosures: list[DisclosureOut]
    notifications: list[casefile.ApplicantNotification]
    closure: casefile.Closure | None
    post_closure_events: list[casefile.PostClosureEvent]
    notes: list[casefile.Note]
    contacts: list[casefile.Contact]
    attachments: list[casefile.Attachment]
    # Across forces: where this case went, or where it came from; checks asked of other forces.
    transferred_to: TransferOut | None
    transferred_from: TransferOut | None
    force_checks: list[casefile.ForceCheck]
    # The three first clocks, as before; `stage_clocks` has every clock of the case.
    clocks: list[ClockOut]
    stage_clocks: list[StageClockOut]
    # The deadline the case is working to now, as the queues show it (None once closed).
    next_deadline: NextDeadlineOut | None
    timeline: list[TimelineEventOut]
    access_history: list[AccessOut]
    available_actions: list[str]
    possible_duplicates: list[str]


class ActionOut(msgspec.Struct):
    id: int
    version: int
    stage: str
    message: str
    repeated: bool


# ---------------------------------------------------------------------------------------------
# After the decision


class ScheduleMeetingIn(ActionIn, kw_only=True):
    scheduled_for: Moment
    location: Required
    officers: Required
    identity_recheck: Required
    language: Literal["en", "cy"] = "en"
    recipient_id: int | None = None


class RearrangeMeetingIn(ActionIn, kw_only=True):
    scheduled_for: Moment
    location: Required
    officers: Required
    identity_recheck: Required
    language: Literal["en", "cy"] = "en"
    reason: Required


class DisclosureMeetingIn(ActionIn, kw_only=True):
    """The meeting held: the warnings given and the identity checked again. Nothing disclosed yet:
    the undertaking comes first, and the disclosure is recorded on its own once it is made."""

    held_at: Moment
    identity_confirmed: bool
    purpose_explained: bool
    confidentiality_explained: bool
    legal_warning_given: bool
    safety_advice_given: bool
    support_given: bool
    notes: Text = ""


class SignedIn(ActionIn, kw_only=True):
    happened_at: Moment
    witness: Name
    # A scan of the signed copy: PDF, JPEG or PNG, base64-encoded (the page uploads a file instead).
    scan_base64: Annotated[str, msgspec.Meta(max_length=14_000_000)] | None = None
    scan_filename: Short = ""


class RefusedIn(ActionIn, kw_only=True):
    happened_at: Moment
    reason: Required
    recipient_words: Text = ""


class ReviewIn(ActionIn, kw_only=True):
    decision: Literal["proceed", "other_recipient", "withhold", "retry"]
    rationale: Required
    new_recipient_id: int | None = None
    # Withholding: the other safeguarding action taken instead (a referral, a warning).
    safeguarding_action: Text = ""


class DisclosureMadeIn(ActionIn, kw_only=True):
    made_at: Moment
    # Exactly what was said: an internal record, never produced as a document.
    what_was_disclosed: Required
    # The subject has been, or will be, told of the disclosure.
    subject_told: bool
    notes: Text = ""


class ApplicantToldIn(ActionIn, kw_only=True):
    told_at: Moment
    method: Literal["in_person", "phone", "letter"]
    safeguarding_advice: Required


class BreachIn(ActionIn, kw_only=True):
    reported_at: Moment
    reported_by: Name
    what_was_passed_on: Required
    action_taken: Required
    referral: Text = ""


class PostClosureEventIn(ActionIn, kw_only=True):
    kind: PostClosureKind
    occurred_at: Moment
    reported_by: Short = ""
    details: Required
    action_taken: Text = ""


class CloseIn(ActionIn, kw_only=True):
    outcome: Outcome
    onward_referrals: Text = ""
    notes: Text = ""
    retention_review_on: date | None = None

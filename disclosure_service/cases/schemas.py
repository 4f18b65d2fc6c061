"""What comes in for each case action and what goes out, as msgspec Structs.

The JSON API takes these as request bodies (unknown fields refused); the HTML forms are read into
the same Structs by `cases.forms`, so both paths validate alike.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from disclosure_service.cases.vocabulary import (
    AccessReason,
    Channel,
    CheckResult,
    CheckSource,
    ClockName,
    Criterion,
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
    full_name: Name
    other_names: Short = ""
    date_of_birth: date | None = None
    place_of_birth: Short = ""
    address: Text = ""
    previous_addresses: Text = ""
    gender: Short = ""
    ethnicity: Short = ""
    preferred_language: Short = ""
    safe_contact: Text = ""
    contact_issues: Text = ""
    letters_ok: bool = False
    relationship_to_child: Short = ""
    contact_with_child: Text = ""
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
    source: CheckSource
    requested_on: date
    notes: Text = ""


class CheckResultIn(ActionIn, kw_only=True):
    check_id: int
    returned_on: date
    result: CheckResult
    summary: Text = ""


class RecommendIn(ActionIn, kw_only=True):
    decision: Recommendation
    criteria: list[Criterion] = []
    rationale: Required
    recipient_id: int | None = None
    recipient_reason: Text = ""
    subject_told: bool
    subject_told_reason: Text = ""
    disclosure_wording: Text = ""


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


class AccessReasonIn(Strict, kw_only=True):
    reason: AccessReason
    detail: Annotated[str, msgspec.Meta(min_length=5, max_length=2000)]


# ---------------------------------------------------------------------------------------------
# Out


class PersonOut(msgspec.Struct):
    id: int
    role: str
    full_name: str
    other_names: str
    date_of_birth: date | None
    address: str
    relationship_to_child: str
    contact_with_child: str
    safe_contact: str
    preferred_language: str


class CheckOut(msgspec.Struct):
    id: int
    source: str
    requested_on: date
    returned_on: date | None
    result: str | None
    summary: str


class DocumentOut(msgspec.Struct):
    """A generated document; download it from `documents/{id}` (a fresh code is needed)."""

    id: int
    kind: str
    language: str
    filename: str
    sha256: str
    generated_at: datetime
    template_version: int


class RecommendationOut(msgspec.Struct):
    decision: str
    criteria: list[str]
    rationale: str
    recipient_id: int | None
    subject_told: bool
    recommended_by: int
    recommended_at: datetime


class DisclosureOut(msgspec.Struct):
    """A disclosure made. `what_was_disclosed` is the internal record; a case where nothing was
    disclosed has no entry here at all."""

    id: int
    recipient_id: int
    made_at: datetime
    what_was_disclosed: str
    subject_told: bool


class PostClosureEventOut(msgspec.Struct):
    id: int
    kind: str
    occurred_at: datetime
    reported_by: str
    details: str
    action_taken: str
    referral: str
    recorded_at: datetime


class ClockOut(msgspec.Struct):
    name: str
    due_at: datetime
    days_left: int
    overdue: bool


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
    supervisor: int | None
    people: list[PersonOut]
    checks: list[CheckOut]
    recommendation: RecommendationOut | None
    clocks: list[ClockOut]
    available_actions: list[str]
    possible_duplicates: list[str]
    documents: list[DocumentOut]
    disclosures: list[DisclosureOut]
    post_closure_events: list[PostClosureEventOut]
    stage_clocks: list[StageClockOut] = []
    # Across forces: where this case went, or where it came from.
    transferred_to: TransferOut | None = None
    transferred_from: TransferOut | None = None


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

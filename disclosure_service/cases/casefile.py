"""The case file as typed records, and what the rules need to know about it. Plain values, no I/O.

`queries.case_file` reads the whole file in one statement into these structures; everything
else (rules, handlers, pages, the API) reads attributes, never columns by name.

Names: a *case* is what the API calls an application (the public paths and fields keep that word).
A case's *outcome* is only ever how it ended. A supervisor's *decision* on a recommendation is
authorised, refused or returned; the recipient's *response* to the undertaking is signed or
refused; a supervisor's *review* decides what happens after a refusal.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from disclosure_service.cases.vocabulary import (
    CheckResult,
    ClockName,
    MappaCategory,
    PersonRole,
    Recommendation,
    RiskLevel,
    Route,
    Stage,
)
from disclosure_service.cases.workflow import CaseFacts, UndertakingStatus, needs_safeguarding_plan


class Record(msgspec.Struct, frozen=True, kw_only=True):
    """A row of the case file, as read (unknown columns are ignored)."""


class CaseRecord(Record, frozen=True):
    id: int
    reference: str
    version: int
    scheme: str
    route: str
    channel: str
    received_at: datetime
    stage: Stage
    outcome: str | None
    risk_level: str
    concern: str
    assigned_to: int | None
    supervisor: int | None
    created_by: int
    triage_due_at: datetime
    meeting_due_at: datetime
    due_at: datetime
    next_due_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    assigned_name: str | None = None
    supervisor_name: str | None = None
    # Once closed: when to review keeping it (set at closing, moved by each retention review).
    retention_review_on: date | None = None


class Person(Record, frozen=True):
    id: int
    role: PersonRole
    full_name: str
    other_names: str
    date_of_birth: date | None
    place_of_birth: str
    address: str
    previous_addresses: str
    gender: str
    ethnicity: str
    preferred_language: str
    contact_methods: list[str]
    safe_contact: str
    contact_issues: str
    letters_ok: bool
    relationship_to_child: str
    contact_with_child: str
    relationship_to_applicant: str
    knows_of_application: str | None
    occupation: str
    voluntary_activities: str
    created_at: datetime
    updated_at: datetime


class Triage(Record, frozen=True):
    id: int
    immediate_risk: bool
    in_scope: bool
    risk_level: str
    notes: str
    recorded_by: int
    recorded_at: datetime
    by_name: str


class Escalation(Record, frozen=True):
    id: int
    agency: str
    referral_reference: str
    notes: str
    recorded_by: int
    recorded_at: datetime
    by_name: str


class ApplicantMeeting(Record, frozen=True):
    id: int
    held_on: date
    method: str
    identity_verified: bool
    documents_seen: str
    relationship_verified: bool
    notes: str
    recorded_by: int
    recorded_at: datetime
    by_name: str


class Check(Record, frozen=True):
    id: int
    source: str
    requested_on: date
    requested_by: int
    returned_on: date | None
    result: str | None
    # What was asked for; what the source found.
    summary: str
    findings: str
    requested_by_name: str


class RecommendationRecord(Record, frozen=True):
    id: int
    decision: Recommendation
    criteria: list[str]
    rationale: str
    recipient: int | None
    recipient_reason: str
    subject_told: bool
    subject_told_reason: str
    # What exactly will be said: an internal record, never produced as a document for the recipient.
    disclosure_wording: str
    recommended_by: int
    recommended_at: datetime
    by_name: str
    recipient_name: str | None


class Decision(Record, frozen=True):
    """A supervisor's decision on a recommendation."""

    id: int
    recommendation: int
    result: str = msgspec.field(name="outcome")  # authorised, refused or returned
    rationale: str
    decided_by: int
    decided_at: datetime
    by_name: str
    # The authoriser's rank (`Rank`): recorded when a recommendation is authorised, empty otherwise.
    rank: str = ""


class Extension(Record, frozen=True):
    id: int
    days: int
    reason: str
    previous_due_at: datetime
    new_due_at: datetime
    granted_by: int
    granted_at: datetime
    by_name: str
    clock: ClockName = ClockName.whole_case


class Closure(Record, frozen=True):
    id: int
    outcome: str
    notes: str
    onward_referrals: str
    retention_review_on: date | None
    closed_by: int
    closed_at: datetime
    by_name: str


class DisclosureMeeting(Record, frozen=True):
    id: int
    recipient: int
    recipient_name: str
    scheduled_for: datetime
    location: str
    officers: str
    identity_recheck: str
    language: str
    status: str
    replaces: int | None
    change_reason: str
    changed_by_name: str | None
    changed_at: datetime | None
    held_at: datetime | None
    identity_confirmed: bool
    purpose_explained: bool
    confidentiality_explained: bool
    legal_warning_given: bool
    safety_advice_given: bool
    support_given: bool
    notes: str
    scheduled_by: int
    scheduled_at: datetime


class UndertakingResponse(Record, frozen=True):
    """The recipient signed the undertaking, or refused to, at a meeting."""

    id: int
    meeting: int
    response: str = msgspec.field(name="outcome")  # signed or refused
    happened_at: datetime
    witness: str
    reason: str
    recipient_words: str
    scan_filename: str
    scan_sha256: str
    recorded_at: datetime


class RefusalReview(Record, frozen=True):
    id: int
    refusal: int
    decision: str
    rationale: str
    new_recipient: int | None
    safeguarding_action: str
    decided_by: int
    decided_at: datetime
    by_name: str


class DisclosureMade(Record, frozen=True):
    id: int
    meeting: int
    recipient: int
    recipient_name: str
    made_at: datetime
    what_was_disclosed: str
    subject_told: bool
    notes: str
    recorded_at: datetime
    by_name: str


class ApplicantNotification(Record, frozen=True):
    id: int
    kind: str
    told_at: datetime
    method: str
    safeguarding_advice: str
    letter: int | None
    recorded_at: datetime
    by_name: str


class Document(Record, frozen=True):
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


class PostClosureEvent(Record, frozen=True):
    id: int
    kind: str
    occurred_at: datetime
    reported_by: str
    details: str
    action_taken: str
    referral: str
    recorded_at: datetime
    by_name: str


class PersonCorrection(Record, frozen=True):
    """A detail of a person corrected: what it was (as people read it), what it became, and why."""

    id: int
    person: int
    field: str
    previous: str
    corrected_to: str
    reason: str
    corrected_at: datetime
    by_name: str


class RiskAssessment(Record, frozen=True):
    id: int
    risk_factors: str
    protective_factors: str
    assessed_level: str
    rationale: str
    assessed_at: datetime
    by_name: str


class SafetyPlan(Record, frozen=True):
    id: int
    plan: str
    referrals: list[str]
    referral_notes: str
    recorded_by: int
    recorded_at: datetime
    by_name: str


class Note(Record, frozen=True):
    id: int
    text: str
    written_at: datetime
    by_name: str


class Contact(Record, frozen=True):
    id: int
    person: int
    person_name: str
    contacted_at: datetime
    method: str
    outcome: str
    # Made a way the person had not said was safe.
    against_preferences: bool
    recorded_at: datetime
    by_name: str


class Attachment(Record, frozen=True):
    """A file kept with the case (its content is read only when it is downloaded)."""

    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    description: str
    uploaded_at: datetime
    by_name: str


class CaseClock(Record, frozen=True):
    """One of the case's clocks (`cases.clocks`)."""

    id: int
    clock: ClockName
    hours: int | None
    extended_hours: int
    started_at: datetime | None
    due_at: datetime | None
    stopped_at: datetime | None


class Transfer(Record, frozen=True):
    """The link between a case transferred and the case it became: the other force's end of it."""

    id: int
    # The other force's reference and name.
    reference: str
    force_name: str
    reason: str
    # What went besides the people and the concern: {"checks": [...]} if the checks' results went.
    shared: dict[str, Any]
    sent_at: datetime


class ForceCheck(Record, frozen=True):
    """A check asked of another force, and its answer once given."""

    id: int
    case_check: int
    force_name: str
    full_name: str
    question: str
    requested_at: datetime
    result: str | None
    returned_on: date | None
    summary: str
    answered_at: datetime | None


class Mappa(Record, frozen=True):
    """The subject's MAPPA status as recorded (the latest stands)."""

    id: int
    category: MappaCategory
    level: str
    lead_agency: str
    offender_manager: str
    notes: str
    recorded_at: datetime
    by_name: str


class Attendee(msgspec.Struct, frozen=True):
    agency: str
    name: str


class Consultation(Record, frozen=True):
    """A partner agency consulted: who, when, what they said."""

    id: int
    agency: str
    person: str
    consulted_at: datetime
    said: str
    recorded_at: datetime
    by_name: str


class Forum(Record, frozen=True):
    """A decision forum: who sat, what it decided and why; the recommendation it was recorded against."""

    id: int
    recommendation: int | None
    held_on: date
    chair: str
    attendees: list[Attendee]
    minutes_reference: str
    decision: str
    rationale: str
    recorded_at: datetime
    by_name: str


class RiskReassessment(Record, frozen=True):
    id: int
    stage: str
    previous_level: str
    level: str
    child_at_risk: bool
    reasons: str
    assessed_at: datetime
    by_name: str


class PlanAction(msgspec.Struct, frozen=True):
    action: str
    agency: str
    due_on: date
    done: bool = False


class SafeguardingPlan(Record, frozen=True):
    """One version of the interim safeguarding plan (the latest stands)."""

    id: int
    actions: list[PlanAction]
    notes: str
    recorded_at: datetime
    by_name: str


class CaseFile(msgspec.Struct, frozen=True, kw_only=True):
    """Everything recorded on one case, as read in one statement."""

    record: CaseRecord
    people: list[Person]
    triage: Triage | None = None
    escalations: list[Escalation] = []
    meetings: list[ApplicantMeeting] = []
    checks: list[Check] = []
    recommendation: RecommendationRecord | None = None
    decisions: list[Decision] = []
    extensions: list[Extension] = []
    closure: Closure | None = None
    disclosure_meetings: list[DisclosureMeeting] = []
    undertaking_responses: list[UndertakingResponse] = []
    refusal_reviews: list[RefusalReview] = []
    disclosures: list[DisclosureMade] = []
    notifications: list[ApplicantNotification] = []
    documents: list[Document] = []
    post_closure_events: list[PostClosureEvent] = []
    corrections: list[PersonCorrection] = []
    risk_assessments: list[RiskAssessment] = []
    notes: list[Note] = []
    safety_plans: list[SafetyPlan] = []
    contacts: list[Contact] = []
    attachments: list[Attachment] = []
    clocks: list[CaseClock] = []
    transferred_to: Transfer | None = None
    transferred_from: Transfer | None = None
    force_checks: list[ForceCheck] = []
    # Partners and live risk: every version kept, oldest first (the latest MAPPA status and plan stand).
    mappa: list[Mappa] = []
    consultations: list[Consultation] = []
    decision_forums: list[Forum] = []
    risk_reassessments: list[RiskReassessment] = []
    safeguarding_plans: list[SafeguardingPlan] = []

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def reference(self) -> str:
        return self.record.reference

    @property
    def stage(self) -> Stage:
        return self.record.stage

    def people_in(self, role: PersonRole) -> list[Person]:
        return [p for p in self.people if p.role is role]

    def person(self, person_id: int | None) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def corrections_of(self, person_id: int) -> list[PersonCorrection]:
        return [c for c in self.corrections if c.person == person_id]

    @property
    def risk_assessment(self) -> RiskAssessment | None:
        """The assessment that stands: the latest."""
        return self.risk_assessments[-1] if self.risk_assessments else None

    @property
    def mappa_status(self) -> Mappa | None:
        """The MAPPA status that stands: the latest recorded."""
        return self.mappa[-1] if self.mappa else None

    @property
    def safeguarding_plan(self) -> SafeguardingPlan | None:
        """The plan that stands: its latest version."""
        return self.safeguarding_plans[-1] if self.safeguarding_plans else None

    @property
    def child_at_risk(self) -> bool:
        """The latest reassessment found a child at risk."""
        return bool(self.risk_reassessments) and self.risk_reassessments[-1].child_at_risk

    @property
    def plan_missing(self) -> bool:
        """The case needs an interim safeguarding plan and has none yet."""
        return needs_safeguarding_plan(self.facts()) and not self.safeguarding_plans

    def forums_for(self, recommendation_id: int | None) -> list[Forum]:
        return [f for f in self.decision_forums if f.recommendation == recommendation_id]

    @property
    def applicant(self) -> Person | None:
        return next(iter(self.people_in(PersonRole.applicant)), None)

    @property
    def latest_meeting(self) -> DisclosureMeeting | None:
        """The meeting that stands: arranged or held (not cancelled, not replaced by a rearrangement)."""
        current = [m for m in self.disclosure_meetings if m.status in ("arranged", "held")]
        return current[-1] if current else None

    @property
    def latest_refusal(self) -> UndertakingResponse | None:
        return next((r for r in reversed(self.undertaking_responses) if r.response == "refused"), None)

    def undertaking_status(self) -> UndertakingStatus:
        """Where the undertaking stands: the latest signature, refusal or review of a refusal decides."""
        events = [(r.recorded_at, r.id, r.response) for r in self.undertaking_responses]
        events += [(r.decided_at, r.id, f"review:{r.decision}") for r in self.refusal_reviews]
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
        if meeting is None or meeting.status != "held":
            return False
        review = self.refusal_reviews[-1] if self.refusal_reviews else None
        return review is None or review.decision == "proceed" or meeting.scheduled_at > review.decided_at

    def undertaking_generated(self) -> bool:
        """An undertaking was generated for the meeting that stands (it names that meeting)."""
        meeting = self.latest_meeting
        return meeting is not None and any(d.kind == "undertaking" and d.meeting == meeting.id for d in self.documents)

    def recipient_id(self) -> int | None:
        """Who the disclosure is for: a review may have chosen someone else since the recommendation."""
        for review in reversed(self.refusal_reviews):
            if review.decision == "other_recipient" and review.new_recipient is not None:
                return review.new_recipient
        return self.recommendation.recipient if self.recommendation else None

    def decided_at(self) -> datetime | None:
        """When the decision now being carried out was taken: the authorisation, or a later review."""
        moments = [d.decided_at for d in self.decisions if d.result != "returned"]
        moments += [r.decided_at for r in self.refusal_reviews]
        return max(moments, default=None)

    def facts(self) -> CaseFacts:
        meeting = self.latest_meeting
        applicants = {p.id for p in self.people_in(PersonRole.applicant)}
        results = [c.result for c in self.checks if c.result is not None]
        return CaseFacts(
            stage=self.stage,
            route=Route(self.record.route),
            roles_present=frozenset(p.role for p in self.people),
            checks_requested=len(self.checks),
            checks_open=len(self.checks) - len(results),
            risk_assessed=bool(self.risk_assessments),
            recommendation=self.recommendation.decision if self.recommendation else None,
            recommended_by=self.recommendation.recommended_by if self.recommendation else None,
            assigned_to=self.record.assigned_to,
            meeting_pending=meeting is not None and meeting.status == "arranged",
            disclosure_meeting_recorded=self.meeting_held_this_round(),
            undertaking_generated=self.undertaking_generated(),
            undertaking=self.undertaking_status(),
            disclosure_made=bool(self.disclosures),
            recipient_is_applicant=all(d.recipient in applicants for d in self.disclosures),
            applicant_told=bool(self.notifications),
            found_child_sexual_convictions=CheckResult.child_sexual_offence_convictions.value in results,
            found_anything=any(result != CheckResult.no_trace.value for result in results),
            risk_level=RiskLevel(self.record.risk_level),
            child_at_risk=self.child_at_risk,
            has_safeguarding_plan=bool(self.safeguarding_plans),
        )

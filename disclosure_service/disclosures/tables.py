"""Database tables for what follows the decision: meetings, documents, undertakings, reviews."""

from __future__ import annotations

from piccolo.columns import Array, Boolean, Bytea, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.constraints import Unique
from piccolo.table import Table

from disclosure_service.cases.tables import Application, CasePerson
from disclosure_service.cases.vocabulary import MeetingStatus
from disclosure_service.identity.tables import Force, User


class DisclosureMeeting(Table, tablename="disclosure_meeting"):
    """The in-person meeting where the disclosure is made, and the checklist completed at it."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    recipient = ForeignKey(CasePerson, on_delete=OnDelete.restrict, null=False)
    scheduled_for = Timestamptz()
    location = Text()
    officers = Text()
    identity_recheck = Text()
    language = Varchar(length=2, default="en")
    # arranged, held, cancelled, or rearranged (kept as it was; the meeting that replaced it names it).
    status = Varchar(length=16, choices=MeetingStatus, default=MeetingStatus.arranged.value)
    replaces: ForeignKey[DisclosureMeeting] = ForeignKey("self", on_delete=OnDelete.restrict, null=True, default=None)
    change_reason = Text()
    changed_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True, default=None)
    changed_at = Timestamptz(null=True, default=None)
    held_at = Timestamptz(null=True, default=None)
    identity_confirmed = Boolean(default=False)
    purpose_explained = Boolean(default=False)
    confidentiality_explained = Boolean(default=False)
    legal_warning_given = Boolean(default=False)
    safety_advice_given = Boolean(default=False)
    support_given = Boolean(default=False)
    notes = Text()
    scheduled_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    scheduled_at = Timestamptz()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True, default=None)


class DocumentTemplate(Table, tablename="document_template"):
    """A version of a Word template, per force: the shipped one, or one an administrator uploaded."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=40)
    language = Varchar(length=2)
    version = Integer()
    filename = Varchar(length=200)
    sha256 = Varchar(length=64)
    content = Bytea()
    active = Boolean(default=True)
    uploaded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True, default=None)
    uploaded_at = Timestamptz()

    unique_version = Unique(["force", "name", "language", "version"])


class GeneratedDocument(Table, tablename="generated_document"):
    """A document made for a case, kept as it was given out, with its template version and hash."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    meeting = ForeignKey(DisclosureMeeting, on_delete=OnDelete.restrict, null=True, default=None)
    template = ForeignKey(DocumentTemplate, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=40)
    language = Varchar(length=2)
    filename = Varchar(length=200)
    sha256 = Varchar(length=64)
    content = Bytea()
    recipient_name = Varchar(length=200)
    generated_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    generated_at = Timestamptz()


class UndertakingOutcome(Table, tablename="undertaking_outcome"):
    """Signed or refused, at a meeting; a signed copy's scan may be kept with it."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    meeting = ForeignKey(DisclosureMeeting, on_delete=OnDelete.restrict, null=False)
    outcome = Varchar(length=16)
    happened_at = Timestamptz()
    witness = Varchar(length=200)
    reason = Text()
    recipient_words = Text()
    scan = Bytea(null=True, default=None)
    scan_filename = Varchar(length=200)
    scan_content_type = Varchar(length=100)
    scan_sha256 = Varchar(length=64)
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class RefusalReview(Table, tablename="refusal_review"):
    """A supervisor's decision on a refused undertaking: whether the disclosure should still go ahead."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    refusal = ForeignKey(UndertakingOutcome, on_delete=OnDelete.restrict, null=False)
    decision = Varchar(length=20)
    rationale = Text()
    new_recipient = ForeignKey(CasePerson, on_delete=OnDelete.restrict, null=True, default=None)
    # When withholding: the other safeguarding action taken instead.
    safeguarding_action = Text()
    decided_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    decided_at = Timestamptz()


class Disclosure(Table, tablename="disclosure"):
    """The disclosure made: to whom, when, by whom, and whether the subject was told."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    meeting = ForeignKey(DisclosureMeeting, on_delete=OnDelete.restrict, null=False)
    recipient = ForeignKey(CasePerson, on_delete=OnDelete.restrict, null=False)
    made_at = Timestamptz()
    # Exactly what was disclosed: an internal record, never produced as a document for the recipient.
    what_was_disclosed = Text()
    # The subject has been, or will be, told of the disclosure.
    subject_told = Boolean()
    notes = Text()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class ApplicantNotification(Table, tablename="applicant_notification"):
    """Telling the applicant how their application ended: a decision not to disclose, or (when someone
    else received the disclosure) that the case is complete, never what was disclosed."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    # non_disclosure or case_complete
    kind = Varchar(length=16, default="non_disclosure")
    told_at = Timestamptz()
    method = Varchar(length=16)
    safeguarding_advice = Text()
    letter = ForeignKey(GeneratedDocument, on_delete=OnDelete.restrict, null=True, default=None)
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()


class SafetyPlan(Table, tablename="safety_plan"):
    """A DVDS safety plan made with the person at risk, and where they were referred (IDVA, MARAC)."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    plan = Text()
    referrals = Array(base_column=Varchar(length=24))
    referral_notes = Text()
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz()

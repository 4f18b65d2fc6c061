"""The questions each case action asks, for the HTML pages (the API takes the same Structs as JSON)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from disclosure_service.cases import schemas
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.recipients import recipient_problem
from disclosure_service.cases.timing import london_today
from disclosure_service.cases.vocabulary import (
    AccessReason,
    Channel,
    CheckResult,
    CheckSource,
    Criterion,
    MeetingMethod,
    PersonRole,
    PostClosureKind,
    Recommendation,
    ReviewDecision,
    RiskLevel,
    Route,
)
from disclosure_service.cases.workflow import CLOSING_OUTCOMES, Action
from disclosure_service.web.formspec import Field, Section


def choices(enum_cls: Any) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum_cls]


def person_fields(prefix: str, *, applicant: bool = False, required_name: bool = True) -> tuple[Field, ...]:
    """The details App B of the 2010 guidance asks for; the applicant's safe contact first of all."""
    p = f"{prefix}." if prefix else ""
    fields = [
        Field(f"{p}full_name", "Full name", required=required_name, width="govuk-!-width-two-thirds"),
        Field(f"{p}other_names", "Other names", hint="Maiden names, nicknames or aliases", required=False),
        Field(f"{p}date_of_birth", "Date of birth", "date", hint="For example, 27 3 1990", required=False),
        Field(f"{p}address", "Address", "textarea", required=False),
    ]
    if applicant:
        fields += [
            Field(
                f"{p}safe_contact",
                "Safe way and time to contact them",
                "textarea",
                hint="For example: mobile after 7pm only; no voicemails; someone at home checks the post",
                message="Say how and when it is safe to contact the applicant",
            ),
            Field(f"{p}contact_issues", "Anything to avoid when contacting them", "textarea", required=False),
            Field(
                f"{p}letters_ok",
                "Have they agreed to be written to?",
                "yesno",
                hint="A letter is only ever sent if they agreed",
            ),
        ]
    fields += [
        Field(f"{p}relationship_to_child", "Relationship to the child", required=False),
        Field(f"{p}contact_with_child", "Contact with the child", "textarea", required=False),
        Field(f"{p}preferred_language", "Preferred language", required=False, width="govuk-input--width-20"),
    ]
    return tuple(fields)


NEW_APPLICATION: tuple[Section, ...] = (
    Section(
        "The application",
        (
            Field("route", "Route", "radios", options=choices(Route)),
            Field("channel", "How it came in", "radios", options=choices(Channel)),
            Field("received_at", "When it was received", "datetime", hint="The date, and the time (24-hour clock)"),
            Field(
                "concern",
                "The concern, in the applicant’s words",
                "textarea",
                message="Record the concern the applicant raised",
            ),
        ),
    ),
    Section("The applicant", person_fields("applicant", applicant=True)),
    Section("The subject (the person of concern)", person_fields("subject")),
    Section("The child", person_fields("children.0"), hint="Add any other children from the case page."),
)


@dataclass(frozen=True, slots=True)
class ActionForm:
    """One action's page: its title, what it asks, and which Struct the answers must make."""

    title: str
    struct: type[Any]
    fields: Callable[[CaseFile, Sequence[tuple[str, str]]], tuple[Field, ...]]
    button: str = "Save"
    intro: str = ""
    warning: str = ""
    # Answers to start from, taken from the case (what was authorised, say): the officer can change them.
    prefill: Callable[[CaseFile], dict[str, list[str]]] | None = None


def _none(case: CaseFile, staff: Sequence[tuple[str, str]]) -> tuple[Field, ...]:
    return ()


def _fixed(*fields: Field) -> Callable[[CaseFile, Sequence[tuple[str, str]]], tuple[Field, ...]]:
    return lambda case, staff: fields


def _people(case: CaseFile) -> list[tuple[str, str]]:
    return [(str(p.id), f"{p.full_name} ({PersonRole(p.role).label.lower()})") for p in case.people]


def _recipients(case: CaseFile) -> list[tuple[str, str]]:
    """Only the people who may receive a disclosure: never the subject or a child (recipients.py)."""
    today = london_today(datetime.now(UTC))
    allowed = {p.id for p in case.people if recipient_problem(p, today=today) is None}
    return [(value, text) for value, text in _people(case) if int(value) in allowed]


def _open_checks(case: CaseFile) -> list[tuple[str, str]]:
    return [(str(c.id), CheckSource(c.source).label) for c in case.checks if c.result is None]


REASON = Field("reason", "Reason", "textarea", message="Give the reason")
RATIONALE = Field("rationale", "Rationale", "textarea", message="Record the rationale for your decision")

ACTION_FORMS: dict[Action, ActionForm] = {
    Action.start_triage: ActionForm("Start triage", schemas.ActionIn, _none, "Start triage"),
    Action.complete_triage: ActionForm(
        "Record the triage",
        schemas.TriageIn,
        _fixed(
            Field("immediate_risk", "Is the child at immediate risk?", "yesno"),
            Field("in_scope", "Is the application in scope of the scheme?", "yesno"),
            Field("risk_level", "Risk level", "radios", options=choices(RiskLevel)[1:]),
            Field("notes", "Notes", "textarea", required=False),
        ),
        intro="Within 24 hours of receipt. An immediate risk leaves the scheme at once for child-protection "
        "procedures: escalate it instead.",
    ),
    Action.escalate: ActionForm(
        "Escalate an immediate risk to child protection",
        schemas.EscalateIn,
        _fixed(
            Field("agency", "Referred to", hint="For example, the MASH or children's social care out-of-hours team"),
            Field("referral_reference", "Referral reference", width="govuk-input--width-20"),
            Field("notes", "What was done", "textarea", required=False),
        ),
        "Escalate and close",
        warning="This stops the scheme's clock and closes the case as escalated. It stays on the case for good.",
    ),
    Action.record_applicant_meeting: ActionForm(
        "Record the meeting with the applicant",
        schemas.ApplicantMeetingIn,
        _fixed(
            Field("held_on", "Date of the meeting", "date"),
            Field("method", "How was it held?", "radios", options=choices(MeetingMethod)),
            Field("identity_verified", "Was the applicant's identity verified?", "yesno"),
            Field(
                "documents_seen",
                "Documents seen",
                "textarea",
                hint="For example: passport, child benefit letter",
                required=False,
            ),
            Field("relationship_verified", "Was their relationship to the child verified?", "yesno"),
            Field("notes", "Further detail given", "textarea", required=False),
        ),
        intro="Within 10 days of the application. Nothing is disclosed at this meeting.",
    ),
    Action.identity_not_verified: ActionForm(
        "Close: identity not verified",
        schemas.ReasonIn,
        _fixed(REASON),
        "Close the case",
        warning="Nothing can be disclosed under the scheme without a verified identity. Tell the applicant, and "
        "pass the concern on as intelligence if appropriate.",
    ),
    Action.add_check: ActionForm(
        "Request a check",
        schemas.CheckIn,
        _fixed(
            Field("source", "Source", "radios", options=choices(CheckSource)),
            Field("requested_on", "Date requested", "date"),
            Field("notes", "Notes", "textarea", required=False),
        ),
        "Request check",
    ),
    Action.record_check_result: ActionForm(
        "Record a check's result",
        schemas.CheckResultIn,
        lambda case, staff: (
            Field("check_id", "Check", "select", options=_open_checks(case), message="Choose the check"),
            Field("returned_on", "Date returned", "date"),
            Field("result", "Result", "radios", options=choices(CheckResult)),
            Field("summary", "Summary", "textarea", required=False),
        ),
    ),
    Action.complete_checks: ActionForm("Finish the checks", schemas.ActionIn, _none, "Finish the checks"),
    Action.recommend: ActionForm(
        "Make a recommendation",
        schemas.RecommendIn,
        lambda case, staff: (
            Field("decision", "Recommendation", "radios", options=choices(Recommendation)),
            Field(
                "criteria",
                "Criteria met",
                "checkboxes",
                options=choices(Criterion),
                required=False,
                hint="Needed for a recommendation to disclose",
            ),
            Field("rationale", "Rationale", "textarea", message="Record the rationale"),
            Field(
                "recipient_id",
                "Who should receive the disclosure?",
                "select",
                options=_recipients(case),
                required=False,
                hint="The person best placed to protect the child: not necessarily the applicant. Never the "
                "subject or a child; add another adult to the case first if they are not listed",
            ),
            Field(
                "recipient_reason",
                "Why they are best placed",
                "textarea",
                required=False,
                hint="Needed for a recommendation to disclose",
            ),
            Field("subject_told", "Will the subject be told of the disclosure?", "yesno"),
            Field("subject_told_reason", "Reason, and the risk assessment for that", "textarea", required=False),
            Field(
                "disclosure_wording",
                "What exactly will be disclosed",
                "textarea",
                required=False,
                hint="An internal record: it is never produced as a document for the recipient",
            ),
        ),
        "Send for authorisation",
    ),
    Action.authorise: ActionForm("Authorise the recommendation", schemas.DecisionIn, _fixed(RATIONALE), "Authorise"),
    Action.refuse: ActionForm("Refuse the disclosure", schemas.DecisionIn, _fixed(RATIONALE), "Refuse"),
    Action.return_for_work: ActionForm(
        "Return for more work", schemas.DecisionIn, _fixed(RATIONALE), "Return to the officer"
    ),
    Action.extend: ActionForm(
        "Extend the deadline",
        schemas.ExtendIn,
        _fixed(
            Field("days", "Extend by how many days?", "number", width="govuk-input--width-3"),
            Field("reason", "Exceptional circumstances", "textarea", message="Give the exceptional circumstances"),
        ),
        "Extend",
    ),
    Action.assign: ActionForm(
        "Assign",
        schemas.AssignIn,
        lambda case, staff: (Field("user_id", "Assign to", "select", options=staff, message="Choose someone"),),
        "Assign",
    ),
    Action.add_person: ActionForm(
        "Add a person",
        schemas.NewPersonIn,
        _fixed(
            Field("role", "Their part in the application", "radios", options=choices(PersonRole)),
            *person_fields("", applicant=False),
        ),
        "Add person",
    ),
    Action.withdraw: ActionForm("Close: withdrawn", schemas.ReasonIn, _fixed(REASON), "Close the case"),
    Action.out_of_scope: ActionForm("Close: out of scope", schemas.ReasonIn, _fixed(REASON), "Close the case"),
}

# After the decision ----------------------------------------------------------------------------

LANGUAGES = [("en", "English"), ("cy", "Welsh (Cymraeg)")]
REVIEW_DECISIONS = [(d.value, d.label) for d in ReviewDecision if d is not ReviewDecision.escalated]
TOLD_METHODS = [("in_person", "In person"), ("phone", "By telephone"), ("letter", "By letter")]


def _closing_outcomes(case: CaseFile) -> list[tuple[str, str]]:
    return [(o.value, o.label) for o in CLOSING_OUTCOMES.get(case.stage, ())]


def _authorised_wording(case: CaseFile) -> dict[str, list[str]]:
    wording = case.recommendation.disclosure_wording if case.recommendation else ""
    return {"what_was_disclosed": [wording]} if wording else {}


def _arrangement_fields(*, reason: bool) -> tuple[Field, ...]:
    fields: tuple[Field, ...] = (
        Field("scheduled_for", "When", "datetime"),
        Field("location", "Where", hint="Somewhere private, where the recipient can be seen safely"),
        Field("officers", "Officers attending", "textarea", hint="Names and collar numbers; two officers"),
        Field(
            "identity_recheck",
            "How the recipient's identity will be checked again",
            "textarea",
            message="Say how the recipient's identity will be checked at the meeting",
        ),
        Field("language", "Language of the undertaking", "radios", options=LANGUAGES),
    )
    if reason:
        fields += (Field("reason", "Why it is being rearranged", "textarea", message="Give the reason"),)
    return fields


ACTION_FORMS.update(
    {
        Action.schedule_disclosure_meeting: ActionForm(
            "Arrange the disclosure meeting",
            schemas.ScheduleMeetingIn,
            _fixed(*_arrangement_fields(reason=False)),
            "Arrange meeting",
            intro="The disclosure is made in person, never in writing, to the person authorised to receive it. "
            "At the meeting they are warned, and asked to sign the undertaking, before anything is disclosed.",
        ),
        Action.rearrange_disclosure_meeting: ActionForm(
            "Rearrange the disclosure meeting",
            schemas.RearrangeMeetingIn,
            _fixed(*_arrangement_fields(reason=True)),
            "Rearrange meeting",
            intro="The meeting as it was arranged stays on the case. Generate the undertaking again for the new date.",
        ),
        Action.cancel_disclosure_meeting: ActionForm(
            "Cancel the disclosure meeting",
            schemas.ReasonIn,
            _fixed(Field("reason", "Why it is being cancelled", "textarea", message="Give the reason")),
            "Cancel meeting",
            intro="The cancelled meeting stays on the case. Arrange another when you can.",
        ),
        Action.record_disclosure_meeting: ActionForm(
            "Record the disclosure meeting",
            schemas.DisclosureMeetingIn,
            _fixed(
                Field("held_at", "When it was held", "datetime"),
                Field("identity_confirmed", "Was the recipient's identity checked again?", "yesno"),
                Field(
                    "purpose_explained",
                    "Was the recipient told the information may only be used to safeguard children?",
                    "yesno",
                ),
                Field(
                    "confidentiality_explained",
                    "Were they told it is confidential, and that they will be asked to sign an undertaking?",
                    "yesno",
                ),
                Field("legal_warning_given", "Were they told legal proceedings could follow a breach?", "yesno"),
                Field("safety_advice_given", "Was safety advice given?", "yesno"),
                Field("support_given", "Was support offered?", "yesno"),
                Field("notes", "Notes", "textarea", required=False),
            ),
            "Save the meeting",
            intro="Record the meeting once the warnings are given. Nothing is disclosed until the undertaking "
            "is signed, or a supervisor has decided on a refusal to sign.",
        ),
        Action.generate_undertaking: ActionForm(
            "Generate the undertaking",
            schemas.ActionIn,
            _none,
            "Generate undertaking",
            intro="A Word document pre-filled with the case reference, the recipient, the children, the meeting's "
            "date, place and officers, and the three warnings, for the recipient to sign at the meeting. "
            "It does not contain what is disclosed.",
        ),
        Action.undertaking_signed: ActionForm(
            "Record the undertaking as signed",
            schemas.SignedIn,
            _fixed(
                Field("happened_at", "When it was signed", "datetime"),
                Field("witness", "Witnessed by", hint="The officer who saw it signed"),
                Field(
                    "scan",
                    "Scan of the signed copy",
                    "file",
                    required=False,
                    hint="PDF, JPEG or PNG, 10 MB or smaller. It is stored with a fingerprint (SHA-256).",
                ),
            ),
            "Save",
        ),
        Action.undertaking_refused: ActionForm(
            "Record that the undertaking was refused",
            schemas.RefusedIn,
            _fixed(
                Field("happened_at", "When", "datetime"),
                Field("reason", "Why they refused", "textarea", message="Record why they refused"),
                Field("recipient_words", "What they said, in their own words", "textarea", required=False),
            ),
            "Record refusal",
            warning="Nothing more can be disclosed until a supervisor decides whether the disclosure should still "
            "take place.",
        ),
        Action.review_refusal: ActionForm(
            "Decide on the refused undertaking",
            schemas.ReviewIn,
            lambda case, staff: (
                Field("decision", "Should the disclosure still take place?", "radios", options=REVIEW_DECISIONS),
                RATIONALE,
                Field(
                    "new_recipient_id",
                    "The other best-placed person",
                    "select",
                    options=_recipients(case),
                    required=False,
                    hint="Only if disclosing to someone else: an adult, never the subject. Your rationale says why "
                    "they are best placed.",
                ),
                Field(
                    "safeguarding_action",
                    "The other safeguarding action taken instead",
                    "textarea",
                    required=False,
                    hint="Only if withholding: for example, a referral to children's social care",
                ),
            ),
            "Record decision",
        ),
        Action.record_disclosure_made: ActionForm(
            "Record the disclosure as made",
            schemas.DisclosureMadeIn,
            _fixed(
                Field("made_at", "When", "datetime"),
                Field(
                    "what_was_disclosed",
                    "Exactly what was disclosed",
                    "textarea",
                    hint="Starts from the authorised wording: change it to what was actually said. An internal "
                    "record: it is never produced as a document for the recipient.",
                    message="Record exactly what was disclosed",
                ),
                Field("subject_told", "Has the subject been, or will they be, told?", "yesno"),
                Field("notes", "Notes", "textarea", required=False),
            ),
            "Save",
            prefill=_authorised_wording,
        ),
        Action.record_applicant_told: ActionForm(
            "Record that the applicant was told",
            schemas.ApplicantToldIn,
            _fixed(
                Field("told_at", "When", "datetime"),
                Field(
                    "method",
                    "How",
                    "radios",
                    options=TOLD_METHODS,
                    hint="A letter only if they agreed to be written to; it is generated from the force's template",
                ),
                Field("safeguarding_advice", "General safeguarding advice given", "textarea"),
            ),
            "Save",
            intro="The applicant is told that the police have considered the application; nothing about the subject.",
        ),
        Action.close: ActionForm(
            "Close the case",
            schemas.CloseIn,
            lambda case, staff: (
                Field("outcome", "Outcome", "radios", options=_closing_outcomes(case)),
                Field(
                    "onward_referrals",
                    "Onward referrals and other safeguarding action",
                    "textarea",
                    required=False,
                    hint="Needed for ‘Other safeguarding action only’",
                ),
                Field("notes", "Notes", "textarea", required=False),
                Field(
                    "retention_review_on",
                    "Review whether to keep the record by",
                    "date",
                    required=False,
                    hint="Leave empty for six years from today",
                ),
            ),
            "Close the case",
            intro="The outcome must agree with the record: a disclosure outcome needs a disclosure made, "
            "and ‘No trace’ needs every check returned with nothing found.",
        ),
        Action.record_breach: ActionForm(
            "Record a breach of the undertaking",
            schemas.BreachIn,
            _fixed(
                Field("reported_at", "When it was reported", "datetime"),
                Field("reported_by", "Who reported it", hint="For example: the subject's probation officer"),
                Field("what_was_passed_on", "What was passed on, and to whom", "textarea"),
                Field("action_taken", "Action taken", "textarea"),
                Field("referral", "Referral", "textarea", required=False),
            ),
            "Record breach",
            intro="Recorded on the case without reopening it.",
        ),
        Action.record_post_closure_event: ActionForm(
            "Record something after closure",
            schemas.PostClosureEventIn,
            _fixed(
                Field(
                    "kind",
                    "What happened",
                    "radios",
                    options=[(k.value, k.label) for k in PostClosureKind if k is not PostClosureKind.breach],
                ),
                Field("occurred_at", "When", "datetime"),
                Field("reported_by", "Who reported it", required=False),
                Field("details", "Details", "textarea", message="Enter the details"),
                Field("action_taken", "Action taken", "textarea", required=False),
            ),
            "Save",
            intro="Recorded on the case without reopening it.",
        ),
    }
)

ACCESS_REASON_FIELDS: tuple[Field, ...] = (
    Field("reason", "Why are you opening this case?", "radios", options=choices(AccessReason)),
    Field(
        "detail",
        "Explain",
        "textarea",
        hint="Your reason is recorded with every look at this case, and auditors can see it",
        message="Explain why you need to open this case",
    ),
)

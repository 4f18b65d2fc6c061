"""The questions each case action asks, for the HTML pages (the API takes the same Structs as JSON)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from disclosure_service.cases import schemas
from disclosure_service.cases.queries import CaseFile
from disclosure_service.cases.vocabulary import (
    AccessReason,
    Channel,
    CheckResult,
    CheckSource,
    Criterion,
    MeetingMethod,
    PersonRole,
    Recommendation,
    RiskLevel,
    Route,
)
from disclosure_service.cases.workflow import Action
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


def _none(case: CaseFile, staff: Sequence[tuple[str, str]]) -> tuple[Field, ...]:
    return ()


def _fixed(*fields: Field) -> Callable[[CaseFile, Sequence[tuple[str, str]]], tuple[Field, ...]]:
    return lambda case, staff: fields


def _people(case: CaseFile) -> list[tuple[str, str]]:
    return [(str(p["id"]), f"{p['full_name']} ({PersonRole(p['role']).label.lower()})") for p in case.people]


def _open_checks(case: CaseFile) -> list[tuple[str, str]]:
    return [(str(c["id"]), CheckSource(c["source"]).label) for c in case.checks if c["result"] is None]


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
                options=_people(case),
                required=False,
                hint="The person best placed to protect the child: not necessarily the applicant",
            ),
            Field("recipient_reason", "Why they are best placed", "textarea", required=False),
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
REVIEW_DECISIONS = [
    ("proceed", "Proceed with the disclosure anyway"),
    ("other_recipient", "Disclose to another best-placed person instead"),
    ("withhold", "Withhold the disclosure and take other safeguarding action"),
    ("retry", "Try the undertaking again at a new meeting"),
]
TOLD_METHODS = [("in_person", "In person"), ("phone", "By telephone"), ("letter", "By letter")]


def _closing_outcomes(case: CaseFile) -> list[tuple[str, str]]:
    from disclosure_service.disclosures.handlers import CLOSING_OUTCOMES  # noqa: PLC0415  # avoids an import cycle

    return [(o.value, o.label) for o in CLOSING_OUTCOMES.get(case.stage, ())]


ACTION_FORMS.update(
    {
        Action.schedule_disclosure_meeting: ActionForm(
            "Arrange the disclosure meeting",
            schemas.ScheduleMeetingIn,
            lambda case, staff: (
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
                Field(
                    "recipient_id",
                    "Recipient",
                    "select",
                    options=_people(case),
                    required=False,
                    hint="Leave this to use the recipient in the recommendation",
                ),
            ),
            "Arrange meeting",
            intro="The disclosure is made in person, never in writing, to the person best placed to protect the child.",
        ),
        Action.record_disclosure_meeting: ActionForm(
            "Record the disclosure meeting",
            schemas.DisclosureMeetingIn,
            _fixed(
                Field("held_at", "When it was held", "datetime"),
                Field(
                    "purpose_explained",
                    "Was the recipient told the information may only be used to safeguard children?",
                    "yesno",
                ),
                Field(
                    "confidentiality_explained", "Were they told it is confidential and must not be passed on?", "yesno"
                ),
                Field("legal_warning_given", "Were they told legal proceedings could follow a breach?", "yesno"),
                Field("safety_advice_given", "Was safety advice given?", "yesno"),
                Field("support_given", "Was support offered?", "yesno"),
                Field(
                    "what_was_disclosed",
                    "Exactly what was disclosed",
                    "textarea",
                    hint="An internal record: it is never produced as a document for the recipient",
                ),
                Field("subject_told", "Has the subject been, or will they be, told?", "yesno"),
                Field("notes", "Notes", "textarea", required=False),
            ),
            "Save the meeting",
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
                    options=_people(case),
                    required=False,
                    hint="Only if disclosing to someone else",
                ),
            ),
            "Record decision",
        ),
        Action.record_disclosure_made: ActionForm(
            "Record the disclosure as made",
            schemas.DisclosureMadeIn,
            _fixed(
                Field("made_at", "When", "datetime"),
                Field("subject_told", "Has the subject been told?", "yesno"),
                Field("notes", "Notes", "textarea", required=False),
            ),
            "Save",
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
                Field("onward_referrals", "Onward referrals", "textarea", required=False),
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

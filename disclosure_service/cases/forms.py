"""Questions the case pages share: a person's details, a new application, why a case is opened.

Each action's own questions are in its `ActionSpec` (`cases/steps/`, `disclosures/steps/`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.recipients import recipient_problem
from disclosure_service.cases.timing import london_today
from disclosure_service.cases.vocabulary import (
    AccessReason,
    Channel,
    ContactMethod,
    Knows,
    PersonRole,
    Route,
)
from disclosure_service.web.formspec import Field, Section


def choices(enum_cls: Any) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum_cls]


# Which of App B's questions are asked about whom (None: every question, the part not yet chosen).
_FOR_APPLICANT = ("contact_methods", "safe_contact", "contact_issues", "letters_ok", "relationship_to_child")
_FOR_SUBJECT = (
    "previous_addresses",
    "relationship_to_applicant",
    "relationship_to_child",
    "contact_with_child",
    "occupation",
    "voluntary_activities",
)
_BY_ROLE: dict[PersonRole | None, tuple[str, ...]] = {
    PersonRole.applicant: _FOR_APPLICANT,
    PersonRole.subject: _FOR_SUBJECT,
    PersonRole.child: (),
    PersonRole.parent_carer: ("relationship_to_child", "knows_of_application"),
}
_OTHERWISE = ("relationship_to_child",)


def _detail_fields(p: str, *, for_anyone: bool) -> dict[str, Field]:
    """Every detail beyond the name and the basics, by field name, worded for whom it is asked."""

    def who(part: str) -> str:
        return f" ({part})" if for_anyone else ""

    return {
        "previous_addresses": Field(
            f"{p}previous_addresses",
            "Previous addresses" + who("subject"),
            "textarea",
            hint="Earlier addresses, most recent first",
            required=False,
        ),
        "contact_methods": Field(
            f"{p}contact_methods",
            "Safe ways to contact them" + who("applicant"),
            "checkboxes",
            hint="Select all that are safe. A contact any other way is flagged when it is recorded",
            options=choices(ContactMethod),
            required=False,
        ),
        "safe_contact": Field(
            f"{p}safe_contact",
            "Safe way and time to contact them" + who("applicant"),
            "textarea",
            hint="For example: mobile after 7pm only; no voicemails; someone at home checks the post",
            message="Say how and when it is safe to contact the applicant",
            required=not for_anyone,
        ),
        "contact_issues": Field(
            f"{p}contact_issues",
            "Anything to avoid when contacting them" + who("applicant"),
            "textarea",
            required=False,
        ),
        "letters_ok": Field(
            f"{p}letters_ok",
            "Have they agreed to be written to?" + who("applicant"),
            "yesno",
            hint="A letter is only ever sent if they agreed",
            message="Select yes if the applicant agreed to be written to",
            required=not for_anyone,
        ),
        "relationship_to_applicant": Field(
            f"{p}relationship_to_applicant",
            "Relationship to the applicant" + who("subject"),
            hint="For example: partner, ex-partner, neighbour",
            required=False,
        ),
        "relationship_to_child": Field(f"{p}relationship_to_child", "Relationship to the child", required=False),
        "contact_with_child": Field(
            f"{p}contact_with_child", "Contact with the child" + who("subject"), "textarea", required=False
        ),
        "knows_of_application": Field(
            f"{p}knows_of_application",
            "Do they know of the application?" + who("parent or carer"),
            "radios",
            options=choices(Knows),
            required=False,
        ),
        "occupation": Field(f"{p}occupation", "Occupation" + who("subject"), required=False),
        "voluntary_activities": Field(
            f"{p}voluntary_activities",
            "Voluntary activities" + who("subject"),
            "textarea",
            hint="Clubs, groups or volunteering, especially with children",
            required=False,
        ),
    }


def person_fields(prefix: str, role: PersonRole | None, *, required_name: bool = True) -> tuple[Field, ...]:
    """The details App B of the 2010 guidance asks for about someone in this part (every detail
    when the part is chosen on the same page); the applicant's safe contact first of all."""
    p = f"{prefix}." if prefix else ""
    basics = [
        Field(
            f"{p}full_name",
            "Full name",
            required=required_name,
            width="govuk-!-width-two-thirds",
            message="Enter their full name",
        ),
        Field(f"{p}other_names", "Other names", hint="Maiden names, nicknames or aliases", required=False),
        Field(f"{p}date_of_birth", "Date of birth", "date", hint="For example, 27 3 1990", required=False),
        Field(f"{p}place_of_birth", "Place of birth", required=False, width="govuk-!-width-two-thirds"),
        Field(f"{p}address", "Address", "textarea", required=False),
    ]
    about = [
        Field(f"{p}gender", "Gender", required=False, width="govuk-input--width-20"),
        Field(f"{p}ethnicity", "Ethnicity", required=False, width="govuk-input--width-20"),
        Field(f"{p}preferred_language", "Preferred language", required=False, width="govuk-input--width-20"),
    ]
    details = _detail_fields(p, for_anyone=role is None)
    names = details if role is None else _BY_ROLE.get(role, _OTHERWISE)
    return (*basics, *(details[name] for name in names), *about)


# Each detail's name as the forms ask it, for the record of corrections.
PERSON_FIELD_LABELS = {
    f.name: f.label
    for role in (PersonRole.applicant, PersonRole.subject, PersonRole.parent_carer)
    for f in person_fields("", role)
}


NEW_APPLICATION: tuple[Section, ...] = (
    Section(
        "The application",
        (
            Field("route", "Route", "radios", options=choices(Route), message="Select the route of the application"),
            Field(
                "channel",
                "How it came in",
                "radios",
                options=choices(Channel),
                message="Select how the application came in",
            ),
            Field(
                "received_at",
                "When it was received",
                "datetime",
                hint="The date, and the time (24-hour clock)",
                message="Enter the date and time the application was received",
            ),
            Field(
                "concern",
                "The concern, in the applicant’s words",
                "textarea",
                message="Record the concern the applicant raised",
                called="The concern",
            ),
        ),
    ),
    Section("The applicant", person_fields("applicant", PersonRole.applicant)),
    Section("The subject (the person of concern)", person_fields("subject", PersonRole.subject)),
    Section(
        "The child", person_fields("children.0", PersonRole.child), hint="Add any other children from the case page."
    ),
)


def people(case: CaseFile) -> list[tuple[str, str]]:
    return [(str(p.id), f"{p.full_name} ({p.role.label.lower()})") for p in case.people]


def recipients(case: CaseFile) -> list[tuple[str, str]]:
    """Only the people who may receive a disclosure: never the subject or a child (recipients.py)."""
    today = london_today(datetime.now(UTC))
    allowed = {p.id for p in case.people if recipient_problem(p, today=today) is None}
    return [(value, text) for value, text in people(case) if int(value) in allowed]


REASON = Field("reason", "Reason", "textarea", message="Give the reason")
RATIONALE = Field("rationale", "Rationale", "textarea", message="Record the rationale for your decision")

ACCESS_REASON_FIELDS: tuple[Field, ...] = (
    Field(
        "reason",
        "Why are you opening this case?",
        "radios",
        options=choices(AccessReason),
        message="Select why you are opening this case",
    ),
    Field(
        "detail",
        "Explain",
        "textarea",
        hint="Your reason is recorded with every look at this case, and auditors can see it",
        message="Explain why you need to open this case",
    ),
)

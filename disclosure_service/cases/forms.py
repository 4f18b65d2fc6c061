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
    Route,
)
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
    Field("reason", "Why are you opening this case?", "radios", options=choices(AccessReason)),
    Field(
        "detail",
        "Explain",
        "textarea",
        hint="Your reason is recorded with every look at this case, and auditors can see it",
        message="Explain why you need to open this case",
    ),
)

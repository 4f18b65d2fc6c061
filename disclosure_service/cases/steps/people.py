"""Keeping people's details right: a correction changes the detail and keeps what it was, and why
(DPA 2018 s.38, accuracy). Allowed at any stage, a closed case included."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import msgspec

from disclosure_service.cases import schemas, store, timing
from disclosure_service.cases.casefile import CaseFile, Person
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems, refuse
from disclosure_service.cases.forms import person_fields
from disclosure_service.cases.spec import ActionForm, ActionSpec, Answers
from disclosure_service.cases.steps.common import received_on
from disclosure_service.cases.vocabulary import ContactMethod, Knows, PersonRole, Stage
from disclosure_service.cases.workflow import Action, Rule
from disclosure_service.dates import long_date
from disclosure_service.numbers import whole_number
from disclosure_service.web.formspec import Field

EVERY_STAGE = frozenset(Stage)


def shown(name: str, value: Any) -> str:
    """A detail as people read it, which is how its earlier value is kept."""
    if value is None or value in ("", []):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return long_date(value)
    if name == "contact_methods":
        return ", ".join(ContactMethod(method).label for method in value)
    if name == "knows_of_application":
        return Knows(value).label
    return str(value)


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value) if isinstance(value, str) else value


def changes(person: Person, data: Any) -> dict[str, Any]:
    """The details given that differ from what is on record (the web form sends every detail)."""
    given = {name: value for name in store.PERSON_FIELDS if (value := getattr(data, name)) is not msgspec.UNSET}
    return {name: value for name, value in given.items() if _comparable(value) != _comparable(getattr(person, name))}


async def _correct_person(ctx: Context, data: Any) -> Result:
    person = ctx.case.person(data.person_id)
    if person is None:
        raise refuse("Choose someone on this case", "person_id")
    changed = changes(person, data)
    if not changed:
        raise refuse("Nothing has changed: correct at least one detail, or go back to the case", "full_name")
    problems = Problems()
    if changed.get("date_of_birth") is not None:
        problems.check(
            "date_of_birth",
            timing.birth_problem(
                changed["date_of_birth"], received_on=received_on(ctx), child=person.role is PersonRole.child
            ),
        )
    problems.raise_any()
    await ctx.change("case_person", person.id, **changed, updated_at=ctx.now)
    for name, value in changed.items():
        await ctx.add(
            "person_correction",
            by="corrected_by",
            at="corrected_at",
            person=person.id,
            field=name,
            previous=shown(name, getattr(person, name)),
            corrected_to=shown(name, value),
            reason=data.reason,
        )
    # The audit row names the details changed, never their values: those stay in the case file.
    return Result(f"{person.full_name}’s details corrected", {"person_id": person.id, "fields": sorted(changed)})


def _chosen(case: CaseFile, answers: Answers) -> Person | None:
    values = answers.get("person_id") or [""]
    return case.person(whole_number(values[0]))


def _fields(case: CaseFile, answers: Answers) -> tuple[Field, ...]:
    person = _chosen(case, answers)
    if person is None:
        people = [(str(p.id), f"{p.full_name} ({p.role.label.lower()})") for p in case.people]
        return (Field("person_id", "Whose details are you correcting?", "select", options=people),)
    # Only the name is needed: a detail never recorded must not stop another being put right.
    details = (
        f if f.name == "full_name" else dataclasses.replace(f, required=False) for f in person_fields("", person.role)
    )
    return (
        Field("person_id", "", "hidden"),
        *details,
        Field(
            "reason",
            f"Why are you correcting {person.full_name}’s details?",
            "textarea",
            hint="For example: the applicant gave her maiden name; the address was mistyped. The earlier details "
            "are kept on the case, with your reason",
            message="Give the reason for the correction",
        ),
    )


def _as_answers(name: str, value: Any) -> dict[str, list[str]]:
    if isinstance(value, date):
        return {f"{name}-day": [str(value.day)], f"{name}-month": [str(value.month)], f"{name}-year": [str(value.year)]}
    if isinstance(value, bool):
        return {name: ["true" if value else "false"]}
    if isinstance(value, list):
        return {name: [str(item) for item in value]}
    return {name: [value]} if value else {}


def _current_details(case: CaseFile, answers: Answers) -> dict[str, list[str]]:
    person = _chosen(case, answers)
    if person is None:
        return {}
    start: dict[str, list[str]] = {}
    for name in store.PERSON_FIELDS:
        start |= _as_answers(name, getattr(person, name))
    return start


CORRECT_PERSON = ActionSpec(
    Action.correct_person,
    "Correct details",
    Rule(EVERY_STAGE),
    schemas.CorrectPersonIn,
    _correct_person,
    ActionForm(
        button="Save the correction",
        fields_given=_fields,
        prefill=_current_details,
        per_person=True,
        intro="Change what is wrong and give the reason. Only the details you change are recorded as corrected.",
    ),
)

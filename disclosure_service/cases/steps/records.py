"""The running record of a case: notes, and each contact with the people on it (at any stage)."""

from __future__ import annotations

from disclosure_service.cases import schemas, timing
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems, refuse
from disclosure_service.cases.forms import choices, people
from disclosure_service.cases.spec import ActionForm, ActionSpec, Answers, Staff, fixed
from disclosure_service.cases.vocabulary import ContactMethod, Stage
from disclosure_service.cases.workflow import Action, Rule
from disclosure_service.web.formspec import Field

EVERY_STAGE = frozenset(Stage)


async def _add_note(ctx: Context, data: schemas.NoteIn) -> Result:
    await ctx.add("case_note", by="written_by", at="written_at", text=data.text)
    return Result("Note added", {})


ADD_NOTE = ActionSpec(
    Action.add_note,
    "Add a note",
    Rule(EVERY_STAGE),
    schemas.NoteIn,
    _add_note,
    ActionForm(
        fixed(Field("text", "Note", "textarea", message="Enter the note")),
        "Add note",
        intro="Notes are part of the case file: the person a note is about can ask to see it.",
    ),
)


def against_preferences(safe_ways: list[str], method: ContactMethod) -> bool:
    """A contact made a way the person did not say is safe (when they have said which ways are)."""
    return bool(safe_ways) and method.value not in safe_ways


async def _record_contact(ctx: Context, data: schemas.ContactIn) -> Result:
    person = ctx.case.person(data.person_id) if data.person_id is not None else ctx.case.applicant
    if person is None:
        raise refuse("Choose someone on this case", "person_id")
    problems = Problems()
    problems.check(
        "contacted_at",
        timing.moment_problem(
            data.contacted_at,
            "The time of the contact",
            now=ctx.now,
            after=ctx.case.record.received_at,
            after_what="the application was received",
        ),
    )
    flagged = against_preferences(person.contact_methods, data.method)
    if flagged and not data.record_anyway:
        safe = ", ".join(ContactMethod(way).label.lower() for way in person.contact_methods)
        problems.check(
            "method",
            f"{person.full_name} said it is safe to contact them by: {safe}. Check before contacting them "
            "another way; if the contact was made, answer yes to ‘Record it anyway?’",
        )
    problems.raise_any()
    await ctx.add(
        "contact_record",
        person=person.id,
        contacted_at=data.contacted_at,
        method=data.method.value,
        outcome=data.outcome,
        against_preferences=flagged,
    )
    warning = " (not a way they said is safe)" if flagged else ""
    return Result(
        f"Contact recorded{warning}",
        {"person_id": person.id, "method": data.method.value, "against_preferences": flagged},
    )


def _contact_fields(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
    return (
        Field("person_id", "Who was contacted?", "select", options=people(case), message="Choose who was contacted"),
        Field("contacted_at", "When", "datetime", message="Enter when the contact was made"),
        Field("method", "How", "radios", options=choices(ContactMethod), message="Select how they were contacted"),
        Field("outcome", "What came of it", "textarea", message="Enter what came of the contact"),
        Field(
            "record_anyway",
            "Record it anyway?",
            "yesno",
            message="Select yes to record it anyway",
            hint="Only if it was not one of the ways they said is safe: the contact is then flagged on the case",
            required=False,
        ),
    )


def _applicant_first(case: CaseFile, answers: Answers) -> dict[str, list[str]]:
    applicant = case.applicant
    return {"person_id": [str(applicant.id)]} if applicant and not answers.get("person_id") else {}


RECORD_CONTACT = ActionSpec(
    Action.record_contact,
    "Record a contact",
    Rule(EVERY_STAGE),
    schemas.ContactIn,
    _record_contact,
    ActionForm(_contact_fields, "Record contact", prefill=_applicant_first),
)

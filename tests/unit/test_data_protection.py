"""The rules of keeping and giving out a record: review dates, and what a subject access export
marks for an officer to consider withholding."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from docx import Document

from disclosure_service.cases.casefile import CaseFile, CaseRecord, Person
from disclosure_service.cases.clocks import unknown_outcomes
from disclosure_service.cases.vocabulary import Outcome, PersonRole, Stage
from disclosure_service.dataprotection import document, export
from disclosure_service.dataprotection.rules import (
    Withhold,
    first_review_on,
    is_due,
    next_review_problem,
    review_years,
    withhold_checks,
    withhold_person,
)
from disclosure_service.dataprotection.service import SubjectAccessExport
from disclosure_service.settings import ConfigurationError, parse_review_years

TODAY = date(2026, 12, 1)
CLOSED = datetime(2026, 12, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("outcome", "years"),
    [
        (Outcome.disclosed_child_sex_convictions, 10),
        (Outcome.disclosed_other_information, 10),
        (Outcome.held_not_disclosed, 10),
        (Outcome.no_trace, 6),
        (Outcome.withdrawn, 6),
        (None, 6),
    ],
)
def test_review_periods_by_outcome(outcome: Outcome | None, years: int) -> None:
    assert review_years(outcome) == years


def test_a_force_sets_its_own_periods_one_for_all_or_per_outcome() -> None:
    assert parse_review_years("7") == {"default": 7}
    overrides = parse_review_years("default=8, no_trace=3")
    assert review_years(Outcome.no_trace, overrides) == 3
    assert review_years(Outcome.disclosed_child_sex_convictions, overrides) == 8
    assert parse_review_years("") == {}
    assert unknown_outcomes(parse_review_years("nonsense=4, no_trace=5")) == ["nonsense"]
    with pytest.raises(ConfigurationError, match="whole number"):
        parse_review_years("no_trace=0")


def test_the_first_review_falls_on_the_same_day_years_later_and_29_february_on_28() -> None:
    assert first_review_on(Outcome.no_trace, CLOSED) == date(2032, 12, 1)
    assert first_review_on(Outcome.held_not_disclosed, datetime(2028, 2, 29, tzinfo=UTC)) == date(2038, 2, 28)


def test_keeping_a_record_needs_a_next_review_after_today_and_within_a_century() -> None:
    assert next_review_problem(None, TODAY) == "Enter the date of the next review"
    assert next_review_problem(TODAY, TODAY) == "The next review must be after today"
    assert next_review_problem(date(2200, 1, 1), TODAY) == "The next review must be within 100 years"
    assert next_review_problem(date(2030, 1, 1), TODAY) is None


def test_a_case_is_due_on_its_review_date_and_stays_due() -> None:
    assert is_due(TODAY, TODAY)
    assert is_due(date(2020, 1, 1), TODAY)
    assert not is_due(date(2026, 12, 2), TODAY)
    assert not is_due(None, TODAY)


def test_other_people_are_third_parties_and_the_subject_is_withheld_from_everyone_else() -> None:
    assert withhold_person(PersonRole.applicant, PersonRole.subject, is_requester=False) is Withhold.subject_convictions
    assert withhold_person(PersonRole.applicant, PersonRole.child, is_requester=False) is Withhold.third_party
    assert withhold_person(PersonRole.subject, PersonRole.applicant, is_requester=False) is Withhold.third_party
    assert withhold_person(PersonRole.applicant, PersonRole.applicant, is_requester=True) is None
    assert withhold_checks(PersonRole.applicant) is Withhold.subject_convictions
    assert withhold_checks(PersonRole.subject) is Withhold.police_information


def _person(person_id: int, role: PersonRole, name: str) -> Person:
    return Person(
        id=person_id,
        role=role,
        full_name=name,
        other_names="",
        date_of_birth=None,
        place_of_birth="",
        address="1 High Street",
        previous_addresses="",
        gender="",
        ethnicity="",
        preferred_language="",
        contact_methods=[],
        safe_contact="",
        contact_issues="",
        letters_ok=False,
        relationship_to_child="",
        contact_with_child="",
        relationship_to_applicant="",
        knows_of_application=None,
        occupation="",
        voluntary_activities="",
        created_at=CLOSED,
        updated_at=CLOSED,
    )


def _case() -> CaseFile:
    record = CaseRecord(
        id=7,
        reference="ALPHA-2026-00007",
        version=1,
        scheme="csods",
        route="right_to_ask",
        channel="phone_101",
        received_at=CLOSED,
        stage=Stage.received,
        outcome=None,
        risk_level="not_assessed",
        concern="He babysits",
        assigned_to=None,
        supervisor=None,
        created_by=1,
        triage_due_at=CLOSED,
        meeting_due_at=CLOSED,
        due_at=CLOSED,
        next_due_at=None,
        closed_at=None,
        created_at=CLOSED,
        updated_at=CLOSED,
    )
    people = [
        _person(1, PersonRole.applicant, "Ann Example"),
        _person(2, PersonRole.subject, "Sam Example"),
        _person(3, PersonRole.child, "Kit Example"),
    ]
    return CaseFile(record=record, people=people)


def test_the_subject_asking_sees_their_own_details_and_every_one_else_is_marked() -> None:
    made = export.case_export(_case(), {2})
    sections = {s.title: s.withhold for s in made.sections}
    assert sections["Your details (subject)"] is None
    assert sections["The application"] is Withhold.third_party
    assert sections["Applicant: another person on the case"] is Withhold.third_party
    assert sections["Child: another person on the case"] is Withhold.third_party
    assert made.parts == ["subject"]
    everything = " ".join(item.value for s in made.sections for item in s.items)
    assert "Sam Example" in everything


def test_an_export_never_leaves_a_section_unmarked_that_holds_someone_else() -> None:
    for requester in (1, 2, 3):
        made = export.case_export(_case(), {requester})
        for section in made.sections:
            if section.withhold is None and section.title.startswith("Your details"):
                names = {item.value for item in section.items if item.label == "Name"}
                assert len(names) == 1


def test_the_word_export_survives_control_characters_in_what_was_typed() -> None:
    made = export.case_export(_case(), {1})
    found = SubjectAccessExport(CLOSED, "DC Test", "Reason \x04 with \x1a controls\x0c", [made])
    text = "\n".join(p.text for p in Document(io.BytesIO(document.render(found))).paragraphs)
    assert "Reason  with  controls" in text
    assert "CONSIDER WITHHOLDING: Information about another person" in text

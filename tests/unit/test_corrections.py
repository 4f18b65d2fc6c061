"""A correction records only what changed, each earlier value as people read it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec

from disclosure_service.cases import schemas
from disclosure_service.cases.casefile import Person
from disclosure_service.cases.steps.people import changes, shown
from disclosure_service.cases.vocabulary import ContactMethod, Knows, PersonRole

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
HANNAH = Person(
    id=7,
    role=PersonRole.applicant,
    full_name="Hannah Whitfield",
    other_names="",
    date_of_birth=date(1991, 3, 14),
    place_of_birth="",
    address="4 Mill Lane",
    previous_addresses="",
    gender="",
    ethnicity="",
    preferred_language="English",
    contact_methods=["phone"],
    safe_contact="Mobile after 7pm",
    contact_issues="",
    letters_ok=False,
    relationship_to_child="Mother",
    contact_with_child="",
    relationship_to_applicant="",
    knows_of_application=None,
    occupation="",
    voluntary_activities="",
    created_at=NOW,
    updated_at=NOW,
)


def _correction(**given: object) -> object:
    return msgspec.convert({"version": 3, "person_id": 7, "reason": "Typo", **given}, schemas.CorrectPersonIn)


def test_only_details_given_and_different_are_changes() -> None:
    data = _correction(full_name="Hannah Whitfield", address="9 Canal Row", contact_methods=["phone"], letters_ok=True)
    assert changes(HANNAH, data) == {"address": "9 Canal Row", "letters_ok": True}


def test_details_not_given_are_left_alone() -> None:
    assert changes(HANNAH, _correction()) == {}


def test_a_detail_is_kept_as_people_read_it() -> None:
    assert shown("date_of_birth", date(1991, 3, 14)) == "14 March 1991"
    assert shown("contact_methods", [ContactMethod.phone, "letter"]) == "Telephone call, Letter"
    assert shown("knows_of_application", Knows.not_known) == "Not known"
    assert shown("letters_ok", False) == "No"
    assert shown("address", "") == ""
    assert shown("date_of_birth", None) == ""

"""The rules of keeping and giving out a record, as plain functions (no database, no web).

Review periods follow the Code of Practice on the management of police information (2023) and the
College of Policing APP on information management (review, retention and disposal): a record is
reviewed after a period that depends on how serious it is, never kept longer than needed, and every
review decision is recorded with its reason. The figures for this scheme's outcomes are not set
nationally [U]: they are defaults a force changes (`RETENTION_REVIEW_YEARS`), documented in
docs/data-protection.md.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime

from disclosure_service.cases.clocks import (
    LONGEST_RETENTION_YEARS,
    USUAL_REVIEW_YEARS,
    first_review_years,
    retention_review_date,
)
from disclosure_service.cases.vocabulary import Outcome, PersonRole


class RetentionDecision(enum.StrEnum):
    retain = "retain"
    dispose = "dispose"

    @property
    def label(self) -> str:
        return {"retain": "Keep the record", "dispose": "Dispose of the record"}[self.value]


def review_years(outcome: Outcome | None, overrides: Mapping[str, int] | None = None) -> int:
    """How many years after closing a case with `outcome` it is reviewed; the service's settings first."""
    if outcome is None:
        return (overrides or {}).get("default", USUAL_REVIEW_YEARS)
    return first_review_years(outcome, overrides)


def first_review_on(outcome: Outcome | None, closed_at: datetime, overrides: Mapping[str, int] | None = None) -> date:
    return retention_review_date(closed_at, review_years(outcome, overrides))


def next_review_problem(next_review_on: date | None, today: date) -> str | None:
    """Keeping a record needs the date of its next review: in the future, and not absurdly far."""
    if next_review_on is None:
        return "Enter the date of the next review"
    if next_review_on <= today:
        return "The next review must be after today"
    if next_review_on.year > today.year + LONGEST_RETENTION_YEARS:
        return f"The next review must be within {LONGEST_RETENTION_YEARS} years"
    return None


def is_due(review_on: date | None, today: date) -> bool:
    """A closed case is due for review on its review date, and stays due until someone reviews it."""
    return review_on is not None and review_on <= today


# ---------------------------------------------------------------------------------------------
# Subject access (DPA 2018 s.45): what an officer must consider withholding before release.


class Withhold(enum.StrEnum):
    """Why a part of the export is marked for the officer's review before release."""

    third_party = "third_party"
    subject_convictions = "subject_convictions"
    police_information = "police_information"

    @property
    def label(self) -> str:
        return {
            "third_party": "Information about another person (s.45(4)(e), third parties)",
            "subject_convictions": "The subject's convictions or what was found about them (s.45(4)(e))",
            "police_information": "Police assessment or intelligence (s.45(4)(a)-(d): prevention and "
            "detection of crime, protecting the rights of others)",
        }[self.value]


def withhold_person(requester_role: PersonRole, person_role: PersonRole, is_requester: bool) -> Withhold | None:
    """A person on the case other than the requester is a third party; the subject's details are
    withheld from anyone else even more firmly (they are what the scheme protects against)."""
    if is_requester:
        return None
    if person_role is PersonRole.subject and requester_role is not PersonRole.subject:
        return Withhold.subject_convictions
    return Withhold.third_party


def withhold_checks(requester_role: PersonRole) -> Withhold:
    """What the checks found is about the subject: for the subject it is police information that may
    be restricted; for anyone else it is the subject's convictions."""
    if requester_role is PersonRole.subject:
        return Withhold.police_information
    return Withhold.subject_convictions

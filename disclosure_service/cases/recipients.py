"""Who may receive a disclosure. Plain rules, no I/O.

The disclosure goes to the person best placed to protect the child: a parent, carer or guardian,
or another adult with a recorded reason why they are best placed. Never the subject, and never a
child (domain.md, 'Who is who'; the recommendation and a refusal's review both record the reason).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from disclosure_service.cases.timing import ADULT_AGE
from disclosure_service.cases.vocabulary import PersonRole
from disclosure_service.dates import age_on


class Candidate(Protocol):
    """What the rule needs to know about a person on the case."""

    @property
    def role(self) -> PersonRole: ...
    @property
    def full_name(self) -> str: ...
    @property
    def date_of_birth(self) -> date | None: ...


def recipient_problem(person: Candidate | None, *, today: date) -> str | None:
    """Why `person` cannot receive the disclosure, or None if they can."""
    if person is None:
        return "Choose who will receive the disclosure from the people on the case"
    if person.role is PersonRole.subject:
        return "The subject cannot receive the disclosure: choose the person best placed to protect the child"
    if person.role is PersonRole.child:
        return "A child cannot receive the disclosure: choose a parent, carer or guardian, or another adult"
    born = person.date_of_birth
    if born is not None and age_on(born, today) < ADULT_AGE:
        return f"{person.full_name} is under 18: a disclosure is only ever made to an adult"
    return None

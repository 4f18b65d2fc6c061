"""Who may receive a disclosure. Plain rules, no I/O.

The disclosure goes to the person best placed to protect the child: a parent, carer or guardian,
or another adult with a recorded reason why they are best placed. Never the subject, and never a
child (domain.md, 'Who is who'; the recommendation and a refusal's review both record the reason).
"""

from __future__ import annotations

from datetime import date

from disclosure_service.cases.timing import ADULT_AGE, age_on
from disclosure_service.cases.vocabulary import PersonRole
from disclosure_service.records import Row


def recipient_problem(person: Row | None, *, today: date) -> str | None:
    """Why `person` cannot receive the disclosure, or None if they can."""
    if person is None:
        return "Choose who will receive the disclosure from the people on the case"
    role = PersonRole(person["role"])
    if role is PersonRole.subject:
        return "The subject cannot receive the disclosure: choose the person best placed to protect the child"
    if role is PersonRole.child:
        return "A child cannot receive the disclosure: choose a parent, carer or guardian, or another adult"
    born: date | None = person["date_of_birth"]
    if born is not None and age_on(born, today) < ADULT_AGE:
        return f"{person['full_name']} is under 18: a disclosure is only ever made to an adult"
    return None

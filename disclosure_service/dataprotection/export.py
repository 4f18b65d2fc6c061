"""A subject access export (DPA 2018 s.45): everything a case holds that a person may ask for, in
sections, each marked with whether an officer must consider withholding it before release.

Nothing here decides what is released: it marks, and the officer reviews. Plain functions over a
case file already read (no database), so the marking rules are tested on their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TypeVar

import msgspec

from disclosure_service.cases.casefile import CaseFile, Person
from disclosure_service.cases.vocabulary import PersonRole
from disclosure_service.dataprotection.rules import Withhold, withhold_checks, withhold_person
from disclosure_service.dates import long_date, long_datetime

T = TypeVar("T")


class Item(msgspec.Struct, frozen=True):
    label: str
    value: str


class Section(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    # Null: theirs to be given. Otherwise why the officer must consider withholding it.
    withhold: Withhold | None = None
    withhold_reason: str = ""
    items: list[Item]


class CaseExport(msgspec.Struct, frozen=True, kw_only=True):
    case_id: int
    reference: str
    scheme: str
    received_on: str
    stage: str
    outcome: str | None
    # The requester's records on this case and the parts they play (recipient included).
    person_ids: list[int]
    parts: list[str]
    sections: list[Section]


def parts_of(case: CaseFile, person: Person) -> list[str]:
    """The parts a person plays on a case: their role, and recipient if a disclosure was (to be) made to them."""
    parts = [person.role.value]
    recipients = {d.recipient for d in case.disclosures} | {m.recipient for m in case.disclosure_meetings}
    if case.recommendation is not None and case.recommendation.recipient is not None:
        recipients.add(case.recommendation.recipient)
    if person.id in recipients:
        parts.append("recipient")
    return parts


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return long_datetime(value)
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


_PERSON_FIELDS = (
    ("full_name", "Name"),
    ("other_names", "Other names"),
    ("date_of_birth", "Date of birth"),
    ("place_of_birth", "Place of birth"),
    ("address", "Address"),
    ("previous_addresses", "Previous addresses"),
    ("gender", "Gender"),
    ("ethnicity", "Ethnicity"),
    ("preferred_language", "Preferred language"),
    ("contact_methods", "Safe ways to contact"),
    ("safe_contact", "Safe contact"),
    ("contact_issues", "Contact issues"),
    ("relationship_to_child", "Relationship to the child"),
    ("contact_with_child", "Contact with the child"),
    ("relationship_to_applicant", "Relationship to the applicant"),
    ("occupation", "Occupation"),
    ("voluntary_activities", "Voluntary activities"),
)


def _person_items(person: Person) -> list[Item]:
    return [Item(label, _text(getattr(person, name))) for name, label in _PERSON_FIELDS if _text(getattr(person, name))]


def _section(title: str, items: Iterable[Item], withhold: Withhold | None) -> Section | None:
    found = [item for item in items if item.value]
    if not found:
        return None
    return Section(title=title, withhold=withhold, withhold_reason=withhold.label if withhold else "", items=found)


def _one(value: T | None) -> list[T]:
    return [] if value is None else [value]


def case_export(case: CaseFile, requester_ids: set[int]) -> CaseExport:
    """One case, as the requester (`requester_ids`: their records on it) may ask for it, marked."""
    mine = [p for p in case.people if p.id in requester_ids]
    role = mine[0].role if mine else PersonRole.other
    parts = sorted({part for person in mine for part in parts_of(case, person)})
    sections: list[Section | None] = []
    for person in mine:
        sections.append(_section(f"Your details ({person.role.label.lower()})", _person_items(person), None))
    # The application's own words are the applicant's; to anyone else they are a third party's account.
    sections.append(
        _section(
            "The application",
            [
                Item("Received", _text(case.record.received_at)),
                Item("Route", case.record.route),
                Item("The concern, as recorded", case.record.concern),
            ],
            None if role is PersonRole.applicant else Withhold.third_party,
        )
    )
    for person in case.people:
        if person.id in requester_ids:
            continue
        why = withhold_person(role, person.role, is_requester=False)
        sections.append(_section(f"{person.role.label}: another person on the case", _person_items(person), why))
    sections.append(
        _section(
            "Checks made",
            [
                Item(f"{c.source} ({_text(c.requested_on)})", " ".join(v for v in (c.result or "", c.findings) if v))
                for c in case.checks
            ],
            withhold_checks(role),
        )
    )
    assessments = [Item("Risk assessment", f"{r.rationale} {r.risk_factors}".strip()) for r in case.risk_assessments]
    if case.recommendation is not None:
        assessments.append(Item("Recommendation", f"{case.recommendation.decision}: {case.recommendation.rationale}"))
    assessments += [Item(f"Decision ({d.result})", d.rationale) for d in case.decisions]
    sections.append(_section("Police assessment and decision", assessments, Withhold.police_information))
    # The partners' work on the case (MAPPA, consultations, forums, live risk) is police information.
    partners = [
        Item(f"MAPPA ({_text(m.recorded_at)})", f"{m.category} {m.level} {m.lead_agency}".strip())
        for m in _one(case.mappa_status)
    ]
    partners += [Item(f"Consultation: {c.agency} ({_text(c.consulted_at)})", c.said) for c in case.consultations]
    partners += [
        Item(f"Decision forum ({_text(f.held_on)})", f"{f.decision}: {f.rationale}") for f in case.decision_forums
    ]
    partners += [
        Item(f"Risk reassessed ({_text(r.assessed_at)})", f"{r.level}: {r.reasons}") for r in case.risk_reassessments
    ]
    partners += [
        Item(f"Safeguarding plan: {a.agency} by {_text(a.due_on)}", a.action)
        for plan in _one(case.safeguarding_plan)
        for a in plan.actions
    ]
    sections.append(_section("Partners and safeguarding", partners, Withhold.police_information))
    # A DVDS safety plan is made with the person at risk: theirs; to anyone else, a third party's.
    sections.append(
        _section(
            "Safety plan",
            [
                Item(_text(plan.recorded_at), " ".join(v for v in (plan.plan, _text(plan.referrals)) if v))
                for plan in case.safety_plans
            ],
            None if role is PersonRole.person_at_risk else Withhold.third_party,
        )
    )
    given = [d for d in case.disclosures if d.recipient in requester_ids]
    sections.append(
        _section(
            "What was disclosed to you",
            [Item(_text(d.made_at), d.what_was_disclosed) for d in given],
            # They were told it; it remains the subject's information, weighed again before release in writing.
            None if role is PersonRole.subject else Withhold.subject_convictions,
        )
    )
    sections.append(
        _section(
            "Contacts with you",
            [
                Item(_text(c.contacted_at), f"{c.method}: {c.outcome}")
                for c in case.contacts
                if c.person in requester_ids
            ],
            None,
        )
    )
    sections.append(
        _section(
            "Notes on the case",
            [Item(_text(n.written_at), n.text) for n in case.notes],
            Withhold.police_information,
        )
    )
    if case.closure is not None:
        sections.append(
            _section(
                "How the case ended",
                [Item("Closed", _text(case.closure.closed_at)), Item("Outcome", case.closure.outcome)],
                None,
            )
        )
    return CaseExport(
        case_id=case.id,
        reference=case.reference,
        scheme=case.record.scheme,
        received_on=long_date(case.record.received_at),
        stage=case.stage.value,
        outcome=case.record.outcome,
        person_ids=sorted(requester_ids),
        parts=parts,
        sections=[s for s in sections if s is not None],
    )

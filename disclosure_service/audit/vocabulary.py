"""What an audit row can say."""

from __future__ import annotations

import enum


class Operation(enum.StrEnum):
    """The DPA 2018 s.62 processing operations, and the two access-control kinds of event."""

    collection = "collection"
    alteration = "alteration"
    consultation = "consultation"
    disclosure = "disclosure"
    combination = "combination"
    erasure = "erasure"
    authentication = "authentication"
    administration = "administration"


def person_reference(person_id: int, part: str) -> str:
    """How the trail names a member of the public: by their record on the case, never by name, so
    that disposing of the case leaves nothing readable about them here (decision 25)."""
    return f"case_person {person_id} ({part})"

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

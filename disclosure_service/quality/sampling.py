"""Drawing the month's sample: plain functions, no I/O.

Each decision's place in the draw is the SHA-256 of its case id, its kind and the month, so the
same decisions and the same share always give the same sample, whoever draws it and however many
times, and nobody can steer a case into it or out of it. A share of each kind is taken, rounded
up, so a small unit still has something reviewed every month.
"""

from __future__ import annotations

import enum
import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from disclosure_service.dates import LONDON

DEFAULT_SHARE = 10


class Kind(enum.StrEnum):
    no_disclosure = "no_disclosure"
    withheld_after_refusal = "withheld_after_refusal"
    authorisation = "authorisation"

    @property
    def label(self) -> str:
        return {
            "no_disclosure": "Closed with no disclosure",
            "withheld_after_refusal": "Disclosure withheld after a refused undertaking",
            "authorisation": "Recommendation authorised",
        }[self.value]


class Verdict(enum.StrEnum):
    agree = "agree"
    disagree = "disagree"

    @property
    def label(self) -> str:
        return {"agree": "Agree with the decision", "disagree": "Disagree with the decision"}[self.value]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A decision that may be drawn."""

    case_id: int
    kind: Kind
    decided_at: datetime
    decided_by: frozenset[int]


def seed(case_id: int, kind: Kind, month: str) -> str:
    return hashlib.sha256(f"{case_id}:{kind.value}:{month}".encode()).hexdigest()


def draw(candidates: Iterable[Candidate], share: int, month: str) -> list[Candidate]:
    """`share` per cent of each kind of decision, rounded up, in the order of their seeds."""
    by_kind: dict[Kind, list[Candidate]] = {}
    for candidate in candidates:
        by_kind.setdefault(candidate.kind, []).append(candidate)
    drawn: list[Candidate] = []
    for kind in Kind:
        found = sorted(by_kind.get(kind, []), key=lambda c: seed(c.case_id, kind, month))
        drawn += found[: math.ceil(len(found) * share / 100)]
    return drawn


def may_review(candidate_deciders: Iterable[int], reviewer: int) -> bool:
    """A second supervisor's review: never of a decision the reviewer took part in."""
    return reviewer not in set(candidate_deciders)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The month's first and next month's first moment, London time (`2026-11`)."""
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return (
        datetime.combine(first, time(0), tzinfo=LONDON),
        datetime.combine(following, time(0), tzinfo=LONDON),
    )


def month_problem(month: str) -> str | None:
    """Why `month` is not a month (YYYY-MM), or None."""
    parts = month.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4 or len(parts[1]) != 2:
        return "Enter the month as YYYY-MM, for example 2026-11"
    if not 1 <= int(parts[1]) <= 12 or not 2008 <= int(parts[0]) <= 2100:
        return "Enter a real month, for example 2026-11"
    return None


def previous_month(today: date) -> str:
    """The month before `today`'s: the one whose decisions are all in."""
    year, number = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{number:02d}"

"""Drawing the quality-review sample: reproducible from its seeds, a share of each kind rounded up."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime

import pytest

from disclosure_service.quality.sampling import (
    Candidate,
    Kind,
    draw,
    may_review,
    month_bounds,
    month_problem,
    previous_month,
    seed,
)

WHEN = datetime(2026, 11, 15, tzinfo=UTC)


def _candidates(n: int, kind: Kind = Kind.no_disclosure) -> list[Candidate]:
    return [Candidate(case_id, kind, WHEN, frozenset({1, 2})) for case_id in range(1, n + 1)]


def test_the_seed_is_the_sha256_of_the_case_the_kind_and_the_month() -> None:
    assert seed(42, Kind.authorisation, "2026-11") == hashlib.sha256(b"42:authorisation:2026-11").hexdigest()
    assert seed(42, Kind.authorisation, "2026-11") != seed(42, Kind.authorisation, "2026-12")


def test_the_same_decisions_give_the_same_sample_in_any_order() -> None:
    candidates = _candidates(40)
    first = draw(candidates, 10, "2026-11")
    shuffled = candidates[:]
    random.Random(7).shuffle(shuffled)
    assert draw(shuffled, 10, "2026-11") == first
    assert len(first) == 4
    # The lowest four seeds, worked out here from the hashes themselves.
    expected = sorted(range(1, 41), key=lambda i: hashlib.sha256(f"{i}:no_disclosure:2026-11".encode()).hexdigest())
    assert [c.case_id for c in first] == expected[:4]
    # Another month draws other cases.
    assert draw(candidates, 10, "2026-12") != first


@pytest.mark.parametrize(("n", "share", "drawn"), [(0, 10, 0), (1, 10, 1), (9, 10, 1), (11, 10, 2), (5, 100, 5)])
def test_a_share_of_each_kind_is_drawn_rounded_up(n: int, share: int, drawn: int) -> None:
    candidates = _candidates(n) + _candidates(n, Kind.authorisation)
    sample = draw(candidates, share, "2026-11")
    assert sum(c.kind is Kind.no_disclosure for c in sample) == drawn
    assert sum(c.kind is Kind.authorisation for c in sample) == drawn


def test_nobody_reviews_a_decision_they_took_part_in() -> None:
    assert not may_review(frozenset({3, 9}), 9)
    assert may_review(frozenset({3, 9}), 4)


def test_months_are_london_months() -> None:
    start, end = month_bounds("2026-03")
    assert (start.isoformat(), end.isoformat()) == ("2026-03-01T00:00:00+00:00", "2026-04-01T00:00:00+01:00")
    assert month_bounds("2026-12")[1].date() == date(2027, 1, 1)
    assert previous_month(date(2027, 1, 5)) == "2026-12"
    assert month_problem("2026-11") is None
    for wrong in ("2026-13", "26-11", "November", "2026-1"):
        assert month_problem(wrong) is not None

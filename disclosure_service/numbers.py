"""Numbers and dates typed by people (query strings, forms), read strictly. Plain functions.

Python reads more than a person or a database means by a number: `'²'.isdigit()` is True but
`int('²')` fails, `int('٣')` is 3, `int('3_000')` is 3000, and an int has no upper bound while the
database's ids are PostgreSQL integers (int4). A number or date that reached a query unchecked was
a 500. Query and form values go through `whole_number` and `iso_date`, which accept only plain
ASCII within bounds; ids in paths are checked for every route at once by `web.ids`.
"""

from __future__ import annotations

import re
from datetime import date

INT4_MAX = 2**31 - 1
INT8_MAX = 2**63 - 1
# Wide enough for any date a case or a search needs, and far from Python's year 1 and 9999, where
# adding a day or moving to another time zone overflows.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
_ASCII_NUMBER = re.compile(r"[0-9]{1,19}")
_ASCII_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def whole_number(text: str | None, *, low: int = 1, high: int = INT4_MAX) -> int | None:
    """`text` as an int if it is plain ASCII digits within [low, high]; otherwise None."""
    if text is None or not _ASCII_NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def iso_date(text: str) -> date | None:
    """A YYYY-MM-DD date in ASCII digits between EARLIEST and LATEST; otherwise None."""
    if not _ASCII_DATE.fullmatch(text):
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return None
    return value if EARLIEST <= value <= LATEST else None

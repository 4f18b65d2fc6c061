"""How dates and times are written for people: Europe/London, British English.

The database holds UTC; only screens and documents convert.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
# Spelt out, not strftime's %B: that follows the server's locale.
MONTHS = {
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "cy": [
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
        "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
    ],
}  # fmt: skip


def to_london(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not allowed: store and pass UTC-aware values")
    return moment.astimezone(LONDON)


def long_date(value: date | datetime | None, language: str = "en") -> str:
    """28 November 2026 (in Welsh, 28 Tachwedd 2026)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return f"{value.day} {MONTHS[language][value.month - 1]} {value.year}"


def clock_time(moment: datetime, language: str = "en") -> str:
    """3:04pm, 11am, midday, midnight (GOV.UK style); in Welsh, the 24-hour clock (15:04), which
    needs no words that could be wrong."""
    local = to_london(moment)
    if language == "cy":
        return f"{local.hour:02d}:{local.minute:02d}"
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def long_datetime(moment: datetime | None) -> str:
    """28 November 2026 at 3:04pm, in London time."""
    if moment is None:
        return ""
    return f"{long_date(moment)} at {clock_time(moment)}"


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years old on `day` (a 29 February birthday counts from 1 March in other years)."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def age_today(date_of_birth: date | None, now: datetime | None = None) -> int | None:
    """How old someone is today in London (None if their date of birth is not known)."""
    if date_of_birth is None:
        return None
    return age_on(date_of_birth, to_london(now or datetime.now(LONDON)).date())

"""Forms described once, rendered by one template and read back into the API's own msgspec Structs.

A `Field` says what to ask and how; `parse` turns a submitted form into the Struct the JSON API
would take, collecting a clear message for every field that is wrong (not just the first), so the
page can be shown again with what was typed, an error summary and a message by each field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

import msgspec

from disclosure_service.dates import LONDON
from disclosure_service.numbers import EARLIEST, LATEST, whole_number
from disclosure_service.web.forms import FormErrors

T = TypeVar("T")
Options = Sequence[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Field:
    """One question. `name` may be dotted ("applicant.full_name") to build nested input."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, date, datetime, yesno, radios, select, checkboxes, number, file, hidden
    hint: str = ""
    required: bool = True
    options: Options = ()
    message: str = ""  # what to say when it is missing
    width: str = ""  # a GOV.UK width class for text inputs
    max_bytes: int = 0  # for a file: the largest accepted
    # Needed only when another answer is given: (field name, value). The label then says when
    # (`needed_if`) instead of "(optional)", and leaving it empty then is an error like any other.
    when: tuple[str, str] | None = None
    needed_if: str = ""
    # What an error message calls it, where the label is a question or a long phrase ("The concern").
    called: str = ""

    @property
    def id(self) -> str:
        return self.name.replace(".", "-").replace("_", "-")

    @property
    def anchor(self) -> str:
        return f"{self.id}-day" if self.kind in ("date", "datetime") else self.id

    @property
    def optional(self) -> bool:
        """Whether the label says "(optional)": never for an answer that is needed in some cases."""
        return not self.required and self.when is None and not self.needed_if and self.kind != "checkboxes"

    def needed(self, form: dict[str, list[str]]) -> bool:
        if self.required:
            return True
        if self.when is None:
            return False
        name, value = self.when
        return [v.strip() for v in form.get(name, [])][:1] == [value]

    def missing(self) -> str:
        if self.message:
            return self.message
        if self.kind == "yesno":
            return "Select yes or no"
        if self.kind in ("radios", "select"):
            return f"Select {_lower_first(self.label)}".rstrip("?")
        return f"Enter {_lower_first(self.label)}".rstrip("?")

    def too_long(self, limit: int) -> str:
        """GOV.UK's wording: "Notes must be 10,000 characters or fewer"."""
        return f"{self.called or self.label.rstrip('?')} must be {limit:,} characters or fewer"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    fields: tuple[Field, ...]
    hint: str = ""


@dataclass(slots=True)
class Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    errors: FormErrors = field(default_factory=FormErrors)


def all_fields(sections: Sequence[Section]) -> list[Field]:
    return [f for section in sections for f in section.fields]


def parse(
    sections: Sequence[Section], form: dict[str, list[str]], struct: type[T], *, extra: dict[str, Any]
) -> tuple[T | None, FormErrors]:
    """The Struct, or None and every problem found."""
    parsed = Parsed()
    limits = text_limits(struct)
    for spec in all_fields(sections):
        _read(spec, form, parsed, limits.get(_pattern(spec.name)))
    if parsed.errors:
        return None, parsed.errors
    nested = _nest({**parsed.values, **extra})
    try:
        return msgspec.convert(nested, struct), parsed.errors
    except msgspec.ValidationError as exc:
        # Only what the fields cannot know (a rule of the Struct itself): every limit the Struct
        # declares was checked above, field by field, so all of them are reported at once.
        name = _field_of(str(exc))
        asked = next((f for f in all_fields(sections) if f.name == name), None)
        if asked is None:
            parsed.errors.add(name, "Check this answer")
        else:
            parsed.errors.add(name, asked.missing(), asked.anchor)
        return None, parsed.errors


def readable(sections: Sequence[Section], form: dict[str, list[str]]) -> dict[str, Any]:
    """The answers that could be read, by field name, whatever else is wrong with the form: for
    rules that compare answers, so their problems are shown with the others, not after them."""
    parsed = Parsed()
    for spec in all_fields(sections):
        _read(spec, form, parsed)
    return parsed.values


def _pattern(name: str) -> str:
    """children.0.full_name -> children.*.full_name: every item of a list has the same limits."""
    return ".".join("*" if part.isdecimal() else part for part in name.split("."))


_LIMITS: dict[type[Any], dict[str, int]] = {}


def text_limits(struct: type[Any]) -> dict[str, int]:
    """The longest text each field of `struct` takes, by dotted name (`*` for any item of a list),
    read from the Struct's own `Meta(max_length=...)` so the form and the API cannot disagree."""
    if struct in _LIMITS:
        return _LIMITS[struct]
    found: dict[str, int] = {}

    def walk(info: Any, prefix: str) -> None:
        if isinstance(info, msgspec.inspect.StructType):
            for member in info.fields:
                walk(member.type, f"{prefix}.{member.encode_name}")
        elif isinstance(info, msgspec.inspect.UnionType):
            for option in info.types:
                walk(option, prefix)
        elif isinstance(info, msgspec.inspect.ListType) and isinstance(info.item_type, msgspec.inspect.StructType):
            for member in info.item_type.fields:
                walk(member.type, f"{prefix}.*.{member.encode_name}")
        elif isinstance(info, msgspec.inspect.StrType) and info.max_length is not None:
            found[prefix] = info.max_length

    info = msgspec.inspect.type_info(struct)
    if isinstance(info, msgspec.inspect.StructType):
        for member in info.fields:
            walk(member.type, member.encode_name)
    _LIMITS[struct] = found
    return found


def _read(spec: Field, form: dict[str, list[str]], parsed: Parsed, limit: int | None = None) -> None:
    if spec.kind == "file":
        return  # uploaded files are read by the page that accepts them
    if spec.kind in ("date", "datetime"):
        _read_date(spec, form, parsed)
        return
    values = [v.strip() for v in form.get(spec.name, [])]
    if spec.kind == "checkboxes":
        _read_checkboxes(spec, [v for v in values if v], parsed, needed=spec.needed(form))
        return
    raw = values[0] if values else ""
    if not raw:
        if spec.needed(form):
            parsed.errors.add(spec.name, spec.missing(), spec.anchor)
        elif spec.kind in ("text", "textarea"):
            parsed.values[spec.name] = ""
        return
    if limit is not None and spec.kind in ("text", "textarea") and len(raw) > limit:
        parsed.errors.add(spec.name, spec.too_long(limit), spec.anchor)
        return
    value, problem = _convert(spec, raw)
    if problem:
        parsed.errors.add(spec.name, problem, spec.anchor)
    else:
        parsed.values[spec.name] = value


def _convert(spec: Field, raw: str) -> tuple[Any, str | None]:
    if spec.kind == "yesno":
        return raw == "true", None if raw in ("true", "false") else spec.missing()
    if spec.kind in ("radios", "select"):
        if spec.options and raw not in {value for value, _ in spec.options}:
            return None, spec.missing()
        number = whole_number(raw, low=0) if spec.kind == "select" else None
        return (raw if number is None else number), None
    if spec.kind == "hidden":  # an id carried from the page it came from (whose details, which check)
        number = whole_number(raw, low=0)
        return (raw if number is None else number), None
    if spec.kind == "number":
        number = whole_number(raw, low=0)
        return (number, None) if number is not None else (None, f"{spec.label} must be a whole number, like 14")
    return raw, None


def _read_checkboxes(spec: Field, chosen: list[str], parsed: Parsed, *, needed: bool) -> None:
    if needed and not chosen:
        parsed.errors.add(spec.name, spec.missing(), spec.anchor)
    elif set(chosen) - {value for value, _ in spec.options}:
        parsed.errors.add(spec.name, f"Choose from the options for {spec.label.lower()}", spec.anchor)
    parsed.values[spec.name] = chosen


def _read_date(spec: Field, form: dict[str, list[str]], parsed: Parsed) -> None:
    parts = {part: (form.get(f"{spec.name}-{part}") or [""])[0].strip() for part in ("day", "month", "year")}
    clock = (form.get(f"{spec.name}-time") or [""])[0].strip()
    if not any(parts.values()) and not clock:
        if spec.needed(form):
            parsed.errors.add(spec.name, spec.missing(), spec.anchor)
        return
    day = _real_date(parts["year"], parts["month"], parts["day"])
    if day is None:
        parsed.errors.add(spec.name, f"{spec.label} must be a real date, like 28 11 2026", spec.anchor)
        return
    if spec.kind == "date":
        parsed.values[spec.name] = day
        return
    try:
        hours, minutes = (_strict_int(n) for n in clock.replace(".", ":").split(":"))
        moment = datetime.combine(day, time(hours, minutes), tzinfo=LONDON)
    except ValueError:
        parsed.errors.add(spec.name, "Enter the time using the 24-hour clock, like 14:30", f"{spec.id}-time")
        return
    parsed.values[spec.name] = moment.astimezone(UTC)


def _real_date(year: str, month: str, day: str) -> date | None:
    """A date in plain digits, in the years a case can be about (`numbers.EARLIEST` to `LATEST`)."""
    parts = [whole_number(part) for part in (year, month, day)]
    if None in parts:
        return None
    try:
        found = date(*(part for part in parts if part is not None))
    except ValueError:
        return None
    return found if EARLIEST <= found <= LATEST else None


def _strict_int(text: str) -> int:
    number = whole_number(text, low=0, high=99)
    if number is None:
        raise ValueError(text)
    return number


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    """{"a.b": 1, "c.0.d": 2} to {"a": {"b": 1}, "c": [{"d": 2}]}; empty list items are dropped."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = key.split(".")
        target = nested
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return {key: _listify(value) for key, value in nested.items()}


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        if value and all(k.isascii() and k.isdecimal() for k in value):
            items = [_listify(value[k]) for k in sorted(value, key=int)]
            return [item for item in items if any(v not in ("", None, []) for v in item.values())]
        return {k: _listify(v) for k, v in value.items()}
    return value


def _field_of(message: str) -> str:
    if "at `$." in message:
        path = message.rsplit("at `$.", 1)[1].rstrip("`")
        return ".".join(part.split("[")[0] for part in path.split("."))
    return "form"

"""Reading HTML forms and reporting their errors the GOV.UK way.

Forms are read by hand rather than into typed models so that a mistake re-renders the page with
what the user typed, an error summary and a message next to each field, instead of a JSON 400.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from litestar import Request


async def read_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Single-valued fields, stripped of surrounding spaces (passwords are kept exactly)."""
    form = await request.form()
    values: dict[str, str] = {}
    for key in form:
        if key == "_csrf_token":
            continue
        value = form.get(key)
        if isinstance(value, str):
            values[key] = value if "password" in key else value.strip()
    return values


async def read_form_lists(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    """Every field with all its values (checkboxes send one value per ticked box)."""
    form = await request.form()
    return {key: [v for v in form.getall(key) if isinstance(v, str)] for key in form if key != "_csrf_token"}


@dataclass
class FormErrors:
    """Messages by field name; `anchors` maps a field to the id its summary link jumps to."""

    messages: dict[str, str] = field(default_factory=dict)
    anchors: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str, anchor: str | None = None) -> None:
        self.messages.setdefault(name, message)
        if anchor:
            self.anchors[name] = anchor

    def __bool__(self) -> bool:
        return bool(self.messages)

    def summary(self) -> list[dict[str, str]]:
        return [
            {"text": message, "href": "#" + self.anchors.get(name, name.replace("_", "-"))}
            for name, message in self.messages.items()
        ]

    def context(self) -> dict[str, Any]:
        """What the templates expect: `errors` by field and `error_list` for the summary."""
        return {"errors": self.messages, "error_list": self.summary()}


def local_path(candidate: str | None, default: str = "/") -> str:
    """A redirect target that stays on this site (no scheme, no host, no //evil.example)."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return candidate


def with_ready(page: str, ready: str) -> str:
    """`page` with `ready=` naming what is now ready to fetch (a download the user asked for)."""
    parts = urlsplit(page)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "ready"] + [("ready", ready)]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def ready_link(request: Request[Any, Any, Any] | None) -> str:
    """The download a page offers after a fresh code took the user back to it ("" if none)."""
    if request is None:
        return ""
    ready = local_path(request.query_params.get("ready"), default="")
    # Only a case's files are ever fetched this way: the banner offers nothing else.
    return ready if ready.startswith("/cases/") else ""

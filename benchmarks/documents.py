"""Undertakings per second on one core: the shipped English and Welsh templates, rendered in sequence.

Target: under 100 ms per document. Calls the service's own `documents.render` (docxtpl, strict and
escaping) with the template file's bytes, as `_generate_undertaking` does with the force's active
version; no database is needed. One process, one document at a time: the figure is one core's
worth (the service renders in a worker thread, so a process adds no parallelism beyond that).
"""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from typing import Any

from docx import Document

from benchmarks import harness
from disclosure_service.dates import clock_time, long_date
from disclosure_service.disclosures import documents, store

ROUNDS = 200
WARM_UP = 3
TARGET_MS = 100.0

# Shaped like a real case: a name with an apostrophe and accents, two children, two officers.
MEETING = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
RECIPIENT = "Siân O'Connor-Whitfield"


def context(language: str) -> dict[str, Any]:
    """The values `_generate_undertaking` fills in, formatted the same way."""
    return {
        "reference": "WYP-2026-01234",
        "force_name": "West Yorkshire Police",
        "recipient_name": RECIPIENT,
        "child_names": "Amelia Whitfield, Oliver Whitfield",
        "meeting_date": long_date(MEETING),
        "meeting_time": clock_time(MEETING),
        "meeting_place": "Halifax Police Station, Richmond Lodge, Halifax HX1 1TT"
        if language == "en"
        else "Gorsaf Heddlu Caerfyrddin, Heol Llangynnwr, Caerfyrddin SA31 2PF",
        "officers": "DC Sarah Patel (4471), PC Gareth Evans (2210)",
        "template_version": "1",
    }


def check(content: bytes, values: dict[str, Any]) -> None:
    """The result opens with python-docx and says what it was given, with nothing left unfilled."""
    document = Document(io.BytesIO(content))
    if not document.paragraphs:
        raise RuntimeError("the rendered undertaking has no paragraphs")
    text = documents.text_of(content)
    for field in ("recipient_name", "reference", "child_names", "meeting_place", "officers"):
        if values[field] not in text:
            raise RuntimeError(f"the rendered undertaking does not contain its {field}: {values[field]!r}")
    if "{{" in text or "}}" in text:
        raise RuntimeError("the rendered undertaking still has an unfilled tag")


async def run() -> None:
    for language in ("en", "cy"):
        path = store.shipped_path("undertaking", language)
        template = path.read_bytes()
        values = context(language)
        started = time.perf_counter()
        first = documents.render(template, values)
        first_ms = (time.perf_counter() - started) * 1000
        check(first, values)
        for _ in range(WARM_UP - 1):
            documents.render(template, values)
        timings: list[float] = []
        content = first
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        for _ in range(ROUNDS):
            started = time.perf_counter()
            content = documents.render(template, values)
            timings.append((time.perf_counter() - started) * 1000)
        wall = time.perf_counter() - wall_started
        cpu = time.process_time() - cpu_started
        check(content, values)
        print(
            f"{path.name} ({len(template):,} bytes in, {len(content):,} bytes out): first render {first_ms:.1f} ms; "
            f"{ROUNDS / wall:.1f} documents/s, {cpu / wall * 100:.0f}% of one core"
        )
        harness.report(f"{language} undertaking per document", timings)
        ordered = sorted(timings)
        p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
        verdict = "within" if p95 < TARGET_MS else "OVER"
        print(
            f"{language}: p95 {p95:.1f} ms is {verdict} the {TARGET_MS:.0f} ms target; "
            "the last result opened with python-docx and holds the recipient, reference and meeting"
        )

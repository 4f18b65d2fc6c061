"""Template checks and documents run in a child process with limits, never on the event loop."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

import pytest

from disclosure_service.disclosures import documents, sandbox
from disclosure_service.paths import DOCUMENT_TEMPLATES_DIR
from tests.factories import docx_with

REQUIRED = "{{ reference }} {{ recipient_name }} {{ meeting_date }} {{ meeting_place }} {{ template_version }}"
NESTED_LOOPS = (
    "{% for a in range(100) %}{% for b in range(100) %}{% for c in range(100) %}{% for d in range(100) %}"
    "{{ a }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}"
)
T = TypeVar("T")


def empty_paragraphs(count: int) -> bytes:
    """The attack that got a worker killed: 300,000 empty paragraphs, about 40 KB zipped."""
    source = zipfile.ZipFile(io.BytesIO(docx_with(REQUIRED)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                data = data.replace(b"<w:sectPr", b"<w:p/>" * count + b"<w:sectPr", 1)
            target.writestr(entry.filename, data)
    return out.getvalue()


def what_the_system_says(pid: int) -> tuple[bytes, str]:
    """A process's environment and limits, as Linux shows them."""
    return Path(f"/proc/{pid}/environ").read_bytes(), Path(f"/proc/{pid}/limits").read_text()


async def while_counting_ticks(work: Awaitable[T]) -> tuple[T, int, float]:
    """The work's result, how often a 50 ms timer fired meanwhile, and the seconds it took."""
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    ticker = asyncio.create_task(tick())
    started = time.monotonic()
    try:
        result = await work
    finally:
        ticker.cancel()
    return result, ticks, time.monotonic() - started


@pytest.mark.parametrize(
    "content", [docx_with(REQUIRED, NESTED_LOOPS), empty_paragraphs(300_000)], ids=["nested loops", "paragraphs"]
)
async def test_a_template_that_would_take_a_worker_is_stopped_and_the_loop_keeps_serving(
    content: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "CPU_SECONDS", 1)
    assert len(content) < 50_000
    found, ticks, seconds = await while_counting_ticks(sandbox.problems("undertaking", content))
    assert found == [
        "The template could not be checked: it used more than its share of time or memory: the template is too "
        "large or too complex"
    ]
    assert seconds < 5
    assert ticks >= seconds / 0.05 * 0.5  # the event loop went on answering all the while
    # The killed child is replaced: the next document is made as usual.
    shipped = (DOCUMENT_TEMPLATES_DIR / "undertaking.en.v1.docx").read_bytes()
    rendered = await sandbox.render(shipped, documents.sample_context("undertaking"))
    assert "<sample> & recipient_name" in documents.text_of(rendered)


async def test_a_job_past_the_wall_clock_limit_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "WALL_SECONDS", 0.3)
    with pytest.raises(sandbox.SandboxError, match="took more than"):
        await sandbox.render(docx_with(REQUIRED, NESTED_LOOPS), documents.sample_context("undertaking"))


async def test_the_child_holds_no_secrets_and_runs_under_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "never-in-the-child-" + "k" * 32)
    monkeypatch.setenv("APP_DATABASE_URL", "postgresql://secret@nowhere/db")
    own = sandbox.Sandbox(max_children=1)
    try:
        shipped = (DOCUMENT_TEMPLATES_DIR / "non_disclosure_letter.en.v1.docx").read_bytes()
        answer = await own.run(sandbox._Job("problems", shipped, name="non_disclosure_letter"))
        assert answer.ok
        assert answer.problems == []
        [pid] = own.idle_pids()
        environment, limits = what_the_system_says(pid)
    finally:
        await own.close()
    assert b"SECRET_KEY" not in environment
    assert b"DATABASE_URL" not in environment
    assert f"Max address space         {sandbox.MEMORY_BYTES}" in limits
    assert "Max file size             0" in limits


async def test_a_render_error_comes_back_as_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = (DOCUMENT_TEMPLATES_DIR / "undertaking.en.v1.docx").read_bytes()
    context = documents.sample_context("undertaking")
    del context["reference"]
    with pytest.raises(sandbox.SandboxError, match="UndefinedError"):
        await sandbox.render(shipped, context)

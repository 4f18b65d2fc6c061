"""Word documents from versioned templates (docxtpl), and their optional PDF (LibreOffice).

Rendering always escapes (`autoescape`: a `<` or `&` typed by an officer would otherwise delete a
whole paragraph silently) and never guesses (`StrictUndefined`: a missing value is an error, not a
blank). Templates are the force's to edit: each upload is checked before it can be used, for what
Word would do with it as well as for its tags (`safety`). Checks and rendering run in a separate
process with CPU and memory limits (`sandbox`), never on the event loop.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from disclosure_service import files
from disclosure_service.disclosures import safety

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGES = {"en": "English", "cy": "Welsh (Cymraeg)"}
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024

# What each template may use, and what it must use: a form without the recipient's name or the
# case reference is no undertaking.
FIELDS: dict[str, frozenset[str]] = {
    "undertaking": frozenset(
        {
            "reference",
            "force_name",
            "recipient_name",
            "child_names",
            "meeting_date",
            "meeting_time",
            "meeting_place",
            "officers",
            "template_version",
        }
    ),
    "non_disclosure_letter": frozenset(
        {
            "reference",
            "force_name",
            "applicant_name",
            "applicant_address",
            "letter_date",
            "officer_name",
            "safeguarding_advice",
            "template_version",
        }
    ),
}
REQUIRED: dict[str, frozenset[str]] = {
    "undertaking": frozenset({"reference", "recipient_name", "meeting_date", "meeting_place", "template_version"}),
    "non_disclosure_letter": frozenset({"reference", "applicant_name", "template_version"}),
}
TITLES = {"undertaking": "Confidentiality undertaking", "non_disclosure_letter": "Non-disclosure letter"}


# A template has no use for long loops (every value is one piece of text); nested loops multiply.
MAX_RANGE = 100


class _TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, with the cheap ways of building huge values taken away."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        # "x" * 10**9 is one short tag and a gigabyte of text.
        if operator == "**" or not (isinstance(left, int | float) and isinstance(right, int | float)):
            raise SecurityError(f"a template may not use {operator} except to multiply numbers")
        return super().call_binop(context, operator, left, right)


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"a template may loop at most {MAX_RANGE} times")
    return numbers


def environment() -> Environment:
    """A sandbox: an uploaded template is the administrator's text, not code the service runs.
    Without it a template could reach Python's internals through any value's attributes."""
    env = _TemplateSandbox(autoescape=True, undefined=StrictUndefined)
    env.globals["range"] = _bounded_range
    return env


def sample_context(name: str) -> dict[str, str]:
    """Values of the right shape, with characters that break careless templates."""
    return {field: f"<sample> & {field}" for field in FIELDS[name]}


def render(template: bytes, context: dict[str, Any], *, crest: bytes | None = None) -> bytes:
    """The filled-in document. Synchronous and CPU-bound: the service calls it through `sandbox.render`.

    Refuses a template whose zip would inflate too far before opening it, and refuses the result if
    it holds anything `safety` forbids, whatever the template was when it was uploaded. The force's
    `crest` (a PNG) takes the place of the header picture named `CREST`, if the template has one.
    """
    if found := safety.zip_problems(template):
        raise safety.UnsafeDocumentError("; ".join(found))
    document = DocxTemplate(io.BytesIO(template))  # a fresh object every time: rendering mutates it
    document.render(context, jinja_env=environment())
    if crest is not None:
        put_crest(document, crest)
    if found := safety.package_problems(document.docx.part.package):
        raise safety.UnsafeDocumentError("; ".join(found))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# The name of the picture in a template's header that the force's crest replaces (a transparent
# pixel in the shipped templates, so a force without a crest shows nothing there).
CREST = "crest"


def put_crest(document: DocxTemplate, crest: bytes) -> bool:
    """Put the crest in the place of every header picture named `CREST`, as high as the picture
    was and as wide as the crest's shape needs. False if the template has no such picture."""
    size = files.png_size(crest)
    if size is None:
        return False
    placed = False
    for rel in document.docx.part.rels.values():
        if rel.reltype != RT.HEADER:
            continue
        part = rel.target_part
        for inline in part.element.xpath(".//wp:inline[wp:docPr/@name='crest']"):
            [embed] = inline.xpath(".//a:blip/@r:embed")
            part.related_parts[embed]._blob = crest
            height = int(inline.xpath("./wp:extent/@cy")[0])
            width = str(height * size[0] // size[1])
            for extent in (*inline.xpath("./wp:extent"), *inline.xpath(".//a:xfrm/a:ext")):
                extent.set("cx", width)
            placed = True
    return placed


def text_of(docx: bytes) -> str:
    """Every paragraph, table cell, header and footer of a document, for checks and tests."""
    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.footer):
            parts += [p.text for p in part.paragraphs]
            parts += [cell.text for table in part.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def problems(name: str, content: bytes) -> list[str]:
    """Why an uploaded template cannot be used, in words for the administrator (empty if it can)."""
    if name not in FIELDS:
        return [f"There is no document called {name}"]
    if len(content) > MAX_TEMPLATE_BYTES:
        return ["The template must be 2 MB or smaller"]
    if not content.startswith(b"PK"):
        return ["The file is not a Word document (.docx)"]
    if unsafe := safety.problems(content):
        return unsafe
    used, unreadable = _variables(content)
    if unreadable:
        return [unreadable]
    found = [
        f"The template uses {{{{ {f} }}}}, which the service does not fill in" for f in sorted(used - FIELDS[name])
    ]
    found += [f"The template must include {{{{ {f} }}}}" for f in sorted(REQUIRED[name] - used)]
    if not found:
        try:
            render(content, sample_context(name))
        except Exception as exc:  # noqa: BLE001  # any failure to render means the template cannot be used
            found.append(f"The template does not render: {exc}")
    return found


def _variables(content: bytes) -> tuple[set[str], str | None]:
    try:
        used: set[str] = DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables(jinja_env=environment())
    except TemplateError as exc:
        return set(), f"The template has a tag that cannot be read: {exc}"
    except Exception:  # noqa: BLE001  # python-docx and lxml raise many kinds for a broken file
        return set(), "The file is not a Word document (.docx) that can be opened"
    return used, None


# ---------------------------------------------------------------------------------------------
# PDF, when LibreOffice is installed


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice() is not None


async def to_pdf(docx: bytes, seconds: float = 60) -> bytes:
    """Convert with a private LibreOffice profile per call (two sharing one fail silently)."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice is not installed on this server")
    with tempfile.TemporaryDirectory(prefix="ds-pdf-") as folder:
        work = Path(folder)
        (work / "document.docx").write_bytes(docx)
        process = await asyncio.create_subprocess_exec(
            program,
            f"-env:UserInstallation=file://{work}/profile",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(work / "document.docx"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env={"HOME": str(work), "PATH": "/usr/bin:/bin"},
        )
        try:
            _, errors = await asyncio.wait_for(process.communicate(), seconds)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise RuntimeError("LibreOffice took too long to convert the document") from None
        pdf = work / "document.pdf"
        # LibreOffice exits 0 even when it produced nothing: check the output itself.
        if not pdf.exists() or not pdf.read_bytes().startswith(b"%PDF"):
            raise RuntimeError(f"LibreOffice did not produce a PDF: {errors.decode(errors='replace')[-300:]}")
        return pdf.read_bytes()

"""Handing out what was generated (documents and scans, each download logged with its recipient),
and the force's Word templates (each upload checked, versioned and logged)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from disclosure_service.audit.vocabulary import Operation, person_reference
from disclosure_service.audit.writer import Caller
from disclosure_service.cases import queries, reading
from disclosure_service.cases.errors import CaseNotFoundError
from disclosure_service.database import engine as db
from disclosure_service.disclosures import documents, store
from disclosure_service.identity.principal import Principal


@dataclass(frozen=True, slots=True)
class Download:
    filename: str
    media_type: str
    content: bytes


class NoSuchTemplateError(Exception):
    """No template version with that id in the force."""


def safe_filename(name: str) -> str:
    """Letters, digits, dots and dashes only: nothing a browser or a header could misread."""
    cleaned = re.sub(r"[^A-Za-z0-9.-]+", "-", name).strip("-.")
    return cleaned[:120] or "document"


async def document(caller: Caller, case_id: int, document_id: int) -> Download:
    """A generated document of the case; giving it out is a disclosure, logged with its recipient."""
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        case = await queries.application_row(conn, case_id)
        found = await store.document(conn, case_id, document_id)
        if case is None or found is None:
            raise CaseNotFoundError(case_id)
        justification = await reading.justify(conn, caller.principal, case)
        await caller.record(
            conn,
            operation=Operation.disclosure,
            event="document.downloaded",
            application_id=case_id,
            reference=case.reference,
            record_type=found.kind,
            record_id=document_id,
            justification=justification,
            recipients=person_reference(found.recipient_id, found.recipient_part) if found.recipient_id else "",
            now=datetime.now(UTC),
        )
    return Download(safe_filename(found.filename), documents.DOCX_TYPE, found.content)


async def scan(caller: Caller, case_id: int, response_id: int) -> Download:
    """The scan of a signed undertaking (a consultation of the case)."""
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        case = await queries.application_row(conn, case_id)
        found = await store.scan(conn, case_id, response_id)
        if case is None or found is None:
            raise CaseNotFoundError(case_id)
        justification = await reading.justify(conn, caller.principal, case)
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="undertaking.scan_viewed",
            application_id=case_id,
            reference=case.reference,
            record_type="undertaking_outcome",
            record_id=response_id,
            justification=justification,
            now=datetime.now(UTC),
        )
    filename, content_type, content = found
    return Download(safe_filename(filename or "signed-undertaking"), content_type, content)


async def attachment(caller: Caller, case_id: int, attachment_id: int) -> Download:
    """A file kept with the case. It leaves the system with whoever downloads it: a disclosure to them."""
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        case = await queries.application_row(conn, case_id)
        found = await store.attachment(conn, case_id, attachment_id)
        if case is None or found is None:
            raise CaseNotFoundError(case_id)
        justification = await reading.justify(conn, caller.principal, case)
        await caller.record(
            conn,
            operation=Operation.disclosure,
            event="attachment.downloaded",
            application_id=case_id,
            reference=case.reference,
            record_type="attachment",
            record_id=attachment_id,
            justification=justification,
            recipients=caller.principal.display_name,
            now=datetime.now(UTC),
        )
    filename, content_type, content = found
    return Download(safe_filename(filename), content_type, content)


# ---------------------------------------------------------------------------------------------
# Templates


async def template_versions(principal: Principal) -> dict[tuple[str, str], list[store.TemplateListing]]:
    """Every version of every template the force has, newest first, by (template, language)."""
    now = datetime.now(UTC)
    async with db.transaction(force_id=principal.force_id) as conn:
        for name in documents.FIELDS:
            for language in documents.LANGUAGES:
                await store.active_template(conn, principal.force_id, name, language, now)
        versions = await store.template_versions(conn)
    grouped: dict[tuple[str, str], list[store.TemplateListing]] = {}
    for version in versions:
        grouped.setdefault((version.name, version.language), []).append(version)
    return grouped


async def add_template(caller: Caller, *, name: str, language: str, filename: str, content: bytes) -> int:
    """A checked upload as the force's new active version; its version number."""
    now = datetime.now(UTC)
    principal = caller.principal
    async with db.transaction(force_id=principal.force_id) as conn:
        version = await store.add_version(
            conn,
            force_id=principal.force_id,
            name=name,
            language=language,
            filename=filename,
            content=content,
            uploaded_by=principal.user_id,
            now=now,
        )
        await caller.record(
            conn,
            operation=Operation.administration,
            event="template.uploaded",
            record_type="document_template",
            details={"name": name, "language": language, "version": version},
            now=now,
        )
    return version


async def template_file(principal: Principal, template_id: int) -> Download:
    async with db.transaction(force_id=principal.force_id) as conn:
        found = await store.template_file(conn, template_id)
    if found is None:
        raise NoSuchTemplateError(template_id)
    filename, content = found
    return Download(safe_filename(filename), documents.DOCX_TYPE, content)

"""Handing out what was generated: documents and scans, each download logged with its recipient."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import RequestMeta, record
from disclosure_service.auth.principal import Principal
from disclosure_service.cases import queries, reading
from disclosure_service.cases.actions import CaseNotFoundError
from disclosure_service.database import engine as db
from disclosure_service.disclosures.documents import DOCX_TYPE


@dataclass(frozen=True, slots=True)
class Download:
    filename: str
    media_type: str
    content: bytes


def safe_filename(name: str) -> str:
    """Letters, digits, dots and dashes only: nothing a browser or a header could misread."""
    cleaned = re.sub(r"[^A-Za-z0-9.-]+", "-", name).strip("-.")
    return cleaned[:120] or "document"


async def document(principal: Principal, case_id: int, document_id: int, meta: RequestMeta) -> Download:
    """A generated document of the case; giving it out is a disclosure, logged with its recipient."""
    async with db.transaction(force_id=principal.force_id) as conn:
        application = await queries.application_row(conn, case_id)
        row = await conn.fetchrow(
            "SELECT kind, filename, content, recipient_name FROM generated_document WHERE id = $1 AND application = $2",
            document_id,
            case_id,
        )
        if application is None or row is None:
            raise CaseNotFoundError(case_id)
        justification = await reading.justify(conn, principal, application)
        await record(
            conn,
            actor=principal.actor,
            operation=Operation.disclosure,
            event="document.downloaded",
            meta=meta,
            application_id=case_id,
            reference=application.reference,
            record_type=row["kind"],
            record_id=document_id,
            justification=justification,
            recipients=row["recipient_name"],
            now=datetime.now(UTC),
        )
    return Download(safe_filename(row["filename"]), DOCX_TYPE, bytes(row["content"]))


async def scan(principal: Principal, case_id: int, outcome_id: int, meta: RequestMeta) -> Download:
    """The scan of a signed undertaking (a consultation of the case)."""
    async with db.transaction(force_id=principal.force_id) as conn:
        application = await queries.application_row(conn, case_id)
        row = await conn.fetchrow(
            "SELECT scan, scan_filename, scan_content_type FROM undertaking_outcome "
            "WHERE id = $1 AND application = $2 AND scan IS NOT NULL",
            outcome_id,
            case_id,
        )
        if application is None or row is None:
            raise CaseNotFoundError(case_id)
        justification = await reading.justify(conn, principal, application)
        await record(
            conn,
            actor=principal.actor,
            operation=Operation.consultation,
            event="undertaking.scan_viewed",
            meta=meta,
            application_id=case_id,
            reference=application.reference,
            record_type="undertaking_outcome",
            record_id=outcome_id,
            justification=justification,
            now=datetime.now(UTC),
        )
    return Download(
        safe_filename(row["scan_filename"] or "signed-undertaking"), row["scan_content_type"], bytes(row["scan"])
    )

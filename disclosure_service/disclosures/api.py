"""Downloading a case's documents through the JSON API (under `/api/v1/applications`)."""

# No `from __future__ import annotations`: Litestar reads the handler's annotations at run time.

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from disclosure_service.audit.writer import Caller
from disclosure_service.disclosures import documents, service
from disclosure_service.web import access


@get(
    "/{case_id:int}/documents/{document_id:int}",
    opt=access.opt(access.CASEWORK, step_up=True),
    media_type=documents.DOCX_TYPE,
)
async def download_document(
    case_id: FromPath[int], document_id: FromPath[int], caller: NamedDependency[Caller]
) -> Response[bytes]:
    """A generated document (.docx): a disclosure, logged with its recipient. Needs a fresh code. If you
    are not on the case, read it with a reason first."""
    found = await service.document(caller, case_id, document_id)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={"content-disposition": f'attachment; filename="{found.filename}"'},
    )

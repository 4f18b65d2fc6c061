"""Files kept with the case (a scan of a birth certificate, an email from social care, a photo):
checked for kind and size, stored with their SHA-256, handed out only as a logged disclosure."""

from __future__ import annotations

import hashlib

from disclosure_service import files
from disclosure_service.cases import schemas
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import refuse
from disclosure_service.cases.spec import ActionForm, ActionSpec, fixed
from disclosure_service.cases.vocabulary import Stage
from disclosure_service.cases.workflow import Action, Rule
from disclosure_service.web.formspec import Field

ACCEPTED = "PDF, Word, an email (.eml or .msg), JPEG or PNG"


async def _add_attachment(ctx: Context, data: schemas.AttachmentIn) -> Result:
    content = files.decode(data.file_base64)
    if content is None or not content:
        raise refuse("The file could not be read: choose it again", "file")
    if len(content) > files.MAX_BYTES:
        raise refuse("The file must be 10 MB or smaller", "file")
    media_type = files.kind_of(content, data.file_filename)
    if media_type is None:
        raise refuse(f"The file must be a {ACCEPTED}", "file")
    digest = hashlib.sha256(content).hexdigest()
    attachment_id = await ctx.add(
        "attachment",
        by="uploaded_by",
        at="uploaded_at",
        filename=data.file_filename,
        content_type=media_type,
        size=len(content),
        sha256=digest,
        content=content,
        description=data.description,
    )
    return Result(
        f"File attached: {data.file_filename}",
        {"attachment_id": attachment_id, "sha256": digest, "size": len(content), "content_type": media_type},
        record_id=attachment_id,
    )


ADD_ATTACHMENT = ActionSpec(
    Action.add_attachment,
    "Attach a file",
    Rule(frozenset(Stage)),
    schemas.AttachmentIn,
    _add_attachment,
    ActionForm(
        fixed(
            Field(
                "file",
                "File",
                "file",
                hint=f"{ACCEPTED}, 10 MB or smaller. It is stored with a fingerprint (SHA-256)",
                max_bytes=files.MAX_BYTES,
                message="Choose the file to attach",
            ),
            Field("description", "What is it?", "textarea", message="Say what the file is"),
        ),
        "Attach file",
    ),
)

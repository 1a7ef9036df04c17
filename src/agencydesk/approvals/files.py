"""The file of a round: bounded in size, and only the kinds a client opens on a phone."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from agencydesk.approvals.models import FILE_NAME_MAX_LENGTH

MAX_FILE_BYTES = 10 * 1024 * 1024
ZIP = b"PK\x03\x04"
# Extension → (content type, how the file's first bytes must start).
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (ZIP,),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
    ),
}


@dataclass(frozen=True)
class Upload:
    """A file as a view or the API received it: its name and its bytes."""

    name: str
    content: bytes


def upload_check(upload: Upload) -> tuple[str, str]:
    """The clean file name and its content type, or ``ValidationError`` on the field ``file``."""
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:FILE_NAME_MAX_LENGTH]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KINDS:
        raise ValidationError(
            {"file": _("Send a PDF, PNG, JPEG, DOCX, XLSX or PPTX file.")}, code="file_type"
        )
    if not upload.content:
        raise ValidationError({"file": _("The file is empty.")}, code="file_empty")
    if len(upload.content) > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": _("The file may be at most %(mb)s MB.") % {"mb": MAX_FILE_BYTES // 2**20}},
            code="file_size",
        )
    content_type, magic = KINDS[extension]
    if not upload.content.startswith(magic):
        raise ValidationError({"file": _("The file is not what its name says.")}, code="file_type")
    return name, content_type

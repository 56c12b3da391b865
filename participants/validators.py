"""Checks on uploaded receipts: kind by content (not by name) and size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Leading bytes of the file kinds a receipt may be.
_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
}
RECEIPT_CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def receipt_kind(upload) -> str | None:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def validate_receipt(upload) -> None:
    limit = settings.MTW_RECEIPT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            {"receipt": _("The receipt is larger than %(mb)s MB.") % {"mb": settings.MTW_RECEIPT_MAX_MB}}
        )
    if receipt_kind(upload) is None:
        raise ValidationError({"receipt": _("A receipt must be a PDF, PNG or JPEG file.")})

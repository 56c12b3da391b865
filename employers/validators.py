"""Checks on uploaded résumés: a PDF by content (not by name), and not too large."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF_SIGNATURE = b"%PDF-"


def is_pdf(upload) -> bool:
    """Whether the file starts like a PDF. Leaves the read position where it was."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(len(PDF_SIGNATURE))
    upload.seek(position)
    return head == PDF_SIGNATURE


def validate_resume(upload) -> None:
    limit = settings.MTW_RESUME_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            {"resume": _("The résumé is larger than %(mb)s MB.") % {"mb": settings.MTW_RESUME_MAX_MB}}
        )
    if not is_pdf(upload):
        raise ValidationError({"resume": _("A résumé must be a PDF file.")})

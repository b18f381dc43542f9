"""File downloads built in memory (Excel, PDF): always an attachment with a safe file name."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response

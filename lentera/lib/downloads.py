"""File downloads built in memory (Excel, PDF): always an attachment with a safe file name."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def stored_file_download(stored: Any, *, filename: str, content_type: str) -> FileResponse:
    """A file someone uploaded, always as an attachment that can never run in the site's origin."""
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

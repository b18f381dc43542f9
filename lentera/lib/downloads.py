"""File downloads built in memory (Excel, PDF): always an attachment with a safe file name."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from lentera.lib.uploads import MATERIAL_KINDS

EXTENSION_OF = {kind.content_type: kind.extension for kind in MATERIAL_KINDS}
KNOWN_EXTENSIONS = frozenset(EXTENSION_OF.values())
STEM_MAX = 80


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def stored_download_name(original: str, *, stored_name: str, content_type: str) -> str:
    """The name a stored upload is downloaded under: the person's stem, cleaned, and the extension of
    the type its content was checked as at upload ("traversal.html" holding a PDF is "traversal.pdf").

    The stem keeps letters (any script), digits, spaces, dots, brackets, dashes and underscores; folders,
    control characters and everything else go. The extension never comes from the person."""
    extension = EXTENSION_OF.get(content_type)
    if extension is None:
        suffix = PurePosixPath(stored_name or "").suffix.lower().lstrip(".")
        extension = suffix if suffix in KNOWN_EXTENSIONS else "bin"
    base = PurePosixPath((original or "").replace("\\", "/")).name
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[^\w .()-]+", "-", stem)
    stem = re.sub(r"-{2,}", "-", re.sub(r"\s+", " ", stem)).strip(" .-_")
    stem = stem[:STEM_MAX].strip(" .-_")
    return f"{stem or 'berkas'}.{extension}"


def stored_file_download(stored: Any, *, filename: str, content_type: str) -> FileResponse:
    """A file someone uploaded, always as an attachment that can never run in the site's origin,
    named by the type it was stored as (see ``stored_download_name``)."""
    name = stored_download_name(filename, stored_name=getattr(stored, "name", ""), content_type=content_type)
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type if content_type in EXTENSION_OF else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

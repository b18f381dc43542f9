"""File downloads: built in memory (Excel, PDF), or stored uploads after an access check; always an
attachment with a safe file name.

Stored uploads are private (materials, hand-ins, instructor photos, the signature, imported lists):
they leave only through a view that checked who asks, then ``stored_file_download``. Only the
folders in PUBLIC_MEDIA_FOLDERS (library logos) may be served from MEDIA_URL without a check.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from lentera.lib.uploads import MATERIAL_KINDS

EXTENSION_OF = {kind.content_type: kind.extension for kind in MATERIAL_KINDS}
KNOWN_EXTENSIONS = frozenset(EXTENSION_OF.values())
STEM_MAX = 80
# Uploads anyone may see by their address: the library logo (Library.logo, upload_to), shown on
# pages outside the login. Everything else under MEDIA_ROOT is private.
PUBLIC_MEDIA_FOLDERS = ("library-logos/",)


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


def is_public_media(name: str) -> bool:
    """Whether a path under MEDIA_ROOT is in a public folder (after resolving any "..")."""
    normal = posixpath.normpath("/" + (name or "").replace("\\", "/")).lstrip("/")
    return any(normal.startswith(folder) for folder in PUBLIC_MEDIA_FOLDERS)


def image_type(stored_name: str) -> str:
    """The content type of a stored image (photos, signatures), from the extension it was stored
    under: ``generated_name`` takes it from the content checked at upload."""
    suffix = PurePosixPath(stored_name or "").suffix.lower()
    return {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}.get(suffix, "application/octet-stream")


def stored_file_download(stored: Any, *, filename: str, content_type: str) -> HttpResponseBase:
    """A file someone uploaded, always as an attachment that can never run in the site's origin,
    named by the type it was stored as (see ``stored_download_name``). Call it only after checking
    that the person may have the file.

    With MEDIA_ACCEL_REDIRECT set (e.g. "/protected-media/"), the body is left to nginx: an empty
    answer with ``X-Accel-Redirect: /protected-media/<stored name>`` and the same headers; nginx
    keeps Content-Type, Content-Disposition and Cache-Control and sends the bytes from an
    ``internal`` location (which must add nosniff and the sandbox itself). Without it, Django
    streams the file."""
    name = stored_download_name(filename, stored_name=getattr(stored, "name", ""), content_type=content_type)
    served_type = content_type if content_type in EXTENSION_OF else "application/octet-stream"
    response: HttpResponseBase
    accel = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if accel:
        response = HttpResponse(b"", content_type=served_type)
        response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
        response["X-Accel-Redirect"] = accel_redirect_uri(accel, stored.name)
    else:
        response = FileResponse(stored.open("rb"), as_attachment=True, filename=name, content_type=served_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # a private file: kept by the person's browser only, never by a proxy in between
    patch_cache_control(response, private=True, no_cache=True)
    return response


def accel_redirect_uri(prefix: str, stored_name: str) -> str:
    """The internal nginx address of a stored file: the prefix and its name under MEDIA_ROOT, quoted."""
    return "/" + prefix.strip("/") + "/" + quote(stored_name.lstrip("/"), safe="/")

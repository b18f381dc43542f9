"""Checks for uploaded files: size, and type judged by content, not by name.

An upload is accepted only when its first bytes match one of the allowed kinds, and it is
stored under a generated name (the person's file name is kept only as a label).

Stored through ``MediaStorage`` (settings.STORAGES): a file that cannot be written is a
``FileNotSaved`` (a ValidationError), so every form that saves a file gets its page back with what
the person typed and a message they can act on, and the cause is logged.
"""

from __future__ import annotations

import logging
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

logger = logging.getLogger("lentera.uploads")


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    extension: str


PDF = FileKind("pdf", "PDF", "application/pdf", "pdf")
PNG = FileKind("png", "PNG", "image/png", "png")
JPEG = FileKind("jpeg", "JPEG", "image/jpeg", "jpg")
DOCX = FileKind("docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileKind("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = FileKind(
    "pptx", "PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"
)
MP4 = FileKind("mp4", "MP4", "video/mp4", "mp4")

MATERIAL_KINDS = (PDF, DOCX, PPTX, XLSX, PNG, JPEG, MP4)
IMAGE_KINDS = (PNG, JPEG)
OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}


def sniff(handle: IO[bytes]) -> FileKind | None:
    """The kind of file by its content, or None when it is none we know."""
    handle.seek(0)
    head = handle.read(16)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return MP4
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(handle) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            handle.seek(0)
        if "[Content_Types].xml" in names:
            for prefix, kind in OOXML_PARTS.items():
                if any(name.startswith(prefix) for name in names):
                    return kind
    return None


def check_upload(upload: Any, *, allowed: tuple[FileKind, ...], max_bytes: int, field: str = "file") -> FileKind:
    """Validate an uploaded file; return its kind or raise a ValidationError naming the problem."""
    if upload.size > max_bytes:
        raise ValidationError(
            {
                field: _("The file is %(size)s; at most %(limit)s is allowed.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
            }
        )
    kind = sniff(upload.file if hasattr(upload, "file") else upload)
    if kind is None or kind not in allowed:
        names = ", ".join(k.label for k in allowed)
        raise ValidationError(
            {field: _("This file type is not accepted. Upload one of: %(kinds)s.") % {"kinds": names}}
        )
    return kind


def generated_name(kind: FileKind) -> str:
    """A random storage name with the extension of the real content."""
    return f"{uuid.uuid4().hex}.{kind.extension}"


def display_name(name: str) -> str:
    """The last part of a file name as given by the person, trimmed for display."""
    return PurePath(name or "").name[:255]


class FileNotSaved(ValidationError):
    """A file the storage could not write (permissions, a full disk): the person may try again."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The file could not be saved. Please try again; if it happens again, tell your "
                "administrator (the uploads folder cannot be written)."
            ),
            code="file_not_saved",
        )


class MediaStorage(FileSystemStorage):
    """The uploads folder; a write that fails raises FileNotSaved, which the forms show, and is logged."""

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        try:
            return super().save(name, content, max_length=max_length)
        except OSError as error:
            logger.error("An upload could not be saved as %s under MEDIA_ROOT: %s", name, error, exc_info=True)
            raise FileNotSaved from error

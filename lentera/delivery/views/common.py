"""Shared by the views modules of delivery."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from lentera.accounts.models import Role

STAFF_ROLES = (Role.COORDINATOR, Role.INSTRUCTOR, Role.PARTICIPANT)


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response

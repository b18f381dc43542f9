"""The public address of this Lentera, for links that leave the page (emails, QR codes, printed codes)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_url(request: HttpRequest) -> str:
    """SITE_URL when set (behind a proxy, or `make demo PORT=…`), else the address this request came to."""
    return (settings.SITE_URL or request.build_absolute_uri("/")).rstrip("/")

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def current_library(request: HttpRequest) -> dict[str, Any]:
    """The request's access (library, roles) for the layout and navigation."""
    return {"access": getattr(request, "access", None)}

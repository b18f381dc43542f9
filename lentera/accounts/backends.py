"""The login lockout's authentication backend (django-axes)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginLockoutBackend(AxesStandaloneBackend):
    """axes' check that refuses a locked-out username, for logins that come with a request.

    ``authenticate()`` without a request is not a login from the web: a management command, the
    shell, a test's ``client.login()``. There is no client to count or lock out, and axes itself
    would raise ``ValueError`` instead of answering. Every login page (ours and the admin's)
    passes its request, so each of them is counted and refused while locked.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)

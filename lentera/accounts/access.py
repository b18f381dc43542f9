"""Who may do what in the current library: the request's access and the view guard.

The middleware (``middleware.py``) puts a ``LibraryAccess`` on every request. Views declare
the roles they serve with ``@role_required``; per-object checks live in each app's
selectors (``<entity>_get_for_user``), which take the access and scope by its library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django_htmx.middleware import HtmxDetails

from lentera.accounts.models import Library, Role, User


@dataclass(frozen=True)
class LibraryAccess:
    user: Any
    library: Library | None
    roles: frozenset[str] = field(default_factory=frozenset)
    library_count: int = 0

    def has(self, *roles: str) -> bool:
        return self.library is not None and bool(self.roles.intersection(roles))

    @property
    def current_library(self) -> Library:
        """The current library; views behind ``role_required`` always have one."""
        if self.library is None:
            raise PermissionDenied
        return self.library

    @property
    def is_coordinator(self) -> bool:
        return self.has(Role.COORDINATOR)

    @property
    def is_instructor(self) -> bool:
        return self.has(Role.INSTRUCTOR)

    @property
    def is_participant(self) -> bool:
        return self.has(Role.PARTICIPANT)

    @property
    def is_partner(self) -> bool:
        return self.has(Role.PARTNER)

    @property
    def is_staff_member(self) -> bool:
        """Coordinator, instructor or participant: the people of the training programme."""
        return self.has(Role.COORDINATOR, Role.INSTRUCTOR, Role.PARTICIPANT)


ANONYMOUS_ACCESS = LibraryAccess(user=None, library=None)


class AccessRequest(HttpRequest):
    """The request as the views behind ``role_required`` see it (for type checking)."""

    user: User
    access: LibraryAccess
    htmx: HtmxDetails


View = Callable[..., HttpResponseBase]


def role_required(*roles: str) -> Callable[[View], View]:
    """Let in only signed-in people who hold one of ``roles`` in the current library.

    Anonymous: redirected to the login page. Signed in with several libraries and none
    chosen: sent to the chooser. Signed in without the role: 403.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access: LibraryAccess = request.access  # type: ignore[attr-defined]
            if access.library is None:
                if access.library_count > 1:
                    return redirect_to_library_chooser(request)
                raise PermissionDenied
            if roles and not access.has(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def member_required(view: View) -> View:
    """Any role in the current library."""
    return role_required(*Role.values)(view)


def redirect_to_library_chooser(request: HttpRequest) -> HttpResponse:
    from urllib.parse import urlencode

    from django.urls import reverse

    return redirect(f"{reverse('accounts:choose_library')}?{urlencode({'next': request.get_full_path()})}")

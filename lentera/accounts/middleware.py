from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from lentera.accounts.access import ANONYMOUS_ACCESS, LibraryAccess
from lentera.accounts.selectors import membership_roles_by_library

SESSION_KEY = "lentera_library_id"


class CurrentLibraryMiddleware:
    """Puts ``request.access``: the signed-in person, the library they work in now, and their roles there.

    The current library is kept in the session (chosen at login or from the menu). A person
    with one library gets it without choosing. One query per request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.access = self._access_for(request)  # type: ignore[attr-defined]
        return self.get_response(request)

    @staticmethod
    def _access_for(request: HttpRequest) -> LibraryAccess:
        user = request.user
        if not user.is_authenticated:
            return ANONYMOUS_ACCESS
        by_library = membership_roles_by_library(user=user)
        chosen = request.session.get(SESSION_KEY)
        if chosen not in by_library and len(by_library) == 1:
            chosen = next(iter(by_library))
            request.session[SESSION_KEY] = chosen
        if chosen in by_library:
            library, roles = by_library[chosen]
            return LibraryAccess(user=user, library=library, roles=roles, library_count=len(by_library))
        return LibraryAccess(user=user, library=None, library_count=len(by_library))

"""The login lockout's two counts (django-axes handler, settings.AXES_HANDLER).

axes counts wrong passwords per username and client address (AXES_LOCKOUT_PARAMETERS) and locks
that pair at AXES_FAILURE_LIMIT. This handler adds a ceiling per username across all addresses
(LOGIN_USERNAME_CEILING): reached, the username is locked from everywhere, so a guesser who rotates
addresses gets that many tries in all, and a stranger needs that many tries (not five) to lock
someone else out. Why both, and the numbers: the lockout comment in lentera/settings.py.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def username_failures(*, username: str, request: Any | None = None) -> int:
    """Wrong passwords for ``username`` from every address within the cool-off (one query)."""
    attempts = AccessAttempt.objects.filter(username=username)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """This address's failures for the username, or the limit itself once the username's
        failures from all addresses reach the ceiling (axes locks at failures >= limit)."""
        here = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if not username:
            return here
        limit = get_failure_limit(request, credentials)
        if here < limit and username_failures(username=username, request=request) >= settings.LOGIN_USERNAME_CEILING:
            return limit
        return here

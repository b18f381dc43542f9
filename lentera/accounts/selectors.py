"""Reads for accounts. Access checks for libraries, people and the audit log live here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import AuditEntry, Library, Membership, Role, User
from lentera.lib.tenancy import scoped

if TYPE_CHECKING:
    from lentera.accounts.access import LibraryAccess


def membership_roles_by_library(*, user: Any) -> dict[int, tuple[Library, frozenset[str]]]:
    """Every library where ``user`` has an active role, with the set of roles, in one query."""
    result: dict[int, tuple[Library, set[str]]] = {}
    for membership in Membership.objects.filter(user=user, is_active=True).select_related("library"):
        result.setdefault(membership.library_id, (membership.library, set()))[1].add(membership.role)
    return {pk: (library, frozenset(roles)) for pk, (library, roles) in result.items()}


def libraries_for_user(*, user: Any) -> list[tuple[Library, list[str]]]:
    rows = membership_roles_by_library(user=user).values()
    return sorted(((lib, sorted(roles)) for lib, roles in rows), key=lambda row: row[0].name)


def library_get_for_user(*, access: LibraryAccess, for_write: bool = False) -> Library:
    """The current library; writing its settings is for coordinators only."""
    if access.library is None:
        raise PermissionDenied
    if for_write and not access.is_coordinator:
        raise PermissionDenied
    return access.library


def library_role_counts(*, library: Library) -> dict[str, int]:
    """How many active people hold each role in ``library`` (one query)."""
    rows = (
        scoped(Membership, library)
        .filter(is_active=True)
        .order_by()
        .values("role")
        .annotate(n=Count("user_id", distinct=True))
    )
    counts = {role: 0 for role in Role.values}
    counts.update({row["role"]: row["n"] for row in rows})
    return counts


def library_people(*, access: LibraryAccess, role: str = "", query: str = "") -> QuerySet[User]:
    """People of the current library with their memberships there (coordinator only)."""
    if not access.is_coordinator:
        raise PermissionDenied
    memberships = scoped(Membership, access.library).filter(is_active=True)
    if role:
        memberships = memberships.filter(role=role)
    people = User.objects.filter(pk__in=memberships.values("user_id"))
    if query:
        people = people.filter(
            Q(full_name__icontains=query) | Q(username__icontains=query) | Q(email__icontains=query) | Q(nip=query)
        )
    # the sign-in state, in the same query (an aggregate drops Meta.ordering: name it again)
    people = people.annotate(invited_at=_last_invited(access.library)).order_by("full_name", "username")
    return people.select_related("functional_level").prefetch_related(
        Prefetch(
            "memberships",
            queryset=scoped(Membership, access.library).filter(is_active=True),
            to_attr="library_memberships",
        )
    )


def person_get_for_user(*, access: LibraryAccess, pk: int) -> User:
    """A person of the current library, for its coordinator; 404 for anyone else's."""
    from django.http import Http404

    if not access.is_coordinator:
        raise PermissionDenied
    person = (
        User.objects.filter(pk=pk, memberships__library=access.library)
        .select_related("functional_level")
        .distinct()
        .first()
    )
    if person is None:
        raise Http404
    return person


def person_memberships(*, access: LibraryAccess, person: User) -> QuerySet[Membership]:
    return scoped(Membership, access.library).filter(user=person).order_by("role")


def audit_entries(*, access: LibraryAccess, action: str = "", actor_query: str = "") -> QuerySet[AuditEntry]:
    """The current library's audit log (coordinator only), newest first."""
    if not access.is_coordinator:
        raise PermissionDenied
    entries = scoped(AuditEntry, access.library).select_related("actor")
    if action:
        entries = entries.filter(action=action)
    if actor_query:
        entries = entries.filter(Q(actor__full_name__icontains=actor_query) | Q(actor__username=actor_query))
    return entries


@dataclass(frozen=True)
class LoginLockout:
    """A person's failed logins within the cool-off, and whether they are locked out now."""

    failures: int
    limit: int
    locked: bool


def login_lockout(*, user: User, now: datetime | None = None) -> LoginLockout:
    """django-axes' count of recent failed logins for the person's username (one query).

    Locked when one address reached the limit (AXES_FAILURE_LIMIT) or all addresses together the
    ceiling (LOGIN_USERNAME_CEILING); see lentera/accounts/lockout.py.
    """
    from axes.models import AccessAttempt
    from django.conf import settings

    now = now or timezone.now()
    attempts = AccessAttempt.objects.filter(username=user.username)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    per_address = list(
        attempts.order_by().values("ip_address").annotate(n=Sum("failures_since_start")).values_list("n", flat=True)
    )
    failures = sum(per_address)
    limit = settings.AXES_FAILURE_LIMIT
    locked = max(per_address, default=0) >= limit or failures >= settings.LOGIN_USERNAME_CEILING
    return LoginLockout(failures=failures, limit=limit, locked=locked)


def person_other_libraries(*, library: Library, person: User) -> list[Library]:
    """The other libraries where ``person`` has an active role (they keep the person's data)."""
    return list(
        Library.objects.filter(memberships__user=person, memberships__is_active=True)
        .exclude(pk=library.pk)
        .distinct()
        .order_by("name")
    )


class SignInState:
    """A person's sign-in state in a library: ``active`` (has signed in), ``invited`` (a link or code
    was sent or printed, not signed in yet) or ``never`` (never signed in, nothing sent yet)."""

    ACTIVE = "active"
    INVITED = "invited"
    NEVER = "never"


SIGNIN_STATE_LABELS = {
    SignInState.ACTIVE: _("active"),
    SignInState.INVITED: _("invited"),
    SignInState.NEVER: _("never signed in"),
}


def signin_state(*, last_login: datetime | None, invited_at: datetime | None) -> str:
    if last_login is not None:
        return SignInState.ACTIVE
    return SignInState.INVITED if invited_at is not None else SignInState.NEVER


def _last_invited(library: Library | None) -> Max:
    return Max("signin_codes__created_at", filter=Q(signin_codes__library=library))


def signin_states_attach(*, library: Library | None, people: list[Any]) -> list[Any]:
    """Set ``signin_state`` and ``invited_at`` on each person, in one query whatever the number (the
    people may come with ``last_login`` deferred, as on the cohort roster)."""
    rows = (
        User.objects.filter(pk__in=[p.pk for p in people])
        .annotate(invited=_last_invited(library))
        .order_by()
        .values_list("pk", "last_login", "invited")
    )
    found = {pk: (last_login, invited) for pk, last_login, invited in rows}
    for person in people:
        last_login, person.invited_at = found.get(person.pk, (None, None))
        person.signin_state = signin_state(last_login=last_login, invited_at=person.invited_at)
    return people


def people_not_signed_in(
    *, access: LibraryAccess, without_email: bool = False, among: QuerySet[Any] | None = None
) -> QuerySet[User]:
    """The current library's people who have never signed in (coordinator only), by name; ``among``
    (user ids, e.g. a cohort's participants) narrows them and never widens them beyond the library."""
    if not access.is_coordinator:
        raise PermissionDenied
    people = User.objects.filter(
        pk__in=scoped(Membership, access.library).filter(is_active=True).values("user_id"),
        last_login__isnull=True,
        erased_at__isnull=True,
    )
    if among is not None:
        people = people.filter(pk__in=among)
    if without_email:
        people = people.filter(email="")
    return people.order_by("full_name", "username")

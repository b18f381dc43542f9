"""A new library with everything it needs, its first coordinator and their invitation, in one service;
and the one-time token that guards the setup page of a fresh Lentera (no library yet).

Used by ``manage.py lentera_setup``, by the setup page (``setup_views.py``) and by the demo seed.

A new library needs data of the apps above ``accounts`` (the ready-made Indonesian feedback forms of
``evaluation``, without which no feedback round ever opens), and ``accounts`` must not import them.
So, as for personal data, this module keeps a registry: an app registers a *starter* from its
``AppConfig.ready()`` (``library_starter_register``), and ``library_create`` runs every starter inside
the transaction that creates the library (a failing starter leaves no library behind). A starter must
be safe to run again on a library that has its data already.
Everything else a library uses is made when first needed, with defaults (certificate settings and
their numbering counter, feedback settings), or is shared seed data (functional levels, the SKKNI
key functions); competency units are the coordinator's own.

The setup token: 16 characters of the sign-in code alphabet (80 bits), of which only a keyed hash
is kept, in the shared database cache (``lentera/lib/ratelimit.py``), for ``SETUP_TOKEN_HOURS``.
The page makes one when it is first opened and none is live, and writes it to the log (a warning,
so it shows in the console of ``runserver`` and in the journal of gunicorn); ``manage.py
lentera_setup --token`` makes a new one and prints it. Setting up consumes the token in the same
transaction that creates the library, so two people racing with it make one library.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lentera.accounts import services, signin_codes
from lentera.accounts.audit import audit_record, snapshot
from lentera.accounts.models import Library, Role, SignInCode, User
from lentera.lib.ratelimit import SHARED_CACHE

logger = logging.getLogger(__name__)

SETUP_TOKEN_LENGTH = 16
SETUP_TOKEN_HOURS = 24
_TOKEN_KEY = "lentera:first-run-token"  # noqa: S105 - a cache key, not a secret
# The fields a new library may be given besides its name, place and people (the library settings').
_DETAILS = frozenset(services.LIBRARY_FIELDS) - {"name", "city", "province", "kecamatan", "population", "logo"}
# Where the person's errors of ``services.user_create`` belong on the setup form and in the command.
_PERSON_FIELDS = {"full_name": "coordinator_name", "email": "coordinator_email", "username": "coordinator_username"}


WRONG_TOKEN = gettext_lazy("This setup token does not work. Copy the newest one from the server's log.")


class SetupClosed(Exception):
    """Lentera has a library already: the first-run setup is over (the page answers 404)."""


# The registry of starters -------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryStarter:
    """What an app gives every new library. ``run(actor=, library=)`` returns how many things it made."""

    key: str  # "evaluation.ready_forms": unique, for registering once
    name: str  # plain English for logs and the demo's report: "ready-made feedback forms"
    label: Any  # the same for people, translatable (gettext_lazy)
    run: Callable[..., int]


_STARTERS: dict[str, LibraryStarter] = {}


def library_starter_register(*, key: str, name: str, label: Any, run: Callable[..., int]) -> None:
    """Called from an app's ``AppConfig.ready()``; registering a key again replaces it."""
    _STARTERS[key] = LibraryStarter(key=key, name=name, label=label, run=run)


def library_starters() -> list[LibraryStarter]:
    return list(_STARTERS.values())


# Creating a library ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    starter: LibraryStarter
    count: int


@dataclass(frozen=True)
class LibraryCreated:
    library: Library
    started: list[Started] = field(default_factory=list)


@dataclass(frozen=True)
class LibrarySetup:
    """A library set up, its coordinator, and how they get in."""

    library: Library
    coordinator: User
    started: list[Started]
    code: str  # the coordinator's one-time sign-in code ("" when they have a password already)
    link: str  # the same code as a link that opens "choose your password"
    expires: date | None  # the last day the code works
    emailed: bool  # an invitation email was queued too
    existing_person: bool  # the email address belonged to someone already, who got the role


def library_exists() -> bool:
    """Whether Lentera has any library: once it has, the first-run setup is over for good."""
    return Library.objects.exists()


def kecamatan_split(text: str) -> list[str]:
    """``"Bugul Kidul, Gadingrejo"`` or one per line → the names, without empty ones."""
    return [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()]


def _slug_free(name: str) -> str:
    base = slugify(name)[:54].strip("-") or "perpustakaan"
    candidate, n = base, 1
    while Library.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def library_create(
    *,
    actor: Any,
    name: str,
    city: str,
    province: str = "",
    kecamatan: Sequence[str] = (),
    population: int | None = None,
    slug: str = "",
    only_if_first: bool = False,
    **details: Any,
) -> LibraryCreated:
    """A new library with what every library needs (each registered starter's data).

    ``only_if_first``: refuse (``SetupClosed``) when Lentera has a library already. The province may
    stay empty (the coordinator completes it in the library settings); ``details`` are other fields
    of the library settings (address, email, head of library...).
    """
    unknown = set(details) - _DETAILS
    if unknown:
        raise ValueError(f"not a library setting: {sorted(unknown)}")
    if only_if_first and library_exists():
        raise SetupClosed
    name, city, province = name.strip(), city.strip(), province.strip()
    errors: dict[str, str] = {}
    if name and Library.objects.filter(name__iexact=name).exists():
        errors["name"] = _("A library named “%(name)s” exists already.") % {"name": name}
    districts = [str(district).strip() for district in kecamatan if str(district).strip()]
    if len({district.lower() for district in districts}) != len(districts):
        errors["kecamatan"] = _("Each district may be listed only once.")
    if population is not None and population < 1:
        errors["population"] = _("The population must be a whole number above 0.")
    if errors:
        raise ValidationError(errors)
    library = Library(
        name=name,
        slug=slug or _slug_free(name),
        city=city,
        province=province,
        kecamatan=districts,
        population=population,
        **details,
    )
    try:
        library.full_clean(exclude=["province"] if not province else None)
    except ValidationError as error:
        raise ValidationError(
            {("name" if key == "slug" else key): messages for key, messages in error.message_dict.items()}
        ) from error
    library.save()
    audit_record(
        actor=actor,
        library=library,
        action="library.create",
        obj=library,
        changes={
            key: [None, value]
            for key, value in snapshot(library, ["name", "city", "province", "population", "kecamatan"]).items()
            if value not in ("", None, [])
        },
    )
    started = [Started(starter, starter.run(actor=actor, library=library)) for starter in library_starters()]
    for done in started:
        logger.info("Library %s: %s %s", library.slug, done.count, done.starter.name)
    return LibraryCreated(library=library, started=started)


def coordinator_username_suggest(*, full_name: str, email: str = "") -> str:
    """A free username for a new person: the email address's name part, else their name (dewi.kartikasari)."""
    local = email.strip().split("@", 1)[0] if email.strip() else ""
    base = re.sub(r"[^\w.@+-]", "", local.lower()) or slugify(full_name).replace("-", ".")[:40] or "koordinator"
    return services.username_free(base)


def _coordinator(*, actor: Any, library: Library, full_name: str, email: str, username: str) -> tuple[User, bool]:
    """The new library's coordinator: the person with this email address if there is one, else a new person."""
    existing = User.objects.filter(email__iexact=email, erased_at__isnull=True).first() if email else None
    if existing is not None:
        if username and username.lower() != existing.username.lower():
            raise ValidationError(
                {
                    "coordinator_username": _(
                        "%(email)s belongs to %(name)s already, whose username is %(username)s: leave the "
                        "username empty to make them the coordinator."
                    )
                    % {"email": email, "name": existing.full_name, "username": existing.username}
                }
            )
        services.membership_grant(actor=actor, library=library, user=existing, role=Role.COORDINATOR)
        return existing, True
    if username and User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"coordinator_username": _("This username is taken.")})
    try:
        person = services.user_create(
            actor=actor,
            library=library,
            username=username or coordinator_username_suggest(full_name=full_name, email=email),
            full_name=full_name,
            email=email,
        )
    except ValidationError as error:
        raise ValidationError(
            {_PERSON_FIELDS.get(key, key): messages for key, messages in error.message_dict.items()}
        ) from error
    services.membership_grant(actor=actor, library=library, user=person, role=Role.COORDINATOR)
    return person, False


@transaction.atomic
def library_setup(
    *,
    actor: Any,
    base_url: str,
    name: str,
    city: str,
    coordinator_name: str,
    coordinator_email: str = "",
    coordinator_username: str = "",
    province: str = "",
    kecamatan: Sequence[str] = (),
    population: int | None = None,
    only_if_first: bool = False,
) -> LibrarySetup:
    """A new library with everything it needs and its first coordinator, who gets a one-time code and
    link to choose a password (shown to whoever set the library up) and, with an email address, the
    same invitation by email (queued; the worker sends it).

    All or nothing: a refused value leaves no library, person or code behind. ``base_url`` is the
    public address the links start with (SITE_URL).
    """
    errors: dict[str, str] = {}
    if not coordinator_name.strip():
        errors["coordinator_name"] = _("Enter the coordinator's full name.")
    if not base_url.strip():
        errors["base_url"] = _("The public address of this Lentera (SITE_URL) is needed for the invitation link.")
    if errors:
        raise ValidationError(errors)
    created = library_create(
        actor=actor,
        name=name,
        city=city,
        province=province,
        kecamatan=kecamatan,
        population=population,
        only_if_first=only_if_first,
    )
    library = created.library
    email = coordinator_email.strip().lower()
    person, existing = _coordinator(
        actor=actor,
        library=library,
        full_name=coordinator_name.strip(),
        email=email,
        username=coordinator_username.strip(),
    )
    code, link, expires = "", "", None
    if person.last_login is None:
        ((_person, code),) = services.signin_codes_create(
            actor=actor, library=library, users=[person], channel=SignInCode.Channel.SHEET
        )
        link = services.invitation_link(base_url=base_url, code=code)
        expires = timezone.localdate() + services.signin_code_lifetime(SignInCode.Channel.SHEET)
    emailed = bool(
        person.email
        and person.last_login is None
        and services.invitations_send(actor=actor, library=library, user_ids=[person.pk], base_url=base_url)
    )
    return LibrarySetup(
        library=library,
        coordinator=person,
        started=created.started,
        code=code,
        link=link,
        expires=expires,
        emailed=emailed,
        existing_person=existing,
    )


@dataclass(frozen=True)
class NewLink:
    person: User
    library: Library
    code: str
    link: str
    expires: date


def signin_link_renew(*, actor: Any, username: str, base_url: str) -> NewLink:
    """A new one-time code and link for a coordinator who never signed in (their link expired or was
    lost, and there is no other coordinator to invite them again). Replaces their earlier printed code."""
    person = User.objects.filter(username__iexact=username.strip(), erased_at__isnull=True).first()
    memberships = (
        list(person.memberships.filter(is_active=True).select_related("library").order_by("created_at", "pk"))
        if person is not None
        else []
    )
    # the library they coordinate (the code names one library; any of theirs lets them in)
    chosen = next((m for m in memberships if m.role == Role.COORDINATOR), None) or next(iter(memberships), None)
    if person is None or chosen is None:
        raise ValidationError(_("Nobody with the username %(username)s works in a library.") % {"username": username})
    library = chosen.library
    ((_person, code),) = services.signin_codes_create(
        actor=actor, library=library, users=[person], channel=SignInCode.Channel.SHEET
    )
    return NewLink(
        person=person,
        library=library,
        code=code,
        link=services.invitation_link(base_url=base_url, code=code),
        expires=timezone.localdate() + services.signin_code_lifetime(SignInCode.Channel.SHEET),
    )


# The setup token of a fresh Lentera ------------------------------------------------------------


def _token_hash(token: str) -> str:
    return salted_hmac("lentera.accounts.first-run-token", token, algorithm="sha256").hexdigest()


def setup_token_issue() -> str:
    """A new setup token (replacing any earlier one); returned once, only its keyed hash is kept."""
    token = signin_codes.random_part(SETUP_TOKEN_LENGTH)
    caches[SHARED_CACHE].set(_TOKEN_KEY, _token_hash(token), timeout=SETUP_TOKEN_HOURS * 3600)
    return signin_codes.display(token)


def setup_token_ensure(*, page_url: str) -> bool:
    """Make a setup token and write it to the log when none is live; True when one was made."""
    token = signin_codes.random_part(SETUP_TOKEN_LENGTH)
    if not caches[SHARED_CACHE].add(_TOKEN_KEY, _token_hash(token), timeout=SETUP_TOKEN_HOURS * 3600):
        return False
    logger.warning(
        "Lentera has no library yet. To set it up, open %s and enter the setup token %s "
        "(it works for %s hours; `manage.py lentera_setup --token` makes a new one).",
        page_url,
        signin_codes.display(token),
        SETUP_TOKEN_HOURS,
    )
    return True


def setup_token_check(token: str) -> bool:
    """Whether ``token`` (as typed: any case, with or without dashes) is the live setup token."""
    typed = signin_codes.normalise(token)
    stored = caches[SHARED_CACHE].get(_TOKEN_KEY)
    return bool(typed and stored and constant_time_compare(stored, _token_hash(typed)))


def first_run_setup(*, token: str, base_url: str, **fields: Any) -> LibrarySetup:
    """The setup page's work: with the live token, the first library and its coordinator (``library_setup``).

    Raises ``SetupClosed`` once a library exists, and a ValidationError on ``token`` when it does not
    work. The token is used up in the same transaction: a refused value keeps it working.
    """
    with transaction.atomic():
        if library_exists():
            raise SetupClosed
        # delete() is the lock: of two requests racing with the token, the second deletes nothing
        if not setup_token_check(token) or not caches[SHARED_CACHE].delete(_TOKEN_KEY):
            raise ValidationError({"token": WRONG_TOKEN})
        return library_setup(actor=None, base_url=base_url, only_if_first=True, **fields)

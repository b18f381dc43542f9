"""Writes for accounts: people, memberships, library settings, language.

Each function is atomic, validates with ``full_clean`` and records an audit row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from lentera.accounts import signin_codes
from lentera.accounts.audit import audit_record, update_with_audit
from lentera.accounts.models import FunctionalLevel, Library, Membership, Role, SignInCode, User

PROFILE_FIELDS = ("full_name", "email", "phone", "nip", "functional_level", "work_unit")
LIBRARY_FIELDS = (
    "name",
    "city",
    "province",
    "address",
    "email",
    "phone",
    "logo",
    "head_name",
    "head_nip",
    "population",
    "kecamatan",
    "yearly_jp_target",
    "anonymity_floor",
)


def _check_unique_person(*, email: str, nip: str, exclude_pk: int | None = None) -> None:
    errors: dict[str, str] = {}
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if email and others.filter(email__iexact=email).exists():
        errors["email"] = _("Another person already uses this email address.")
    if nip and others.filter(nip=nip).exists():
        errors["nip"] = _("Another person already has this NIP.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_create(
    *,
    actor: Any,
    library: Library | None,
    username: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    nip: str = "",
    functional_level: FunctionalLevel | None = None,
    work_unit: str = "",
    password: str | None = None,
) -> User:
    """A new person. Without a password the account cannot log in until the person sets one."""
    email = email.strip().lower()
    _check_unique_person(email=email, nip=nip)
    user = User(
        username=username.strip(),
        full_name=full_name.strip(),
        email=email,
        phone=phone.strip(),
        nip=nip.strip(),
        functional_level=functional_level,
        work_unit=work_unit.strip(),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_record(actor=actor, library=library, action="user.create", obj=user)
    return user


@transaction.atomic
def user_update_profile(*, actor: Any, user: User, library: Library | None = None, **fields: Any) -> User:
    """Change a person's profile fields; only the person or their coordinator may."""
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
    _check_unique_person(email=fields.get("email", ""), nip=fields.get("nip", ""), exclude_pk=user.pk)
    update_with_audit(
        actor=actor, library=library, obj=user, action="user.update", fields=fields, allowed=PROFILE_FIELDS
    )
    return user


def user_set_language(*, user: User, language: str) -> User:
    """Remember the person's interface language."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def membership_grant(*, actor: Any, library: Library, user: User, role: str) -> Membership:
    """Give ``user`` a role in ``library`` (or reactivate it)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if user.erased_at is not None:
        raise ValidationError({"role": _("This person's personal data was erased: they cannot be given a role.")})
    membership, created = Membership.objects.get_or_create(user=user, library=library, role=role)
    if not created and membership.is_active:
        raise ValidationError({"role": _("This person already has this role.")})
    if not created:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    audit_record(actor=actor, library=library, action="membership.grant", obj=user, changes={"role": [None, role]})
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> Membership:
    """Take a role away. A library never loses its last coordinator."""
    if not membership.is_active:
        raise ValidationError(_("This role was already revoked."))
    if membership.role == Role.COORDINATOR:
        others = Membership.objects.filter(library=membership.library, role=Role.COORDINATOR, is_active=True).exclude(
            pk=membership.pk
        )
        if not others.exists():
            raise ValidationError(_("A library needs at least one coordinator."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        library=membership.library,
        action="membership.revoke",
        obj=membership.user,
        changes={"role": [membership.role, None]},
    )
    return membership


@transaction.atomic
def library_update(*, actor: Any, library: Library, **fields: Any) -> Library:
    """Change the library's settings (coordinator)."""
    if "kecamatan" in fields:
        names = [str(name).strip() for name in fields["kecamatan"] if str(name).strip()]
        if len({name.lower() for name in names}) != len(names):
            raise ValidationError({"kecamatan": _("Each district may be listed only once.")})
        fields["kecamatan"] = names
    update_with_audit(
        actor=actor,
        library=library,
        obj=library,
        action="library.update",
        fields=fields,
        allowed=LIBRARY_FIELDS,
    )
    return library


def username_free(base: str) -> str:
    """``base`` (an email address, a NIP) as a username, with -2, -3… when someone already has it."""
    base = base.strip().lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def login_lockout_clear(*, user: User) -> int:
    """Forget the person's failed logins (django-axes); returns how many attempt records went."""
    from axes.utils import reset

    return reset(username=user.username)


@transaction.atomic
def user_unlock(*, actor: Any, library: Library, user: User) -> int:
    """A coordinator of ``library`` lets a locked-out person try to log in again at once.

    The view has checked the coordinator's access to the person; this checks it again, so no
    other caller can unlock someone outside the actor's library.
    """
    if not Membership.objects.filter(user=actor, library=library, role=Role.COORDINATOR, is_active=True).exists():
        raise PermissionDenied
    if not Membership.objects.filter(user=user, library=library).exists():
        raise PermissionDenied
    from lentera.accounts.selectors import login_lockout

    failures = login_lockout(user=user).failures
    if not login_lockout_clear(user=user):
        raise ValidationError(_("This person's login is not locked."))
    audit_record(actor=actor, library=library, action="user.unlock", obj=user, changes={"failed_logins": [failures, 0]})
    return failures


# Invitations and one-time sign-in codes ----------------------------------------------------------


def _product_setting(name: str, default: int) -> int:
    return int(getattr(settings, "LENTERA", {}).get(name, default))


def signin_code_lifetime(channel: str) -> timedelta:
    """How long a new code works: an emailed or WhatsApp link longer than a printed sheet's code."""
    if channel == SignInCode.Channel.SHEET:
        return timedelta(days=_product_setting("SIGNIN_CODE_DAYS", 7))
    return timedelta(days=_product_setting("INVITATION_DAYS", 14))


@transaction.atomic
def signin_codes_create(
    *, actor: Any, library: Library, users: Sequence[User], channel: str, now: datetime | None = None
) -> list[tuple[User, str]]:
    """A new one-time code for each of ``users`` (people of ``library`` who have not signed in yet).

    Returns each person with their plain code, which is never stored (only a keyed hash of its
    secret half is): send or print it now. A new code replaces the person's earlier unused codes
    of the same channel, so only the latest email, message or sheet works.
    """
    if channel not in SignInCode.Channel.values:
        raise ValidationError(_("Unknown way to send an invitation."))
    now = now or timezone.now()
    members = set(
        Membership.objects.filter(library=library, is_active=True, user__in=users).values_list("user_id", flat=True)
    )
    for user in users:
        if user.pk not in members or user.erased_at is not None:
            raise ValidationError(_("%(name)s is not a person of this library.") % {"name": user.full_name})
        if user.last_login is not None:
            raise ValidationError(
                _("%(name)s has signed in already: they can use “Forgot your password?”.") % {"name": user.full_name}
            )
    verifier_length = (
        signin_codes.SHEET_VERIFIER_LENGTH if channel == SignInCode.Channel.SHEET else signin_codes.LINK_VERIFIER_LENGTH
    )
    pairs = [signin_codes.new_code(verifier_length) for _user in users]
    while True:  # selectors are unique: draw again the (rare) ones taken already or twice in this batch
        selectors_ = [selector for selector, _verifier in pairs]
        taken = set(SignInCode.objects.filter(selector__in=selectors_).values_list("selector", flat=True))
        seen: set[str] = set()
        clash = False
        for index, (selector, _verifier) in enumerate(pairs):
            if selector in taken or selector in seen:
                pairs[index] = signin_codes.new_code(verifier_length)
                clash = True
            seen.add(selector)
        if not clash:
            break
    SignInCode.objects.filter(
        library=library, user__in=users, channel=channel, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    expires_at = now + signin_code_lifetime(channel)
    actor_ = actor if getattr(actor, "pk", None) else None
    SignInCode.objects.bulk_create(
        [
            SignInCode(
                library=library,
                user=user,
                channel=channel,
                selector=selector,
                verifier_hash=signin_codes.verifier_hash(verifier),
                created_by=actor_,
                created_at=now,
                expires_at=expires_at,
            )
            for user, (selector, verifier) in zip(users, pairs, strict=True)
        ]
    )
    if users:
        audit_record(
            actor=actor,
            library=library,
            action="signin_code.create",
            obj=users[0] if len(users) == 1 else None,
            changes={"channel": [None, channel], "people": [None, len(users)]},
        )
    return [(user, selector + verifier) for user, (selector, verifier) in zip(users, pairs, strict=True)]


def signin_code_check(*, code: str, now: datetime | None = None) -> SignInCode | None:
    """The live code that ``code`` (as typed or from a link) opens, or None.

    A wrong secret for an existing selector counts on that code; after SIGNIN_CODE_MAX_FAILURES wrong
    tries the code stops working (the coordinator prints or sends a new one). The answer is the same
    for an unknown, expired, used or blocked code, so a stranger learns nothing.
    """
    now = now or timezone.now()
    code = signin_codes.normalise(code)
    if not code:
        return None
    selector, verifier = signin_codes.split(code)
    found = SignInCode.objects.select_related("user", "library").filter(selector=selector).first()
    if found is None:
        return None
    limit = _product_setting("SIGNIN_CODE_MAX_FAILURES", 10)
    if not constant_time_compare(found.verifier_hash, signin_codes.verifier_hash(verifier)):
        SignInCode.objects.filter(pk=found.pk).update(failed_attempts=F("failed_attempts") + 1)
        return None
    if (
        found.used_at is not None
        or found.expires_at <= now
        or found.failed_attempts >= limit
        or found.user.erased_at is not None
        or found.user.last_login is not None
    ):
        return None
    return found


def signin_code_use(*, code: str, password: str, now: datetime | None = None) -> User:
    """Set the person's password with a live one-time code; the code and all their others stop working.

    The password has passed Django's validators in the form (SetPasswordForm). The check runs before
    the transaction, so a wrong try stays counted although nothing else is written.
    """
    now = now or timezone.now()
    found = signin_code_check(code=code, now=now)
    if found is None:
        raise ValidationError(_("This link or code no longer works."))
    with transaction.atomic():
        locked = SignInCode.objects.select_for_update().get(pk=found.pk)
        if locked.used_at is not None:  # used a moment ago, in another tab
            raise ValidationError(_("This link or code no longer works."))
        user = found.user
        user.set_password(password)
        user.save(update_fields=["password"])
        SignInCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        audit_record(
            actor=user,
            library=found.library,
            action="signin_code.use",
            obj=user,
            changes={"channel": [None, found.channel]},
        )
    login_lockout_clear(user=user)
    return user


def invitation_link(*, base_url: str, code: str) -> str:
    from django.urls import reverse

    return base_url.rstrip("/") + reverse("accounts:invitation", args=[code])


def invitations_send(*, actor: Any, library: Library, user_ids: Sequence[int], base_url: str = "") -> int:
    """Email an invitation (a one-time link to set a password) to each of these people, in the background.

    Sent after the surrounding transaction commits. People without an email address, or who have
    signed in already, are left out (the worker looks again before sending). Returns how many are queued.
    """
    from lentera.accounts.tasks import send_invitations

    ids = list(
        User.objects.filter(
            pk__in=list(user_ids),
            last_login__isnull=True,
            erased_at__isnull=True,
            memberships__library=library,
            memberships__is_active=True,
        )
        .exclude(email="")
        .values_list("pk", flat=True)
        .distinct()
    )
    if ids:
        library_pk, actor_pk = library.pk, getattr(actor, "pk", None)
        transaction.on_commit(lambda: send_invitations.enqueue(library_pk, ids, actor_pk, base_url))
    return len(ids)


def invitation_whatsapp_url(*, actor: Any, library: Library, user: User, base_url: str) -> str:
    """A wa.me link that opens a chat with the person, the invitation message and a fresh link filled in."""
    from django.utils import translation

    if not signin_codes.whatsapp_number(user.phone):
        raise ValidationError(_("This person has no phone number to send a WhatsApp message to."))
    ((_user, code),) = signin_codes_create(
        actor=actor, library=library, users=[user], channel=SignInCode.Channel.WHATSAPP
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = render_to_string(
            "accounts/emails/invitation_whatsapp.txt",
            {
                "user": user,
                "library": library,
                "link": invitation_link(base_url=base_url, code=code),
                "expires": timezone.localdate() + signin_code_lifetime(SignInCode.Channel.WHATSAPP),
            },
        ).strip()
    return signin_codes.whatsapp_url(user.phone, text)

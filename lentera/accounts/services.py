"""Writes for accounts: people, memberships, library settings, language.

Each function is atomic, validates with ``full_clean`` and records an audit row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record, update_with_audit
from lentera.accounts.models import FunctionalLevel, Library, Membership, Role, User

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


def password_setup_send(*, request: HttpRequest, user: User, library: Library | None) -> None:
    """Email a one-time link to set a password (people added by a coordinator, invited trainers)."""
    if not user.email:
        raise ValidationError({"email": _("This person has no email address to send the link to.")})
    context = {
        "user": user,
        "library": library,
        "protocol": "https" if request.is_secure() else "http",
        "domain": request.get_host(),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(render_to_string("registration/password_set_subject.txt", context).splitlines())
    body = render_to_string("registration/password_set_email.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


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

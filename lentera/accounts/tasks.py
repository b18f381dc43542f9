"""Background work of accounts (lentera/lib/jobs.py; `manage.py lentera_worker` runs it):
the invitations that let people added by a coordinator or an import set their password.

Run again after a crashed worker: someone may get the invitation twice (the later link is the
one that works), which is better than a newcomer who never gets one.

The task makes each person's one-time link itself, so the secret never sits in the task queue.
It looks again before sending: nobody who has signed in meanwhile, or has no address, gets one.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lentera.lib.jobs import job

logger = logging.getLogger(__name__)
DEMO_SITE = "http://127.0.0.1:8000"  # the address `make demo` serves; SITE_URL overrides it


def site_url(base_url: str = "") -> str:
    """SITE_URL when set, else the address the coordinator used when asking (``base_url``)."""
    return (getattr(settings, "SITE_URL", "") or base_url or DEMO_SITE).rstrip("/")


@job(retry=True)
def send_invitations(library_id: int, user_ids: list[int], actor_id: int | None, base_url: str = "") -> int:
    """Email each person a new one-time link to set their password; returns how many were sent."""
    from lentera.accounts.models import Library, SignInCode, User
    from lentera.accounts.services import invitation_link, signin_code_lifetime, signin_codes_create

    library = Library.objects.filter(pk=library_id).first()
    if library is None:
        return 0
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    people = (
        User.objects.filter(
            pk__in=user_ids,
            last_login__isnull=True,
            erased_at__isnull=True,
            memberships__library=library,
            memberships__is_active=True,
        )
        .exclude(email="")
        .distinct()
    )
    sent = 0
    for person in people:
        ((_user, code),) = signin_codes_create(
            actor=actor, library=library, users=[person], channel=SignInCode.Channel.EMAIL
        )
        context = {
            "user": person,
            "library": library,
            "link": invitation_link(base_url=site_url(base_url), code=code),
            "expires": timezone.localdate() + signin_code_lifetime(SignInCode.Channel.EMAIL),
        }
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject = "".join(render_to_string("accounts/emails/invitation_subject.txt", context).splitlines())
            body = render_to_string("accounts/emails/invitation.txt", context)
        send_mail(subject, body, None, [person.email])
        sent += 1
    return sent

"""A forgotten password: the request page, the emailed link's page, and the email sent in the background.

The request page answers the same whatever was typed (an address of nobody, of someone, or one
asked for too often): "if an account uses that address, a link is on its way". Nothing in the
request looks the address up; the task does, so neither the answer nor its time tells whether
an account exists. Limits (lentera/lib/ratelimit.py): per client address ("password-reset", the
429 page) and per typed address ("password-reset-email", 3 an hour: the page still answers the
same, and no further email goes out), so nobody can flood someone's inbox.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lentera.accounts.forms import StyledPasswordResetForm, StyledSetPasswordForm
from lentera.lib import ratelimit
from lentera.lib.jobs import job

logger = logging.getLogger(__name__)
EMAIL_TEMPLATE = "registration/password_reset_email.txt"
SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"


def password_reset_request(*, email: str, base_url: str) -> bool:
    """Queue the reset email for ``email`` unless that address was asked for too often this hour.

    Returns whether it was queued (the page says the same either way). ``base_url`` is the address
    the person used (the link in the email points there).
    """
    if ratelimit.hit("password-reset-email", email.strip().casefold()):
        logger.warning("Password reset: too many requests for one address this hour; no email sent.")
        return False
    transaction.on_commit(lambda: send_password_reset.enqueue(email, base_url))
    return True


@job(retry=True)
def send_password_reset(email: str, base_url: str) -> int:
    """Email each active account with this address a one-time link to set a new password (Django's
    token: it expires after PASSWORD_RESET_TIMEOUT and stops working once the password changes),
    in the person's language. The link points to SITE_URL when set, else to ``base_url``.
    Returns how many were sent."""
    site = (getattr(settings, "SITE_URL", "") or base_url).rstrip("/")
    protocol, _sep, domain = site.partition("://")
    form = StyledPasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    sent = 0
    for user in form.get_users(form.cleaned_data["email"]):
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": domain,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": protocol or "https",
        }
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            form.send_mail(SUBJECT_TEMPLATE, EMAIL_TEMPLATE, context, None, user.email)
        sent += 1
    return sent


@never_cache
@ratelimit.rate_limited("password-reset", methods=("POST",))
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = StyledPasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(email=form.cleaned_data["email"], base_url=request.build_absolute_uri("/"))
        return redirect("accounts:password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password from the emailed link also lifts a login lockout: the person has
    shown they own the address, and the lockout guards the password they just replaced."""

    form_class = StyledSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        from lentera.accounts.services import login_lockout_clear

        response = super().form_valid(form)
        login_lockout_clear(user=form.user)
        return response


# Each opening of a link looks its token up: limited per client like the other emailed links.
password_reset_confirm = ratelimit.rate_limited("emailed-link")(PasswordResetConfirmView.as_view())

"""What the coordinator's "invite again" and "print sign-in codes" buttons do, for any group of people.

The people page uses them for the whole library, a cohort's page for its participants: the caller
chooses the people (always among the library's, by ``selectors.people_not_signed_in``) and where to go back.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lentera.accounts import code_sheet, services
from lentera.accounts.access import AccessRequest
from lentera.accounts.models import SignInCode, User
from lentera.lib.downloads import download
from lentera.lib.urls import site_url


def invite_again(request: AccessRequest, *, people: QuerySet[User], back: str) -> HttpResponse:
    """Email a new invitation to each of ``people`` (never signed in) who has an address; say who has none."""
    queued = services.invitations_send(
        actor=request.user,
        library=request.access.current_library,
        user_ids=list(people.values_list("pk", flat=True)),
        base_url=site_url(request),
    )
    without_email = people.filter(email="").count()
    if queued:
        messages.success(
            request,
            ngettext(
                "An invitation is being emailed to %(n)s person who has never signed in.",
                "Invitations are being emailed to %(n)s people who have never signed in.",
                queued,
            )
            % {"n": queued},
        )
    else:
        messages.info(request, _("Nobody who has never signed in has an email address."))
    if without_email:
        messages.info(
            request,
            ngettext(
                "%(n)s person has no email address: print a sign-in code for them.",
                "%(n)s people have no email address: print sign-in codes for them.",
                without_email,
            )
            % {"n": without_email},
        )
    return redirect(back)


def code_sheet_download(request: AccessRequest, *, people: QuerySet[User], back: str, name: str = "") -> HttpResponse:
    """A PDF of new one-time sign-in codes for ``people`` (their earlier sheet codes stop working)."""
    chosen = list(people)
    if not chosen:
        messages.info(request, _("Everyone has signed in already: there are no codes to print."))
        return redirect(back)
    library = request.access.current_library
    entries = services.signin_codes_create(
        actor=request.user, library=library, users=chosen, channel=SignInCode.Channel.SHEET
    )
    content = code_sheet.code_sheet_pdf(
        library_name=library.name,
        entries=entries,
        base_url=site_url(request),
        entry_path=reverse("accounts:code_entry"),
        link_path=lambda code: reverse("accounts:invitation", args=[code]),
        expires=timezone.localdate() + services.signin_code_lifetime(SignInCode.Channel.SHEET),
    )
    parts = ["kode-masuk", slugify(name)[:60], f"{timezone.localdate():%Y-%m-%d}"]
    return download(content, filename="-".join(p for p in parts if p) + ".pdf", content_type="application/pdf")

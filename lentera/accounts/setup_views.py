"""The first-run setup page of a fresh Lentera (no library yet), guarded by a one-time token printed
in the server's log; and the home page's turn to it while no library exists.

Once a library exists the page answers 404 for good, to everyone. The work is ``setup.first_run_setup``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lentera.accounts import setup, signin_codes
from lentera.lib.forms import StyledFormMixin, add_service_errors
from lentera.lib.ratelimit import rate_limited
from lentera.lib.urls import site_url


class FirstRunForm(StyledFormMixin, forms.Form):
    """What ``manage.py lentera_setup`` asks, and the token."""

    token = forms.CharField(
        label=_("setup token"),
        max_length=40,
        help_text=_(
            "Printed in the server's log when this page was first opened (for example ABCD-EFGH-JKMN-PQRS). "
            "The command manage.py lentera_setup --token prints a new one."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=_("library name"), max_length=200, help_text=_("For example Perpustakaan Kota Pasuruan.")
    )
    city = forms.CharField(label=_("city or regency"), max_length=100, help_text=_("For example Kota Pasuruan."))
    province = forms.CharField(label=_("province"), max_length=100, required=False)
    kecamatan = forms.CharField(
        label=_("districts (kecamatan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, or separated by commas."),
    )
    population = forms.IntegerField(
        label=_("population served"),
        required=False,
        min_value=1,
        help_text=_("People living in the area the library serves; used by IPLM and per-capita figures."),
    )
    coordinator_name = forms.CharField(label=_("coordinator's full name"), max_length=150)
    coordinator_email = forms.EmailField(
        label=_("coordinator's email"),
        required=False,
        help_text=_("The invitation is emailed there too. Leave empty if the coordinator has none."),
    )
    coordinator_username = forms.CharField(
        label=_("coordinator's username"),
        max_length=150,
        required=False,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Used to log in. Leave empty to make one from the email address or the name."),
    )

    def clean_token(self) -> str:
        """Said at once, with the other answers' mistakes; the service checks it again as it uses it up."""
        token: str = self.cleaned_data["token"]
        if not setup.setup_token_check(token):
            raise forms.ValidationError(setup.WRONG_TOKEN)
        return token

    def setup_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "city": data["city"],
            "province": data["province"],
            "kecamatan": setup.kecamatan_split(data["kecamatan"]),
            "population": data["population"],
            "coordinator_name": data["coordinator_name"],
            "coordinator_email": data["coordinator_email"],
            "coordinator_username": data["coordinator_username"],
        }


@never_cache  # the answer carries the coordinator's one-time link
@require_http_methods(["GET", "POST"])
@rate_limited("first-run-setup", methods=("POST",))
def first_run(request: HttpRequest) -> HttpResponse:
    """Public while Lentera has no library: the first library and its coordinator, with the setup token."""
    if setup.library_exists():
        raise Http404
    setup.setup_token_ensure(page_url=site_url(request) + reverse("first_run"))
    form = FirstRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = setup.first_run_setup(
                token=form.cleaned_data["token"], base_url=site_url(request), **form.setup_data()
            )
        except setup.SetupClosed as closed:
            raise Http404 from closed
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(
                request,
                "accounts/setup_done.html",
                {"result": result, "code": signin_codes.display(result.code)},
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/setup.html", {"form": form}, status=status)


View = Callable[..., HttpResponse]


def first_run_redirect(view: View) -> View:
    """The home page sends everyone to the setup page while Lentera has no library (one query, and
    none for a person who works in a library)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access = getattr(request, "access", None)
        if (access is None or access.library is None) and not setup.library_exists():
            return redirect("first_run")
        return view(request, *args, **kwargs)

    return wrapped

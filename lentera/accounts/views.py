"""Account pages: login (and its lockout) and library choice, language, profile, personal data,
people (unlock, erase), library settings, audit log."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts import forms, invitation_views, personal_data, selectors, services, signin_codes
from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.audit_display import describe
from lentera.accounts.middleware import SESSION_KEY
from lentera.accounts.models import Membership, Role
from lentera.accounts.password_reset import password_reset, password_reset_confirm  # noqa: F401 (urls.py)
from lentera.lib.downloads import download
from lentera.lib.forms import add_service_errors
from lentera.lib.ratelimit import rate_limited
from lentera.lib.tenancy import scoped
from lentera.lib.urls import site_url


def _safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        samesite="Lax",
    )


# Each post looks a username up: limited per client address (the lockout counts wrong passwords).
@method_decorator(rate_limited("login", methods=("POST",)), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True

    def get_initial(self) -> dict[str, Any]:
        """The username filled in after an invitation set the password (``?username=``)."""
        initial = super().get_initial()
        username = self.request.GET.get("username", "")[:150]
        if username:
            initial["username"] = username
        return initial

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        activate(user.language)
        _set_language_cookie(response, user.language)
        libraries = selectors.membership_roles_by_library(user=user)
        if len(libraries) > 1:
            target = reverse("accounts:choose_library")
            next_url = self.get_redirect_url()
            return HttpResponseRedirect(f"{target}?next={next_url}" if next_url else target)
        return response


def login_locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers instead of logging in while a username is locked (AXES_LOCKOUT_CALLABLE)."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@login_required
@require_http_methods(["GET", "POST"])
def choose_library(request: AccessRequest) -> HttpResponse:
    libraries = selectors.libraries_for_user(user=request.user)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"), reverse("dashboard"))
    if request.method == "POST":
        form = forms.LibraryChoiceForm(request.POST)
        allowed = {library.pk for library, _roles in libraries}
        if form.is_valid() and form.cleaned_data["library"] in allowed:
            request.session[SESSION_KEY] = form.cleaned_data["library"]
            return redirect(next_url)
        messages.error(request, _("Choose one of your libraries."))
    return render(
        request,
        "accounts/choose_library.html",
        {"libraries": libraries, "next": next_url, "role_labels": dict(Role.choices)},
    )


def _local_path(request: HttpRequest, candidate: str | None) -> str | None:
    """``candidate`` when it is a path on this site ("/program/"), else None: never a URL name
    (``redirect()`` would try to reverse it), another host, a scheme, a control character or a
    length no page of ours has."""
    if not candidate or len(candidate) > MAX_NEXT_LENGTH or not candidate.startswith("/"):
        return None
    if candidate.startswith(("//", "/\\")) or any(ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
        return None
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return None
    return candidate


MAX_NEXT_LENGTH = 2000


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = forms.LanguageForm(request.POST)
    next_url = _local_path(request, request.POST.get("next")) or reverse("dashboard")
    response = HttpResponseRedirect(next_url)
    form.is_valid()  # a bad ``next`` (a NUL byte) must not cost the language switch: only the language counts
    language = form.cleaned_data.get("language")
    if language:
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        _set_language_cookie(response, language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AccessRequest) -> HttpResponse:
    user = request.user
    form = forms.ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(
                actor=user,
                user=user,
                library=request.access.current_library,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            user.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    roles = selectors.libraries_for_user(user=user)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "libraries": roles, "role_labels": dict(Role.choices)},
    )


@login_required
def my_personal_data(request: AccessRequest) -> HttpResponse:
    """What Lentera keeps about me, and the button that downloads all of it."""
    return render(
        request, "accounts/personal_data.html", {"libraries": selectors.libraries_for_user(user=request.user)}
    )


@login_required
@require_POST
def my_personal_data_download(request: AccessRequest) -> HttpResponse:
    content = personal_data.personal_data_export(actor=request.user, user=request.user, library=request.access.library)
    filename = f"lentera-data-pribadi-{timezone.localdate():%Y-%m-%d}.zip"
    return download(content, filename=filename, content_type="application/zip")


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def library_settings(request: AccessRequest) -> HttpResponse:
    access = request.access
    library = selectors.library_get_for_user(access=access, for_write=True)
    form = forms.LibrarySettingsForm(request.POST or None, request.FILES or None, instance=library)
    if request.method == "POST" and form.is_valid():
        try:
            services.library_update(actor=request.user, library=library, **form.settings_data())
        except ValidationError as error:
            library.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("The library settings were saved."))
            return redirect("accounts:library_settings")
    return render(request, "accounts/library_settings.html", {"form": form, "library": library})


@role_required(Role.COORDINATOR)
def people(request: AccessRequest) -> HttpResponse:
    access = request.access
    form = forms.PeopleFilterForm(request.GET or None)
    role = query = ""
    if form.is_valid():
        role, query = form.cleaned_data["role"], form.cleaned_data["q"]
    page = Paginator(selectors.library_people(access=access, role=role, query=query), 50).get_page(
        request.GET.get("page")
    )
    for person in page.object_list:
        person.signin_state = selectors.signin_state(last_login=person.last_login, invited_at=person.invited_at)
    context = {
        "form": form,
        "page": page,
        "counts": selectors.library_role_counts(library=access.current_library),
        "role_labels": dict(Role.choices),
        "sheet_form": forms.CodeSheetForm(),
    }
    template = "accounts/people.html#people-table" if request.htmx else "accounts/people.html"
    return render(request, template, context)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def person_add(request: AccessRequest) -> HttpResponse:
    access = request.access
    form = forms.PersonAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = services.user_create(
                    actor=request.user,
                    library=access.current_library,
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    nip=data["nip"],
                    functional_level=data["functional_level"],
                    work_unit=data["work_unit"],
                )
                services.membership_grant(
                    actor=request.user, library=access.current_library, user=person, role=data["role"]
                )
                if data["send_invitation"]:
                    services.invitations_send(
                        actor=request.user,
                        library=access.current_library,
                        user_ids=[person.pk],
                        base_url=site_url(request),
                    )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person.full_name})
            return redirect("accounts:person_detail", pk=person.pk)
    return render(request, "accounts/person_add.html", {"form": form})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def person_detail(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    person = selectors.person_get_for_user(access=access, pk=pk)
    form = forms.RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_grant(
                actor=request.user,
                library=access.current_library,
                user=person,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The role was granted."))
            return redirect("accounts:person_detail", pk=person.pk)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "memberships": selectors.person_memberships(access=access, person=person),
            "form": form,
            "lockout": selectors.login_lockout(user=person),
            "signin_state": selectors.signin_states_attach(library=access.library, people=[person])[0].signin_state,
            "whatsapp_number": signin_codes.whatsapp_number(person.phone),
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def person_unlock(request: AccessRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(access=request.access, pk=pk)
    try:
        services.user_unlock(actor=request.user, library=request.access.current_library, user=person)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s can log in again.") % {"name": person.full_name})
    return redirect("accounts:person_detail", pk=person.pk)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def person_erase(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    person = selectors.person_get_for_user(access=access, pk=pk)
    form = forms.EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = personal_data.user_erase(
                actor=request.user, library=access.current_library, user=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if result.erased:
                messages.success(
                    request,
                    _("The personal data was erased. The person is now called “%(name)s”.")
                    % {"name": personal_data.pseudonym(person)},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "%(name)s also belongs to %(libraries)s, which still works with them, so their personal "
                        "data was kept. Their roles in your library were removed."
                    )
                    % {"name": person.full_name, "libraries": ", ".join(lib.name for lib in result.other_libraries)},
                )
            return redirect("accounts:person_detail", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/person_erase.html",
        {
            "person": person,
            "form": form,
            "other_libraries": selectors.person_other_libraries(library=access.current_library, person=person),
            "is_self": person.pk == request.user.pk,
        },
        status=status,
    )


@role_required(Role.COORDINATOR)
@require_POST
def membership_revoke(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    membership = get_object_or_404(scoped(Membership, access.library), pk=pk)
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role was revoked."))
    return redirect("accounts:person_detail", pk=membership.user_id)


@role_required(Role.COORDINATOR)
def audit_log(request: AccessRequest) -> HttpResponse:
    access = request.access
    form = forms.AuditFilterForm(request.GET or None)
    action = actor = ""
    if form.is_valid():
        action, actor = form.cleaned_data["action"], form.cleaned_data["actor"]
    page = Paginator(selectors.audit_entries(access=access, action=action, actor_query=actor), 50).get_page(
        request.GET.get("page")
    )
    lines = describe(list(page.object_list))
    return render(request, "accounts/audit_log.html", {"form": form, "page": page, "lines": lines})


# Invitations and one-time sign-in codes ----------------------------------------------------------


@role_required(Role.COORDINATOR)
@require_POST
def people_invite(request: AccessRequest) -> HttpResponse:
    """Email a new invitation to everyone of the library who has never signed in and has an address."""
    people = selectors.people_not_signed_in(access=request.access)
    return invitation_views.invite_again(request, people=people, back=reverse("accounts:people"))


@role_required(Role.COORDINATOR)
@require_POST
def people_code_sheet(request: AccessRequest) -> HttpResponse:
    """A PDF of new one-time sign-in codes for the people who have never signed in (old sheets stop working)."""
    form = forms.CodeSheetForm(request.POST)
    without_email = form.is_valid() and form.cleaned_data["without_email"]
    people = selectors.people_not_signed_in(access=request.access, without_email=without_email)
    return invitation_views.code_sheet_download(request, people=people, back=reverse("accounts:people"))


@role_required(Role.COORDINATOR)
@require_POST
def person_invite(request: AccessRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(access=request.access, pk=pk)
    if person.last_login is not None:
        messages.info(request, _("%(name)s has signed in already.") % {"name": person.full_name})
    elif not person.email:
        messages.error(request, _("%(name)s has no email address.") % {"name": person.full_name})
    else:
        services.invitations_send(
            actor=request.user, library=request.access.current_library, user_ids=[person.pk], base_url=site_url(request)
        )
        messages.success(request, _("A new invitation is being emailed to %(email)s.") % {"email": person.email})
    return redirect("accounts:person_detail", pk=person.pk)


@role_required(Role.COORDINATOR)
@require_POST
def person_whatsapp(request: AccessRequest, pk: int) -> HttpResponse:
    """A fresh invitation link in a WhatsApp message to the person's number (wa.me opens the chat)."""
    person = selectors.person_get_for_user(access=request.access, pk=pk)
    try:
        url = services.invitation_whatsapp_url(
            actor=request.user, library=request.access.current_library, user=person, base_url=site_url(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:person_detail", pk=person.pk)
    return HttpResponseRedirect(url)


@require_http_methods(["GET", "POST"])
@rate_limited("sign-in-code", methods=("POST",))
def code_entry(request: HttpRequest) -> HttpResponse:
    """Public: type the code from the printed card. Says nothing about anyone until the code is valid."""
    form = forms.CodeEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = services.signin_code_check(code=form.cleaned_data["code"])
        if found is not None:
            return redirect("accounts:invitation", code=signin_codes.normalise(form.cleaned_data["code"]))
        form.add_error("code", _("This code does not work. Check it, or ask your coordinator for a new one."))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/code_entry.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@rate_limited("emailed-link")
def invitation(request: HttpRequest, code: str) -> HttpResponse:
    """Public: set a password with the one-time link (from an email, WhatsApp or a printed QR code)."""
    found = services.signin_code_check(code=code)
    if found is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = forms.StyledSetPasswordForm(found.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.signin_code_use(code=code, password=form.cleaned_data["new_password1"])
        except ValidationError:
            return render(request, "accounts/invitation_invalid.html", status=404)
        messages.success(
            request,
            _("Your password is set. Sign in with your username %(username)s and the new password.")
            % {"username": person.username},
        )
        return redirect(f"{reverse('accounts:login')}?username={quote(person.username)}")
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "person": found.user, "library": found.library},
        status=400 if request.method == "POST" else 200,
    )


# Password pages: Django's views with our templates and styled forms. A forgotten password (the
# request, sent in the background and rate limited, and the emailed link): password_reset.py.
password_change = auth_views.PasswordChangeView.as_view(
    form_class=forms.StyledPasswordChangeForm, success_url=reverse_lazy("accounts:password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
logout = auth_views.LogoutView.as_view()

"""Delivery pages: instructors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lentera.accounts import services as account_services
from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.delivery import selectors, services
from lentera.delivery.forms import (
    InstructorAddForm,
    InstructorForm,
)
from lentera.lib.downloads import image_type, stored_file_download
from lentera.lib.forms import add_service_errors
from lentera.lib.urls import site_url

# Instructors ------------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def instructor_list(request: AccessRequest) -> HttpResponse:
    instructors = selectors.instructors_for_user(access=request.access)
    return render(request, "delivery/instructor_list.html", {"instructors": instructors})


@role_required(Role.COORDINATOR)
def instructor_photo(request: AccessRequest, pk: int) -> HttpResponseBase:
    """An instructor's photo, for the coordinators of their library only (never a public address)."""
    profile = selectors.instructor_get_for_user(access=request.access, pk=pk)
    if not profile.photo:
        raise Http404
    name = profile.photo.name
    return stored_file_download(profile.photo, filename=f"foto-{profile.pk}", content_type=image_type(name))


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def instructor_add(request: AccessRequest) -> HttpResponse:
    library = request.access.current_library
    form = InstructorAddForm(request.POST or None, request.FILES or None, library=library)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile_fields = {k: data[k] for k in InstructorForm.Meta.fields}
        try:
            with transaction.atomic():
                person, new_person = data["person"], False
                if person is None:
                    person = account_services.user_create(
                        actor=request.user,
                        library=library,
                        username=account_services.username_free(data["email"]),
                        full_name=data["full_name"],
                        email=data["email"],
                    )
                    new_person = True
                services.instructor_register(actor=request.user, library=library, user=person, **profile_fields)
                if new_person:
                    # the same invitation as people added by hand or by import: a one-time link, in the background
                    account_services.invitations_send(
                        actor=request.user, library=library, user_ids=[person.pk], base_url=site_url(request)
                    )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is in the instructor register.") % {"name": person})
            return redirect("delivery:instructor_list")
    return render(request, "delivery/form.html", {"form": form, "title": _("Add an instructor"), "multipart": True})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def instructor_edit(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    profile = selectors.instructor_get_for_user(access=access, pk=pk)
    form = InstructorForm(request.POST or None, request.FILES or None, instance=profile, library=access.current_library)
    if request.method == "POST" and form.is_valid():
        try:
            services.instructor_update(
                actor=request.user, profile=profile, **{k: form.cleaned_data[k] for k in InstructorForm.Meta.fields}
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The instructor was saved."))
            return redirect("delivery:instructor_list")
    return render(request, "delivery/form.html", {"form": form, "title": str(profile.user), "multipart": True})

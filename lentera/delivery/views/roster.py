"""Delivery pages: participant list import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.delivery import exports, selectors, services
from lentera.delivery.forms import (
    RosterUploadForm,
)
from lentera.lib import jobs
from lentera.lib.downloads import download
from lentera.lib.spreadsheet import unpacked_size
from lentera.lib.urls import site_url
from lentera.lib.xlsx import XLSX_CONTENT_TYPE

# Participant list import ------------------------------------------------------------------------


# Larger lists are read and imported in the background, with a progress bar.
BACKGROUND_BYTES = 100 * 1024
BACKGROUND_UNPACKED = 1024 * 1024  # a small .xlsx can unpack to much more sheet XML to parse
BACKGROUND_ROWS = 1000


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def roster_import_upload(request: AccessRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["file"]
            start = (
                services.roster_import_start
                if upload.size > BACKGROUND_BYTES or unpacked_size(upload.file) > BACKGROUND_UNPACKED
                else services.roster_import_preview
            )
            roster_import = start(actor=request.user, cohort=cohort, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect(roster_import)
    return render(request, "delivery/roster_import_upload.html", {"cohort": cohort, "form": form})


@role_required(Role.COORDINATOR)
def roster_import_detail(request: AccessRequest, pk: int) -> HttpResponse:
    roster_import = selectors.roster_import_get_for_user(access=request.access, pk=pk)
    working = roster_import.status in roster_import.WORKING
    # no worker heard from lately: the page says the work waits for one, not that it goes on
    worker_down = working and not jobs.workers_running()
    if request.htmx:
        if working:
            return render(
                request,
                "delivery/roster_import_detail.html#progress",
                {"roster_import": roster_import, "worker_down": worker_down},
            )
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # finished: show the whole page with the result
        return response
    rows = roster_import.rows
    return render(
        request,
        "delivery/roster_import_detail.html",
        {
            "roster_import": roster_import,
            "worker_down": worker_down,
            "cohort": roster_import.cohort,
            "errors": [(r["line"], column, message) for r in rows for column, message in r["errors"]],
            # previews checked before warnings existed have none
            "warnings": [(r["line"], column, message) for r in rows for column, message in r.get("warnings", [])],
            "valid": [r for r in rows if r["outcome"] in ("new", "existing")],
            "already": [r for r in rows if r["outcome"] == "enrolled"],
            "outcome_labels": {"new": _("new person"), "existing": _("existing person")},
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def roster_import_confirm(request: AccessRequest, pk: int) -> HttpResponse:
    roster_import = selectors.roster_import_get_for_user(access=request.access, pk=pk)
    valid = roster_import.summary.get("new", 0) + roster_import.summary.get("existing", 0)
    if valid > BACKGROUND_ROWS:
        try:
            services.roster_import_request_apply(
                actor=request.user, roster_import=roster_import, base_url=site_url(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(roster_import)
    try:
        summary = services.roster_import_apply(
            actor=request.user, roster_import=roster_import, base_url=site_url(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(roster_import)
    messages.success(
        request,
        _(
            "Imported: %(enrolled)s enrolled, %(waitlisted)s on the waitlist "
            "(%(new)s new people, %(existing)s existing)."
        )
        % {
            "enrolled": summary["enrolled"],
            "waitlisted": summary["waitlisted"],
            "new": summary["new_people"],
            "existing": summary["existing_people"],
        },
    )
    return redirect(roster_import.cohort)


@role_required(Role.COORDINATOR)
@require_POST
def roster_import_cancel(request: AccessRequest, pk: int) -> HttpResponse:
    roster_import = selectors.roster_import_get_for_user(access=request.access, pk=pk)
    try:
        services.roster_import_cancel(actor=request.user, roster_import=roster_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("The list was not imported; nothing changed."))
    return redirect(roster_import.cohort)


@role_required(Role.COORDINATOR)
def roster_template(request: AccessRequest) -> HttpResponse:
    from lentera.accounts.models import FunctionalLevel

    levels = list(FunctionalLevel.objects.values_list("name", flat=True))
    return download(
        exports.roster_template_xlsx(levels=levels), filename="templat-peserta.xlsx", content_type=XLSX_CONTENT_TYPE
    )

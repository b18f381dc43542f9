"""Project-level pages: the per-role dashboard and the error pages.

The dashboard composes selectors of several apps, so it lives above them.
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views.static import serve

from lentera.accounts.access import redirect_to_library_chooser
from lentera.accounts.selectors import library_role_counts
from lentera.assessment.assignment_selectors import assignments_to_hand_in, grading_queue
from lentera.assessment.exam_selectors import open_tests_for
from lentera.curriculum.selectors import competencies_for_user, programmes_for_user
from lentera.delivery import selectors as delivery
from lentera.evaluation.selectors import open_actions, open_surveys_for
from lentera.lib.downloads import is_public_media
from lentera.lib.middleware import database_unavailable, unavailable_response


def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    access = request.access  # type: ignore[attr-defined]
    if access.library is None:
        if access.library_count > 1:
            return redirect_to_library_chooser(request)
        return render(request, "dashboard/no_library.html", status=200)
    context: dict[str, Any] = {"library": access.library}
    if access.is_staff_member:
        programmes = list(programmes_for_user(access=access)[:6])
        context["programmes"] = programmes
        context["current_programme"] = next((p for p in programmes if p.status == "active"), None)
    if access.is_coordinator:
        context["role_counts"] = library_role_counts(library=access.library)
        context["competency_count"] = competencies_for_user(access=access).count()
        context["cohorts"] = list(delivery.cohorts_for_user(access=access))
    if access.is_coordinator:
        context["open_actions"] = open_actions(access=access)
        context["today"] = timezone.localdate()
    if access.is_coordinator or access.is_instructor:
        context["to_grade"] = grading_queue(access=access)
    if access.is_instructor or access.is_participant:
        context["upcoming"] = delivery.upcoming_sessions(access=access, limit=3)
    if access.is_participant:
        context["progress"] = delivery.participant_progress(access=access)
        context["open_checkins"] = delivery.open_checkins_for(access=access)
        context["my_groups"] = delivery.my_groups(access=access)
        context["open_tests"] = open_tests_for(access=access)
        context["to_hand_in"] = assignments_to_hand_in(access=access)
        context["open_feedback"] = open_surveys_for(access=access)
        context["now"] = timezone.now()
    return render(request, "dashboard/dashboard.html", context)


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """The public uploads (library logos) in development (DEBUG); in production the web server serves
    them. Every other upload (materials, hand-ins, photos, signatures, imported lists) is private and
    only ever leaves through an access-checked view (lentera/lib/downloads.py), even in DEBUG."""
    if not settings.DEBUG or not is_public_media(path):
        raise Http404
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "403.html", 403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "404.html", 404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors or database: the failure may be there. The database out of reach (here
    # when a middleware met it; lentera/lib/middleware.py when a view did): 503, try again shortly.
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, template, status=status)

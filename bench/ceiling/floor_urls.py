"""Lentera's URLs plus one bench-only view behind the login: the cheapest signed-in page there can be."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    # request.access: the person's current library and roles, loaded by the middleware for every page
    library = request.access.library  # type: ignore[attr-defined]
    return HttpResponse(f"Hello, {library.slug if library else '-'}", content_type="text/plain")


urlpatterns = [path("bench-floor/", signed_in), path("", include("lentera.urls"))]

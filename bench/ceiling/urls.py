"""One URL, one view: the smallest page Django serves."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hello, world", content_type="text/plain")


urlpatterns = [path("", hello)]

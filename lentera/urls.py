from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lentera import views
from lentera.accounts import setup_views

urlpatterns = [
    # while Lentera has no library, the home page leads to the first-run setup page
    path("", setup_views.first_run_redirect(views.dashboard), name="dashboard"),
    path("pasang/", setup_views.first_run, name="first_run"),
    path("akun/", include("lentera.accounts.urls")),
    path("program/", include("lentera.curriculum.urls")),
    path("", include("lentera.delivery.urls")),
    path("bank-soal/", include("lentera.assessment.urls")),
    path("sertifikat/", include("lentera.certificates.urls")),
    path("umpan-balik/", include("lentera.evaluation.urls")),
    path("dampak/", include("lentera.impact.urls")),
    path("admin/", admin.site.urls),
    # Uploaded files, served by Django in development only; nginx serves them in production.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.media, name="media"),
]

handler403 = "lentera.views.error_403"
handler404 = "lentera.views.error_404"
handler500 = "lentera.views.error_500"

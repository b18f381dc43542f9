from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lentera import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
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

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lentera import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("akun/", include("lentera.accounts.urls")),
    path("program/", include("lentera.curriculum.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "lentera.views.error_403"
handler404 = "lentera.views.error_404"
handler500 = "lentera.views.error_500"

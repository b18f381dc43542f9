from django.urls import path

from lentera.impact import views

app_name = "impact"

urlpatterns = [
    path("indikator/", views.indicators, name="indicators"),
    path("indikator/<int:year>/<int:month>/", views.indicator_save, name="indicator_save"),
    path("indikator/impor/", views.import_upload, name="import_upload"),
    path("indikator/impor/<int:pk>/", views.import_detail, name="import_detail"),
    path("indikator/impor/<int:pk>/simpan/", views.import_confirm, name="import_confirm"),
    path("indikator/impor/<int:pk>/batal/", views.import_cancel, name="import_cancel"),
    path("indikator/templat-indikator.xlsx", views.indicator_template, name="indicator_template"),
    path("indikator/ekspor.xlsx", views.indicator_export, name="indicator_export"),
]

from django.urls import path

from lentera.certificates import views

app_name = "certificates"

urlpatterns = [
    path("cek/", views.verify, name="verify"),
    path("cek/<str:token>/", views.verify_token, name="verify_token"),
    path("saya/", views.my_certificates, name="my_certificates"),
    path("pengaturan/", views.certificate_settings, name="settings"),
    path("pengaturan/tanda-tangan/", views.certificate_signature, name="signature"),
    path("angkatan/<int:pk>/", views.cohort_certificates, name="cohort"),
    path("angkatan/<int:pk>/terbitkan/", views.cohort_issue, name="cohort_issue"),
    path("angkatan/<int:pk>/sertifikat.zip", views.cohort_zip, name="cohort_zip"),
    path("angkatan/<int:pk>/sertifikat.pdf", views.cohort_pdf, name="cohort_pdf"),
    path("penerbitan/<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/", views.certificate_detail, name="detail"),
    path("<int:pk>/unduh/", views.certificate_download, name="download"),
    path("<int:pk>/cabut/", views.certificate_revoke, name="revoke"),
    path("<int:pk>/terbitkan-ulang/", views.certificate_reissue, name="reissue"),
]

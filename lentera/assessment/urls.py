from django.urls import path

from lentera.assessment import exam_views, views

app_name = "assessment"

urlpatterns = [
    path("", views.question_list, name="question_list"),
    path("baru/", views.question_create, name="question_create"),
    path("<int:pk>/", views.question_edit, name="question_edit"),
    path("<int:pk>/status/", views.question_toggle, name="question_toggle"),
    path("impor/", views.question_import_upload, name="question_import_upload"),
    path("impor/<int:pk>/", views.question_import_detail, name="question_import_detail"),
    path("impor/<int:pk>/simpan/", views.question_import_confirm, name="question_import_confirm"),
    path("impor/<int:pk>/batal/", views.question_import_cancel, name="question_import_cancel"),
    path("unduh.xlsx", views.question_export, name="question_export"),
    path("templat.xlsx", views.question_template, name="question_template"),
    path("angkatan/<int:pk>/tes/", exam_views.cohort_tests, name="cohort_tests"),
    path("angkatan/<int:pk>/kelulusan/", exam_views.cohort_completion, name="cohort_completion"),
    path("tes/<int:pk>/", exam_views.take_test, name="take_test"),
    path("tes/<int:pk>/jawab/", exam_views.save_answer, name="save_answer"),
    path("tes/<int:pk>/kumpulkan/", exam_views.submit_test, name="submit_test"),
    path("tes/<int:pk>/hasil/", exam_views.test_result, name="test_result"),
]

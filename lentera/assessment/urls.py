from django.urls import path

from lentera.assessment import assignment_views, exam_views, views

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

urlpatterns += [
    path("rubrik/", assignment_views.rubric_list, name="rubric_list"),
    path("rubrik/baru/", assignment_views.rubric_create, name="rubric_create"),
    path("rubrik/<int:pk>/", assignment_views.rubric_edit, name="rubric_edit"),
    path("rubrik/<int:pk>/salin/", assignment_views.rubric_copy, name="rubric_copy"),
    path("sesi/<int:session_pk>/tugas/baru/", assignment_views.assignment_create, name="assignment_create"),
    path("tugas/<int:pk>/", assignment_views.assignment_detail, name="assignment_detail"),
    path("tugas/<int:pk>/ubah/", assignment_views.assignment_edit, name="assignment_edit"),
    path("tugas/<int:pk>/kumpulkan/", assignment_views.submission_submit, name="submission_submit"),
    path("tugas/<int:pk>/amati/", assignment_views.observe_list, name="observe_list"),
    path("tugas/<int:pk>/amati/<int:user_pk>/", assignment_views.observe_sheet, name="observe_sheet"),
    path("tugas/<int:pk>/pengamatan/<int:user_pk>/", assignment_views.observation_detail, name="observation_detail"),
    path("pengumpulan/<int:pk>/nilai/", assignment_views.submission_grade, name="submission_grade"),
    path("pengumpulan/<int:pk>/berkas/", assignment_views.submission_file, name="submission_file"),
    path("tugas-saya/", assignment_views.my_assignments, name="my_assignments"),
]

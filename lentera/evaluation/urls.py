from django.urls import path

from lentera.evaluation import builder_views, followup_views, views

app_name = "evaluation"

urlpatterns = [
    path("formulir/", views.form_list, name="form_list"),
    path("formulir/<int:pk>/", views.form_detail, name="form_detail"),
    path("angkatan/<int:pk>/", views.cohort_feedback, name="cohort_feedback"),
    path("isi/<int:pk>/", views.answer, name="answer"),
    path("<int:pk>/hasil/", views.survey_results, name="survey_results"),
    path("komentar/<int:pk>/<slug:digest>/", views.comment_review, name="comment_review"),
    path("instruktur/<int:pk>/", views.scorecard, name="scorecard"),
    path("instruktur/saya/", views.my_scorecard, name="my_scorecard"),
]

urlpatterns += [
    path("angkatan/<int:pk>/laporan/", views.cohort_report, name="cohort_report"),
    path("angkatan/<int:pk>/laporan.pdf", views.cohort_report_pdf, name="cohort_report_pdf"),
    path("angkatan/<int:pk>/jawaban.xlsx", views.cohort_responses_xlsx, name="cohort_responses_xlsx"),
    path("angkatan/<int:pk>/tindakan/", views.action_create, name="action_create"),
    path("tindakan/<int:pk>/status/", views.action_status, name="action_status"),
]

urlpatterns += [
    path("angkatan/<int:pk>/tindak-lanjut/", followup_views.follow_up, name="follow_up"),
    path("angkatan/<int:pk>/tindak-lanjut/atasan/", followup_views.supervisor_invite, name="supervisor_invite"),
    path("atasan/<str:token>/", followup_views.supervisor_answer, name="supervisor_answer"),
]

urlpatterns += [  # the form builder
    path("formulir/baru/", builder_views.form_create, name="form_create"),
    path("formulir/<int:pk>/ubah/", builder_views.form_edit, name="form_edit"),
    path("formulir/<int:pk>/salin/", builder_views.form_copy, name="form_copy"),
    path("formulir/<int:pk>/pakai/", builder_views.form_activate, name="form_activate"),
    path("formulir/<int:pk>/lepas/", builder_views.form_deactivate, name="form_deactivate"),
    path("formulir/<int:pk>/bagian/", builder_views.section_add, name="section_add"),
    path("formulir/<int:pk>/bagian/<int:section_pk>/", builder_views.section_rename, name="section_rename"),
    path("formulir/<int:pk>/bagian/<int:section_pk>/geser/", builder_views.section_move, name="section_move"),
    path("formulir/<int:pk>/bagian/<int:section_pk>/hapus/", builder_views.section_remove, name="section_remove"),
    path("formulir/<int:pk>/bagian/<int:section_pk>/butir/", builder_views.item_add, name="item_add"),
    path("formulir/<int:pk>/butir/<int:item_pk>/", builder_views.item_row, name="item_row"),
    path("formulir/<int:pk>/butir/<int:item_pk>/ubah/", builder_views.item_edit, name="item_edit"),
    path("formulir/<int:pk>/butir/<int:item_pk>/geser/", builder_views.item_move, name="item_move"),
    path("formulir/<int:pk>/butir/<int:item_pk>/hapus/", builder_views.item_remove, name="item_remove"),
]

urlpatterns += [
    path("sesi/<int:pk>/layar/", views.session_projector, name="session_projector"),
]

urlpatterns += [
    path("pengaturan/", views.feedback_settings, name="feedback_settings"),
]

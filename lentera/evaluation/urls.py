from django.urls import path

from lentera.evaluation import followup_views, views

app_name = "evaluation"

urlpatterns = [
    path("formulir/", views.form_list, name="form_list"),
    path("formulir/<int:pk>/", views.form_detail, name="form_detail"),
    path("angkatan/<int:pk>/", views.cohort_feedback, name="cohort_feedback"),
    path("isi/<int:pk>/", views.answer, name="answer"),
    path("<int:pk>/hasil/", views.survey_results, name="survey_results"),
    path("komentar/<int:pk>/", views.comment_review, name="comment_review"),
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

urlpatterns += [
    path("sesi/<int:pk>/layar/", views.session_projector, name="session_projector"),
]

urlpatterns += [
    path("pengaturan/", views.feedback_settings, name="feedback_settings"),
]

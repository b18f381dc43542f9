from django.urls import path

from lentera.evaluation import views

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

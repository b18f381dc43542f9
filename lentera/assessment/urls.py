from django.urls import path

from lentera.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.question_list, name="question_list"),
    path("baru/", views.question_create, name="question_create"),
    path("<int:pk>/", views.question_edit, name="question_edit"),
    path("<int:pk>/status/", views.question_toggle, name="question_toggle"),
]

from django.urls import path

from lentera.curriculum import views

app_name = "curriculum"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("baru/", views.programme_create, name="programme_create"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("<int:pk>/ubah/", views.programme_edit, name="programme_edit"),
    path("<int:programme_pk>/tujuan/baru/", views.objective_create, name="objective_create"),
    path("tujuan/<int:pk>/ubah/", views.objective_edit, name="objective_edit"),
    path("<int:programme_pk>/modul/baru/", views.module_create, name="module_create"),
    path("modul/<int:pk>/", views.module_detail, name="module_detail"),
    path("modul/<int:pk>/ubah/", views.module_edit, name="module_edit"),
    path("kompetensi/", views.competency_list, name="competency_list"),
    path("kompetensi/baru/", views.competency_create, name="competency_create"),
    path("kompetensi/<int:pk>/ubah/", views.competency_edit, name="competency_edit"),
]

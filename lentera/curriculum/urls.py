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

urlpatterns += [
    path("<int:pk>/salin/", views.programme_copy, name="programme_copy"),
    path("modul/<int:module_pk>/sesi/baru/", views.session_plan_create, name="session_plan_create"),
    path("sesi/<int:pk>/", views.session_plan_detail, name="session_plan_detail"),
    path("sesi/<int:pk>/ubah/", views.session_plan_edit, name="session_plan_edit"),
    path("sesi/<int:plan_pk>/materi/", views.material_add, name="material_add"),
    path("materi/<int:pk>/hapus/", views.material_remove, name="material_remove"),
    path("materi/<int:pk>/unduh/", views.material_download, name="material_download"),
]

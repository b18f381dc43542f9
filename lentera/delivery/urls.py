from django.urls import path

from lentera.delivery import views

app_name = "delivery"

urlpatterns = [
    path("angkatan/", views.cohort_list, name="cohort_list"),
    path("angkatan/baru/", views.cohort_create, name="cohort_create"),
    path("angkatan/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("angkatan/<int:pk>/ubah/", views.cohort_edit, name="cohort_edit"),
    path("angkatan/<int:pk>/peserta/cari/", views.enrol_search, name="enrol_search"),
    path("angkatan/<int:pk>/peserta/tambah/", views.enrol, name="enrol"),
    path("pendaftaran/<int:pk>/mundur/", views.withdraw, name="withdraw"),
    path("angkatan/<int:pk>/jadwal/baru/", views.session_schedule, name="session_schedule"),
    path("sesi/<int:pk>/", views.session_detail, name="session_detail"),
    path("sesi/<int:pk>/ubah/", views.session_edit, name="session_edit"),
    path("sesi/<int:pk>/hadir/<int:user_pk>/", views.attendance_mark, name="attendance_mark"),
    path("sesi/<int:pk>/layar-presensi/", views.checkin_screen, name="checkin_screen"),
    path("hadir/", views.check_in, name="check_in"),
    path("hadir/<int:pk>/", views.check_in, name="check_in_session"),
    path("instruktur/", views.instructor_list, name="instructor_list"),
    path("instruktur/tambah/", views.instructor_add, name="instructor_add"),
    path("instruktur/<int:pk>/", views.instructor_edit, name="instructor_edit"),
    path("jadwal-saya/", views.my_schedule, name="my_schedule"),
    path("jp/", views.jp_ledger, name="jp_ledger"),
]

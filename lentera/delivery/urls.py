from django.urls import path, re_path

from lentera.delivery import views

app_name = "delivery"

urlpatterns = [
    path("angkatan/", views.cohort_list, name="cohort_list"),
    path("angkatan/baru/", views.cohort_create, name="cohort_create"),
    path("angkatan/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("angkatan/<int:pk>/ubah/", views.cohort_edit, name="cohort_edit"),
    path("angkatan/<int:pk>/peserta/cari/", views.enrol_search, name="enrol_search"),
    path("angkatan/<int:pk>/kelompok/", views.cohort_groups, name="cohort_groups"),
    path("angkatan/<int:pk>/undang/", views.cohort_invite, name="cohort_invite"),
    path("angkatan/<int:pk>/kode-masuk/", views.cohort_code_sheet, name="cohort_code_sheet"),
    path("angkatan/<int:pk>/peserta/tambah/", views.enrol, name="enrol"),
    path("pendaftaran/<int:pk>/mundur/", views.withdraw, name="withdraw"),
    path("angkatan/<int:pk>/jadwal/baru/", views.session_schedule, name="session_schedule"),
    path("angkatan/<int:pk>/jadwal/program/", views.programme_schedule, name="programme_schedule"),
    path("sesi/<int:pk>/", views.session_detail, name="session_detail"),
    path("sesi/<int:pk>/ubah/", views.session_edit, name="session_edit"),
    path("sesi/<int:pk>/hadir/<int:user_pk>/", views.attendance_mark, name="attendance_mark"),
    path("sesi/<int:pk>/layar-presensi/", views.checkin_screen, name="checkin_screen"),
    path("sesi/<int:pk>/layar-presensi/jumlah/", views.checkin_count, name="checkin_count"),
    path("hadir/", views.check_in, name="check_in"),
    path("hadir/<int:pk>/", views.check_in, name="check_in_session"),
    path("angkatan/<int:pk>/impor/", views.roster_import_upload, name="roster_import_upload"),
    path("impor/<int:pk>/", views.roster_import_detail, name="roster_import_detail"),
    path("impor/<int:pk>/simpan/", views.roster_import_confirm, name="roster_import_confirm"),
    path("impor/<int:pk>/batal/", views.roster_import_cancel, name="roster_import_cancel"),
    path("impor/templat-peserta.xlsx", views.roster_template, name="roster_template"),
    path("instruktur/", views.instructor_list, name="instructor_list"),
    path("instruktur/tambah/", views.instructor_add, name="instructor_add"),
    path("instruktur/<int:pk>/", views.instructor_edit, name="instructor_edit"),
    path("jadwal-saya/", views.my_schedule, name="my_schedule"),
    path("kalender/", views.calendar_view, name="calendar"),
    path("kalender/langganan/", views.calendar_feed, name="calendar_feed"),
    path("kalender/<str:token>.ics", views.ical_feed, name="ical_feed"),
    path("jp/", views.jp_ledger, name="jp_ledger"),
    path("jp/unduh/", views.jp_ledger_export, name="jp_ledger_export"),
    path("jp-saya/", views.my_jp, name="my_jp"),
    path("jp-saya/riwayat-jp.pdf", views.my_jp_pdf, name="my_jp_pdf"),
    re_path(r"^sesi/(?P<pk>[0-9]+)/daftar-hadir\.(?P<fmt>pdf|xlsx)$", views.attendance_sheet, name="attendance_sheet"),
]

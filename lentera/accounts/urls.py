from django.urls import path

from lentera.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.logout, name="logout"),
    path("pilih-perpustakaan/", views.choose_library, name="choose_library"),
    path("bahasa/", views.set_language, name="language"),
    path("profil/", views.profile, name="profile"),
    path("profil/data-pribadi/", views.my_personal_data, name="personal_data"),
    path("profil/data-pribadi/unduh/", views.my_personal_data_download, name="personal_data_download"),
    path("kata-sandi/", views.password_change, name="password_change"),
    path("kata-sandi/selesai/", views.password_change_done, name="password_change_done"),
    path("lupa-kata-sandi/", views.password_reset, name="password_reset"),
    path("lupa-kata-sandi/terkirim/", views.password_reset_done, name="password_reset_done"),
    path("atur-kata-sandi/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("atur-kata-sandi/selesai/", views.password_reset_complete, name="password_reset_complete"),
    path("kode/", views.code_entry, name="code_entry"),
    path("undangan/<str:code>/", views.invitation, name="invitation"),
    path("perpustakaan/", views.library_settings, name="library_settings"),
    path("orang/", views.people, name="people"),
    path("orang/tambah/", views.person_add, name="person_add"),
    path("orang/undang/", views.people_invite, name="people_invite"),
    path("orang/kode-masuk/", views.people_code_sheet, name="people_code_sheet"),
    path("orang/<int:pk>/", views.person_detail, name="person_detail"),
    path("orang/<int:pk>/buka-kunci/", views.person_unlock, name="person_unlock"),
    path("orang/<int:pk>/undang/", views.person_invite, name="person_invite"),
    path("orang/<int:pk>/whatsapp/", views.person_whatsapp, name="person_whatsapp"),
    path("orang/<int:pk>/hapus-data/", views.person_erase, name="person_erase"),
    path("peran/<int:pk>/cabut/", views.membership_revoke, name="membership_revoke"),
    path("log-audit/", views.audit_log, name="audit_log"),
]

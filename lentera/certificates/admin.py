from django.contrib import admin

from lentera.certificates.models import Certificate, CertificateSettings, IssueRun


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "participant_name", "cohort_name", "issued_at", "revoked_at", "library"]
    list_filter = ["library", "year"]
    search_fields = ["number", "participant_name"]
    readonly_fields = [f.name for f in Certificate._meta.fields]


@admin.register(CertificateSettings)
class CertificateSettingsAdmin(admin.ModelAdmin):
    list_display = ["library", "number_pattern", "library_code"]


@admin.register(IssueRun)
class IssueRunAdmin(admin.ModelAdmin):
    list_display = ["cohort", "status", "issued", "created_at", "finished_at"]
    list_filter = ["status"]

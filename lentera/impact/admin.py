from django.contrib import admin

from lentera.impact.models import IndicatorImport, MonthlyIndicator


@admin.register(MonthlyIndicator)
class MonthlyIndicatorAdmin(admin.ModelAdmin):
    list_display = ["library", "month", "visits", "loans", "new_members", "events", "updated_at"]
    list_filter = ["library"]
    date_hierarchy = "month"
    raw_id_fields = ["updated_by"]


@admin.register(IndicatorImport)
class IndicatorImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "library", "status", "created_at"]
    list_filter = ["status", "library"]
    raw_id_fields = ["created_by"]

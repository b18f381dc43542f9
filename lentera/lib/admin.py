from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lentera.lib.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """The background workers and their last heartbeat, to look at (the workers write these rows)."""

    list_display = ["worker_id", "hostname", "pid", "started_at", "beat_at"]
    readonly_fields = ["worker_id", "hostname", "pid", "started_at", "beat_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

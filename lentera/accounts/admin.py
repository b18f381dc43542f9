from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import AuditEntry, FunctionalLevel, Library, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["library"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["username", "full_name", "email", "nip", "work_unit", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email", "nip"]
    list_filter = ["is_active", "is_superuser", "functional_level"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("full_name", "email", "phone", "nip", "functional_level", "work_unit", "language")},
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "full_name", "email", "password1", "password2")},
        ),
    )


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "city", "province", "population"]
    search_fields = ["name", "city", "province"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(FunctionalLevel)
class FunctionalLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "is_civil_servant", "order"]
    list_editable = ["order"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "library", "actor", "action", "object_repr"]
    list_filter = ["action", "library"]
    search_fields = ["object_repr", "actor__full_name"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# Roles come from memberships per library, not from Django's groups.
admin.site.unregister(Group)

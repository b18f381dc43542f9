from django.contrib import admin

from lentera.curriculum.models import Competency, KeyFunction, Module, Objective, Programme


@admin.register(KeyFunction)
class KeyFunctionAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "name_en"]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "key_function", "library"]
    list_filter = ["library", "key_function"]
    search_fields = ["title", "code"]


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["code", "title"]


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ["order", "title"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "status", "library"]
    list_filter = ["library", "status", "year"]
    inlines = [ObjectiveInline, ModuleInline]

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import Library

# The six monthly figures, in the order every page, sheet and chart shows them.
INDICATOR_FIELDS = ("visits", "loans", "new_members", "events", "event_attendance", "reference_questions")


class MonthlyIndicator(models.Model):
    """A library's figures for one month; an empty figure is not known (never read as zero)."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text=_("Always the first day of the month."))
    visits = models.PositiveIntegerField(_("visits"), null=True, blank=True)
    loans = models.PositiveIntegerField(_("loans"), null=True, blank=True)
    new_members = models.PositiveIntegerField(_("new members"), null=True, blank=True)
    events = models.PositiveIntegerField(_("events"), null=True, blank=True)
    event_attendance = models.PositiveIntegerField(_("event attendance"), null=True, blank=True)
    reference_questions = models.PositiveIntegerField(_("reference questions"), null=True, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["library", "month"]
        verbose_name = _("monthly indicators")
        verbose_name_plural = _("monthly indicators")
        constraints = [
            # also the index of every page and report: they filter by library and a range of months
            models.UniqueConstraint(
                fields=["library", "month"],
                name="impact_indicator_one_per_month",
                violation_error_message=_("This month already has figures."),
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1),
                name="impact_indicator_first_of_month",
                violation_error_message=_("The month is stored as its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.library} · {self.month:%Y-%m}"


class IndicatorImport(models.Model):
    """An uploaded sheet of monthly figures between its preview and the coordinator's decision."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255)
    columns = models.JSONField(_("columns"), default=list)
    rows = models.JSONField(_("rows"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("indicator import")
        verbose_name_plural = _("indicator imports")

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("impact:import_detail", args=[self.pk])

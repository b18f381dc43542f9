from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import Library
from lentera.curriculum.models import Competency, Module


class Question(models.Model):
    """A question in the library's bank, tagged with the competencies and modules it tests."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        SHORT = "short", _("Short answer")

    class Difficulty(models.TextChoices):
        EASY = "easy", _("Easy")
        MEDIUM = "medium", _("Medium")
        HARD = "hard", _("Hard")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("question"))
    explanation = models.TextField(_("explanation shown after the test"), blank=True)
    difficulty = models.CharField(_("difficulty"), max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    accepted_answers = models.JSONField(_("accepted answers"), default=list, blank=True)
    competencies = models.ManyToManyField(Competency, verbose_name=_("competencies"), blank=True, related_name="+")
    modules = models.ManyToManyField(Module, verbose_name=_("modules"), blank=True, related_name="+")
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["library", "is_active", "kind"])]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("assessment:question_edit", args=[self.pk])


class Choice(models.Model):
    """An option of a choice or true/false question."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("option"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["question", "order", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.text

    @property
    def letter(self) -> str:
        return "ABCDEFGH"[self.order] if self.order < 8 else str(self.order + 1)


class QuestionImport(models.Model):
    """An uploaded question sheet between its preview and the decision."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255)
    rows = models.JSONField(_("rows"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("assessment:question_import_detail", args=[self.pk])

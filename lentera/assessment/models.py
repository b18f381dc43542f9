from __future__ import annotations

from typing import Any

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


class CohortTest(models.Model):
    """The pre-test or post-test of a cohort, built from the bank."""

    class Kind(models.TextChoices):
        PRE = "pre", _("Pre-test")
        POST = "post", _("Post-test")

    class Layout(models.TextChoices):
        ONE_PER_SCREEN = "one", _("One question per screen")
        ALL_ON_ONE_PAGE = "all", _("All questions on one page")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(
        "delivery.Cohort", verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="tests"
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    layout = models.CharField(_("layout"), max_length=3, choices=Layout.choices, default=Layout.ONE_PER_SCREEN)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes, 0 = none)"), default=0)
    is_open = models.BooleanField(_("open for participants"), default=False)
    questions: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        Question, through="CohortTestItem", related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["cohort", "kind"]
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "kind"],
                name="assessment_one_test_per_kind",
                violation_error_message=_("This cohort already has this test."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessment:test_detail", args=[self.pk])


class CohortTestItem(models.Model):
    test = models.ForeignKey(CohortTest, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["test", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["test", "question"], name="assessment_question_once_per_test")]

    def __str__(self) -> str:
        return f"{self.test} · {self.order}"


class Attempt(models.Model):
    """One participant's attempt at a test; answers are saved as they are given."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    test = models.ForeignKey(CohortTest, verbose_name=_("test"), on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey("accounts.User", verbose_name=_("participant"), on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    correct = models.PositiveSmallIntegerField(_("correct answers"), default=0)
    total = models.PositiveSmallIntegerField(_("questions"), default=0)
    score = models.FloatField(_("score (%)"), null=True, blank=True)

    class Meta:
        ordering = ["test", "user", "number"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [models.UniqueConstraint(fields=["test", "user", "number"], name="assessment_attempt_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.test} · {self.number}"


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    chosen = models.JSONField(default=list, blank=True)  # choice ids
    text = models.CharField(max_length=500, blank=True)
    is_correct = models.BooleanField(default=False)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="assessment_one_answer")]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question_id}"


class AttemptGrant(models.Model):
    """The coordinator allowed one more attempt (audited)."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="+")
    test = models.ForeignKey(CohortTest, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.test}"


class CompletionOverride(models.Model):
    """The coordinator's decision that replaces the computed completion status, with its reason."""

    class Status(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        NOT_COMPLETED = "not_completed", _("Not completed")

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey("delivery.Cohort", on_delete=models.CASCADE, related_name="completion_overrides")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=15, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="assessment_one_override")]

    def __str__(self) -> str:
        return f"{self.user} · {self.cohort} · {self.status}"

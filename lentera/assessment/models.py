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


class Rubric(models.Model):
    """Criteria × levels: each level has points, each cell a descriptor. Locked once anyone was scored with it."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("made by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessment:rubric_edit", args=[self.pk])


class RubricLevel(models.Model):
    """A column of the rubric (e.g. Very good = 4 points), shared by all its criteria."""

    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="levels")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("level"), max_length=100)
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        ordering = ["rubric", "order", "id"]
        verbose_name = _("rubric level")
        verbose_name_plural = _("rubric levels")

    def __str__(self) -> str:
        return f"{self.label} ({self.points})"


class RubricCriterion(models.Model):
    """A row of the rubric: what is judged."""

    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("criterion"), max_length=200)

    class Meta:
        ordering = ["rubric", "order", "id"]
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")

    def __str__(self) -> str:
        return self.name


class RubricDescriptor(models.Model):
    """What a level looks like for one criterion (a cell of the grid)."""

    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="descriptors")
    level = models.ForeignKey(RubricLevel, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("descriptor"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["criterion", "level"], name="assessment_one_descriptor")]

    def __str__(self) -> str:
        return self.text[:60]


class Assignment(models.Model):
    """Work attached to a practice, case-study or role-play session, judged with a rubric."""

    class Mode(models.TextChoices):
        SUBMISSION = "submission", _("Participants hand in work")
        OBSERVATION = "observation", _("Observed live (role-play)")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        "delivery.ScheduledSession", verbose_name=_("session"), on_delete=models.CASCADE, related_name="assignments"
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="assignments")
    mode = models.CharField(_("how it is judged"), max_length=12, choices=Mode.choices, default=Mode.SUBMISSION)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    accepts_text = models.BooleanField(_("text answer"), default=True)
    accepts_file = models.BooleanField(_("file upload"), default=False)
    accepts_link = models.BooleanField(_("link"), default=False)
    is_required = models.BooleanField(_("required for completion"), default=False)
    pass_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("made by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["session__starts_at", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_percent__lte=100),
                name="assessment_assignment_pass_percent",
                violation_error_message=_("The pass mark is a percentage: at most 100."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessment:assignment_detail", args=[self.pk])


class Submission(models.Model):
    """A participant's work for an assignment; graded criterion by criterion, then released to them."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="submissions"
    )
    user = models.ForeignKey("accounts.User", verbose_name=_("participant"), on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("answer"), blank=True)
    file = models.FileField(_("file"), upload_to="submissions/%Y/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("handed in"))
    graded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("graded by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)
    score_percent = models.FloatField(_("score (%)"), null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)

    class Meta:
        ordering = ["assignment", "submitted_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [models.UniqueConstraint(fields=["assignment", "user"], name="assessment_one_submission")]

    def __str__(self) -> str:
        return f"{self.user} · {self.assignment}"

    @property
    def is_late(self) -> bool:
        due = self.assignment.due_at
        return bool(due and self.submitted_at > due)


class ObservationSheet(models.Model):
    """One observer's rubric for one participant in a live role-play; several sheets are averaged."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="sheets"
    )
    participant = models.ForeignKey(
        "accounts.User", verbose_name=_("participant"), on_delete=models.CASCADE, related_name="+"
    )
    observer = models.ForeignKey(
        "accounts.User", verbose_name=_("observer"), on_delete=models.CASCADE, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    score_percent = models.FloatField(_("score (%)"), null=True, blank=True)  # set once every criterion is scored
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["assignment", "participant", "updated_at"]
        verbose_name = _("observation sheet")
        verbose_name_plural = _("observation sheets")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "participant", "observer"], name="assessment_one_sheet"),
            models.CheckConstraint(
                condition=~models.Q(participant=models.F("observer")),
                name="assessment_no_self_observation",
                violation_error_message=_("Nobody observes themselves."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.observer} → {self.participant} · {self.assignment}"


class RubricScore(models.Model):
    """The level chosen for one criterion, with a comment: on a submission or on an observation sheet."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="scores")
    sheet = models.ForeignKey(ObservationSheet, on_delete=models.CASCADE, null=True, blank=True, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="scores")
    level = models.ForeignKey(RubricLevel, on_delete=models.PROTECT, related_name="+")
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submission__isnull=False, sheet__isnull=True)
                | models.Q(submission__isnull=True, sheet__isnull=False),
                name="assessment_score_on_one_thing",
            ),
            models.UniqueConstraint(fields=["submission", "criterion"], name="assessment_one_score_per_submission"),
            models.UniqueConstraint(fields=["sheet", "criterion"], name="assessment_one_score_per_sheet"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} = {self.level}"

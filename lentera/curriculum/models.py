from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import Library

skkni_code_validator = RegexValidator(
    regex=r"^[A-Z]\.\d{2}[A-Z]{3}\d{2}\.\d{3}\.\d$",
    message=_("An SKKNI unit code looks like R.91PRP02.021.1."),
)


class KeyFunction(models.Model):
    """One of the seven key functions of the library SKKNI (Kepmenaker 236/2019). Shared seed data."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("SKKNI key function")
        verbose_name_plural = _("SKKNI key functions")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Competency(models.Model):
    """A competency unit the library trains for: an SKKNI unit (with its code) or a local one."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    key_function = models.ForeignKey(
        KeyFunction, verbose_name=_("key function"), on_delete=models.PROTECT, related_name="competencies"
    )
    code = models.CharField(_("unit code"), max_length=20, blank=True, validators=[skkni_code_validator])
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["key_function__number", "code", "title"]
        verbose_name = _("competency unit")
        verbose_name_plural = _("competency units")
        constraints = [
            models.UniqueConstraint(
                fields=["library", "code"],
                condition=~models.Q(code=""),
                name="curriculum_competency_code_unique",
                violation_error_message=_("This library already has a competency unit with this code."),
            ),
            models.UniqueConstraint(
                fields=["library", "title"],
                name="curriculum_competency_title_unique",
                violation_error_message=_("This library already has a competency unit with this title."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title

    def get_absolute_url(self) -> str:
        return reverse("curriculum:competency_list")


class Programme(models.Model):
    """A yearly training programme of one library."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["library", "year", "title"],
                name="curriculum_programme_unique_title",
                violation_error_message=_("This library already has a programme with this title in this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000) & models.Q(year__lte=2100),
                name="curriculum_programme_year_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
        ]
        indexes = [models.Index(fields=["library", "-year"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("curriculum:programme_detail", args=[self.pk])


class Objective(models.Model):
    """One objective of a programme, mapped to the competencies that reach it."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="objectives"
    )
    code = models.CharField(_("label"), max_length=5, help_text=_("Short label such as a, b, c or d."))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    competencies = models.ManyToManyField(
        Competency, verbose_name=_("competencies"), blank=True, related_name="objectives"
    )

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"],
                name="curriculum_objective_unique_code",
                violation_error_message=_("This programme already has an objective with this label."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("curriculum:programme_detail", args=[self.programme_id])


class Module(models.Model):
    """A module of a programme (e.g. IT use, collection management), serving some objectives."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="modules"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    objectives = models.ManyToManyField(Objective, verbose_name=_("objectives"), blank=True, related_name="modules")
    competencies = models.ManyToManyField(
        Competency, verbose_name=_("competencies"), blank=True, related_name="modules"
    )

    class Meta:
        ordering = ["programme", "order", "title"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title"],
                name="curriculum_module_unique_title",
                violation_error_message=_("This programme already has a module with this title."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("curriculum:module_detail", args=[self.pk])


class Method(models.TextChoices):
    """The interactive methods of the programme (DESIGN.md §1, item 4)."""

    LECTURE = "lecture", _("Lecture")
    DISCUSSION = "discussion", _("Group discussion")
    PRACTICE = "practice", _("Hands-on practice")
    CASE_STUDY = "case_study", _("Case study")
    ROLE_PLAY = "role_play", _("Simulation and role-play")


class SessionPlan(models.Model):
    """One planned session of a module: what is learnt, by which method, for how long."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="sessions")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=200)
    outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("What participants can do afterwards; one per line.")
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.LECTURE)
    planned_minutes = models.PositiveSmallIntegerField(_("planned minutes"), default=90)
    competencies = models.ManyToManyField(
        Competency, verbose_name=_("competencies"), blank=True, related_name="session_plans"
    )
    case_study = models.TextField(_("case study"), blank=True, help_text=_("The case text, for case-study sessions."))

    class Meta:
        ordering = ["module", "order", "title"]
        verbose_name = _("session plan")
        verbose_name_plural = _("session plans")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "title"],
                name="curriculum_sessionplan_unique_title",
                violation_error_message=_("This module already has a session with this title."),
            ),
            models.CheckConstraint(
                condition=models.Q(planned_minutes__gte=15) & models.Q(planned_minutes__lte=600),
                name="curriculum_sessionplan_minutes_range",
                violation_error_message=_("A session lasts between 15 and 600 minutes."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("curriculum:session_plan_detail", args=[self.pk])

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.outcomes.splitlines() if line.strip(" -•\t")]


class Material(models.Model):
    """A learning material of a session plan: an uploaded file, a link, or a text."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")
        TEXT = "text", _("Text")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    session_plan = models.ForeignKey(
        SessionPlan, verbose_name=_("session plan"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="materials/%Y/", blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    url = models.URLField(_("link"), blank=True)
    body = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["session_plan", "created_at"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="file", url="", body="")
                    | models.Q(kind="link", file="", body="")
                    | models.Q(kind="text", file="", url="")
                ),
                name="curriculum_material_one_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

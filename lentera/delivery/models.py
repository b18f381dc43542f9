from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import Library
from lentera.curriculum.jp import jp_for_minutes
from lentera.curriculum.models import Competency, Programme, SessionPlan


def new_secret() -> str:
    return secrets.token_hex(16)


class InstructorProfile(models.Model):
    """A trainer in the library's register: internal staff or an external expert."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal staff")
        EXTERNAL = "external", _("External trainer")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="instructor_profiles"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INTERNAL)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    bio = models.TextField(_("short bio"), blank=True)
    certifications = models.TextField(_("certifications"), blank=True, help_text=_("One per line."))
    photo = models.ImageField(_("photo"), upload_to="instructors/", blank=True)
    expertise = models.ManyToManyField(Competency, verbose_name=_("expertise"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        constraints = [
            models.UniqueConstraint(
                fields=["library", "user"],
                name="delivery_instructor_unique",
                violation_error_message=_("This person is already in the instructor register."),
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class Cohort(models.Model):
    """An angkatan: a group of participants going through a programme on given dates."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=150)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=30)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    checkin_grace_minutes = models.PositiveSmallIntegerField(
        _("grace period for check-in (minutes after the start)"), default=15
    )
    # Completion rules: set now, applied when tests and certificates arrive (assessment).
    min_attendance_percent = models.PositiveSmallIntegerField(_("minimum attendance to complete (%)"), default=80)
    min_post_test_percent = models.PositiveSmallIntegerField(_("minimum post-test score to complete (%)"), default=70)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="delivery_cohort_unique_name",
                violation_error_message=_("This programme already has a cohort with this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="delivery_cohort_dates_in_order",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=models.Q(min_attendance_percent__lte=100) & models.Q(min_post_test_percent__lte=100),
                name="delivery_cohort_percentages",
                violation_error_message=_("A percentage is at most 100."),
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1),
                name="delivery_cohort_capacity_positive",
                violation_error_message=_("The capacity must be at least 1."),
            ),
        ]
        indexes = [models.Index(fields=["library", "-starts_on"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("delivery:cohort_detail", args=[self.pk])


class Enrolment(models.Model):
    """A participant in a cohort: enrolled, waiting for a place, or withdrawn."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waitlist")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ENROLLED)
    created_at = models.DateTimeField(_("enrolled on"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["cohort", "created_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"],
                name="delivery_enrolment_unique",
                violation_error_message=_("This person is already in this cohort."),
            )
        ]
        indexes = [models.Index(fields=["cohort", "status", "created_at"]), models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.cohort}"


class ScheduledSession(models.Model):
    """A session plan put on the calendar for a cohort: when, where, and who teaches it."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="sessions")
    plan = models.ForeignKey(
        SessionPlan, verbose_name=_("session plan"), on_delete=models.PROTECT, related_name="scheduled"
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    instructors: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructors"),
        through="SessionInstructor",
        related_name="taught_sessions",
        blank=True,
    )
    jp = models.PositiveSmallIntegerField(
        _("JP"), default=0, help_text=_("From the actual minutes: floor(minutes / 45).")
    )
    checkin_secret = models.CharField(max_length=32, default=new_secret, editable=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("scheduled session")
        verbose_name_plural = _("scheduled sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="delivery_session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            )
        ]
        indexes = [models.Index(fields=["library", "starts_at"]), models.Index(fields=["cohort", "starts_at"])]

    def __str__(self) -> str:
        return self.plan.title

    def get_absolute_url(self) -> str:
        return reverse("delivery:session_detail", args=[self.pk])

    @property
    def minutes(self) -> int:
        """The actual minutes, which count for JP even when they differ from the plan."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def actual_jp(self) -> int:
        return jp_for_minutes(self.minutes)


class SessionInstructor(models.Model):
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(ScheduledSession, on_delete=models.CASCADE, related_name="instructor_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="delivery_session_instructor_unique")]
        indexes = [models.Index(fields=["user", "session"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.session}"


class Attendance(models.Model):
    """One participant at one scheduled session; present and late sessions add JP."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        CODE = "code", _("Typed code")
        MANUAL = "manual", _("Marked by the instructor")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        ScheduledSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    method = models.CharField(_("recorded by"), max_length=10, choices=Method.choices, default=Method.MANUAL)
    checked_in_at = models.DateTimeField(_("time in"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    COUNTS_FOR_JP = (Status.PRESENT, Status.LATE)

    class Meta:
        ordering = ["session", "user__full_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="delivery_attendance_unique")]
        indexes = [models.Index(fields=["user", "status"]), models.Index(fields=["library", "status"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.session} · {self.get_status_display()}"


class RosterImport(models.Model):
    """An uploaded participant list between its preview and the coordinator's decision."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PREVIEW = "preview", _("Waiting for confirmation")
        APPLYING = "applying", _("Being imported")
        IMPORTED = "imported", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Could not be read")

    WORKING = (Status.CHECKING, Status.APPLYING)

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255)
    upload = models.FileField(_("uploaded list"), upload_to="imports/%Y/", blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(_("problem"), blank=True)
    rows = models.JSONField(_("rows"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("participant import")
        verbose_name_plural = _("participant imports")

    def __str__(self) -> str:
        return f"{self.file_name} · {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("delivery:roster_import_detail", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        return min(100, round(100 * self.progress_done / self.progress_total)) if self.progress_total else 0


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's secret calendar address (iCal) that a phone can subscribe to; revocable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(revoked_at__isnull=True), name="delivery_one_active_feed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class DiscussionGroup(models.Model):
    """A discussion group within a cohort."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=60)
    members = models.ManyToManyField(  # type: ignore[var-annotated]
        settings.AUTH_USER_MODEL, through="GroupMember", related_name="discussion_groups", blank=True
    )

    class Meta:
        ordering = ["cohort", "name"]
        verbose_name = _("discussion group")
        verbose_name_plural = _("discussion groups")
        constraints = [models.UniqueConstraint(fields=["cohort", "name"], name="delivery_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(DiscussionGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="delivery_one_group_per_cohort"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.group}"


class CheckinFailure(models.Model):
    """Wrong check-in codes one participant typed for one session. At ``checkin.MAX_WRONG_CODES`` the
    person cannot check in there any more (the code cannot be guessed) and the instructor marks them."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        ScheduledSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="checkin_failures"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="+"
    )
    wrong = models.PositiveSmallIntegerField(_("wrong codes"), default=0)
    last_at = models.DateTimeField(_("last wrong code"))

    class Meta:
        verbose_name = _("wrong check-in codes")
        verbose_name_plural = _("wrong check-in codes")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="delivery_checkinfailure_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.session} · {self.wrong}"

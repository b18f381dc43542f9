"""Feedback: reusable forms, rounds that open for a session or a cohort, and anonymous answers.

Anonymity is structural, and holds against whoever reads the database or a backup
(docs/architecture.md, "Anonymous feedback"). ``Invitation`` says who may answer a round and
whether they have. What they answered is never stored as a row of its own: each submission adds
to the round's aggregates, ``Tally`` (one counter per item and value) and ``Comments`` (one row
per item holding its comments sorted by text), and to the round's number of responses. All these
rows are made when the round opens and every submission updates every one of them, so no key,
row order, time or transaction ties an answer to a person. Only a named (not anonymous) round
also keeps each person's answers (``Response`` and ``Answer``), for them to see and export.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import Library


class Dimension(models.TextChoices):
    MATERIAL = "material", _("Material")
    INSTRUCTOR = "instructor", _("Instructor")
    METHOD = "method", _("Method")
    FACILITIES = "facilities", _("Facilities")
    RELEVANCE = "relevance", _("Relevance to the job")
    OVERALL = "overall", _("Overall")
    APPLICATION = "application", _("Applying it at work")


class FeedbackForm(models.Model):
    """A reusable questionnaire. Instructor forms are answered once for each instructor of a session."""

    class Kind(models.TextChoices):
        SESSION = "session", _("End of a session")
        INSTRUCTOR = "instructor", _("About each instructor")
        COHORT = "cohort", _("End of the cohort")
        FOLLOW_UP = "follow_up", _("Follow-up (participant)")
        SUPERVISOR = "supervisor", _("Follow-up (supervisor)")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("used for"), max_length=12, choices=Kind.choices)
    introduction = models.TextField(_("introduction"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("feedback form")
        verbose_name_plural = _("feedback forms")
        indexes = [models.Index(fields=["library", "kind", "is_active"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluation:form_detail", args=[self.pk])


class FormSection(models.Model):
    form = models.ForeignKey(FeedbackForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["form", "order", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title


class FormItem(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Agreement 1–5")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")

    form = models.ForeignKey(FeedbackForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(
        FormSection, verbose_name=_("section"), on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("statement or question"), max_length=500)
    kind = models.CharField(_("answer type"), max_length=10, choices=Kind.choices, default=Kind.LIKERT)
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    options = models.JSONField(_("options"), default=list, blank=True)
    allows_not_applicable = models.BooleanField(_("allow “not applicable”"), default=True)
    is_required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["form", "section__order", "order", "id"]
        verbose_name = _("form item")
        verbose_name_plural = _("form items")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_rating(self) -> bool:
        return self.kind == self.Kind.LIKERT

    @property
    def is_text(self) -> bool:
        return self.kind in (self.Kind.SHORT_TEXT, self.Kind.LONG_TEXT)


class Survey(models.Model):
    """One round of feedback: after a session, at the end of a cohort, or a follow-up months later."""

    class Kind(models.TextChoices):
        SESSION = "session", _("Session feedback")
        COHORT = "cohort", _("End-of-cohort feedback")
        FOLLOW_UP = "follow_up", _("Follow-up")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(
        "delivery.Cohort", verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="surveys"
    )
    session = models.ForeignKey(
        "delivery.ScheduledSession",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="surveys",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    forms: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        FeedbackForm, verbose_name=_("forms"), related_name="surveys"
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # how many have answered, by role: counted in the submission's transaction (no per-person rows)
    participant_responses = models.PositiveIntegerField(_("participants' responses"), default=0)
    supervisor_responses = models.PositiveIntegerField(_("supervisors' responses"), default=0)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("feedback round")
        verbose_name_plural = _("feedback rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind"], condition=models.Q(session__isnull=False), name="evaluation_one_per_session"
            ),
            models.UniqueConstraint(
                fields=["cohort", "kind"], condition=models.Q(session__isnull=True), name="evaluation_one_per_cohort"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="evaluation_closes_after_opening",
                violation_error_message=_("A feedback round must close after it opens."),
            ),
        ]
        indexes = [models.Index(fields=["library", "opens_at", "closes_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.session or self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:survey_results", args=[self.pk])

    @property
    def responses_count(self) -> int:
        return self.participant_responses + self.supervisor_responses


class Invitation(models.Model):
    """Who may answer a round and whether they have: never linked to what they answered.

    A supervisor has no account: they answer through a one-time link whose token is stored
    only as a hash.
    """

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        SUPERVISOR = "supervisor", _("Supervisor")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    about = models.ForeignKey(  # the participant a supervisor is asked about
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    answered = models.BooleanField(default=False)  # no time: it would pair the invitation with a response
    reminded = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"], condition=models.Q(user__isnull=False), name="evaluation_one_invitation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.user_id or self.email}"


class Tally(models.Model):
    """How many in a round gave one value to one item: an anonymous counter.

    ``value`` is a rating "1"–"5", ``NOT_APPLICABLE``, one option of a choice item, or ``ANSWERED``
    (a multiple-choice item: how many answered it). Made with
    count 0 when the round opens, in the order of the form (never in the order of answers); every
    submission to the round updates every counter of it, adding 0 where the person did not choose.
    No time, no person.
    """

    NOT_APPLICABLE = "na"
    ANSWERED = ""  # of a multiple-choice item: how many answered it (options are never blank)

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tallies")
    role = models.CharField(max_length=12, choices=Invitation.Role.choices, default=Invitation.Role.PARTICIPANT)
    item = models.ForeignKey(FormItem, on_delete=models.CASCADE, related_name="tallies")  # locked once answered
    instructor = models.ForeignKey(  # the instructor an instructor item is about
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    value = models.CharField(max_length=500)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["survey", "role"]), models.Index(fields=["item", "instructor"])]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.item_id} · {self.value}: {self.count}"


class Comments(models.Model):
    """The comments given to one text item in a round, as one list sorted by text (so the list
    carries no order of submission), each with the coordinator's review: ``[[text, review], …]``."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Not reviewed")
        SHOWN = "shown", _("Shown to the instructor")
        HIDDEN = "hidden", _("Hidden")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="comments")
    role = models.CharField(max_length=12, choices=Invitation.Role.choices, default=Invitation.Role.PARTICIPANT)
    item = models.ForeignKey(FormItem, on_delete=models.CASCADE, related_name="comments")  # locked once answered
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    entries = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("comments")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["survey", "role"])]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.item_id}: {len(self.entries)}"


class Response(models.Model):
    """One person's answers to a NAMED round (never made for an anonymous one), for them to see
    and export; the round's figures come from the aggregates like any other round's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="named_responses")
    role = models.CharField(max_length=12, choices=Invitation.Role.choices, default=Invitation.Role.PARTICIPANT)
    submitted_on = models.DateField(_("day"))
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["survey", "role"])]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.submitted_on}"


class Answer(models.Model):
    """One item of a named response; instructor items carry the instructor they are about."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(FormItem, on_delete=models.PROTECT, related_name="answers")
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1–5; None with not_applicable
    not_applicable = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="evaluation_rating_1_to_5",
            )
        ]
        indexes = [models.Index(fields=["item", "instructor"])]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.rating or self.text[:20]}"


class ImprovementAction(models.Model):
    """What the coordinator will change after a weak result, followed up in the next cohort."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        "curriculum.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+"
    )
    cohort = models.ForeignKey(
        "delivery.Cohort", verbose_name=_("found in cohort"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        FormItem, verbose_name=_("item"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    baseline_top2 = models.FloatField(_("top-2-box when found (%)"), null=True, blank=True)
    what = models.TextField(_("what will change"))
    owner = models.CharField(_("who"), max_length=150)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["status", "due_on"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")

    def __str__(self) -> str:
        return self.what[:80]


class FeedbackSettings(models.Model):
    """A library's feedback rules (the anonymity floor itself is a library setting)."""

    library = models.OneToOneField(Library, on_delete=models.CASCADE, related_name="feedback_settings")
    session_window_hours = models.PositiveSmallIntegerField(
        _("session forms stay open (hours)"), default=72, help_text=_("Counted from the end of the session.")
    )
    cohort_window_days = models.PositiveSmallIntegerField(_("the end-of-cohort form stays open (days)"), default=7)
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up after the cohort (days)"), default=75, help_text=_("Between 60 and 90 days is usual.")
    )
    reminder_hours = models.PositiveSmallIntegerField(_("remind this many hours before closing"), default=24)
    weak_top2_percent = models.PositiveSmallIntegerField(_("weak result: top-2-box under (%)"), default=60)

    class Meta:
        verbose_name = _("feedback settings")
        verbose_name_plural = _("feedback settings")

    def __str__(self) -> str:
        return str(self.library)


class CohortFeedback(models.Model):
    """Per cohort: whether its feedback is anonymous (fixed once answered) and the Phillips inputs."""

    cohort = models.OneToOneField("delivery.Cohort", on_delete=models.CASCADE, related_name="feedback")
    is_anonymous = models.BooleanField(_("anonymous feedback"), default=True)
    costs = models.DecimalField(_("programme costs (Rp)"), max_digits=14, decimal_places=0, null=True, blank=True)
    benefits = models.DecimalField(_("monetised benefits (Rp)"), max_digits=14, decimal_places=0, null=True, blank=True)
    benefits_note = models.TextField(_("how the benefits were estimated"), blank=True)

    class Meta:
        verbose_name = _("cohort feedback settings")
        verbose_name_plural = _("cohort feedback settings")

    def __str__(self) -> str:
        return str(self.cohort)

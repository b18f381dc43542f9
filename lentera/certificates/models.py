from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import Library
from lentera.certificates.numbering import DEFAULT_PATTERN
from lentera.delivery.models import Cohort


def new_token() -> str:
    """The random part of a certificate's verification address (96 bits: not guessable, not sequential)."""
    return secrets.token_urlsafe(12)


class CertificateSettings(models.Model):
    """A library's certificate settings: number pattern, code, signature of the head, title. Made on demand."""

    library = models.OneToOneField(
        Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="certificate_settings"
    )
    number_pattern = models.CharField(
        _("number pattern"),
        max_length=60,
        default=DEFAULT_PATTERN,
        help_text=_(
            "Placeholders: {library} the library code, {year} the year of issue, {seq} the running number "
            "of the year (padded with zeros as {seq:04}). Example: {library}/{year}/{seq:04}."
        ),
    )
    library_code = models.CharField(
        _("library code"),
        max_length=30,
        blank=True,
        help_text=_("Capital letters, digits, dots and hyphens. Empty: the library's short name in capitals."),
    )
    title_text = models.CharField(
        _("certificate title"),
        max_length=80,
        blank=True,
        help_text=_("Printed as the heading instead of “CERTIFICATE”, for example “STTPP”. Optional."),
    )
    signature = models.ImageField(
        _("signature of the head of library"),
        upload_to="certificates/signatures/",
        blank=True,
        help_text=_("A PNG or JPEG of the signature (and stamp), ideally on a transparent or white background."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate settings")
        verbose_name_plural = _("certificate settings")

    def __str__(self) -> str:
        return str(self.library)


class NumberCounter(models.Model):
    """The last running number given in a library in a year; its row is locked while numbers are given."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["library", "year"], name="certificates_counter_unique")]

    def __str__(self) -> str:
        return f"{self.library} {self.year}: {self.last}"


class Certificate(models.Model):
    """One certificate of one person for one cohort. What it says is copied at issue time and never changes."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="certificates"
    )
    number = models.CharField(_("number"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("running number"))
    token = models.CharField(max_length=32, default=new_token, editable=False)
    base_url = models.CharField(_("address of the verification page"), max_length=200)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    # What the certificate says, as it was when it was issued.
    participant_name = models.CharField(_("name"), max_length=150)
    participant_nip = models.CharField(_("NIP"), max_length=18, blank=True)
    programme_title = models.CharField(_("programme"), max_length=200)
    cohort_name = models.CharField(_("cohort"), max_length=150)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    jp = models.PositiveSmallIntegerField(_("JP attended"))
    competencies = models.JSONField(_("competencies"), default=list, blank=True)
    library_name = models.CharField(_("library name"), max_length=200)
    library_city = models.CharField(_("city or regency"), max_length=100, blank=True)
    head_name = models.CharField(_("head of library"), max_length=150, blank=True)
    head_nip = models.CharField(_("NIP of the head of library"), max_length=18, blank=True)
    title_text = models.CharField(_("certificate title"), max_length=80, blank=True)
    logo_file = models.CharField(_("logo file"), max_length=255, blank=True)
    signature_file = models.CharField(_("signature file"), max_length=255, blank=True)

    class Meta:
        ordering = ["-issued_at", "-seq"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="certificates_number_unique"),
            models.UniqueConstraint(fields=["token"], name="certificates_token_unique"),
            models.UniqueConstraint(
                fields=["cohort", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="certificates_one_valid_per_cohort",
                violation_error_message=_("This person already holds a valid certificate for this cohort."),
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "participant_name"]),
            models.Index(fields=["library", "user"]),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("certificates:detail", args=[self.pk])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def verify_path(self) -> str:
        return reverse("certificates:verify_token", args=[self.token])

    @property
    def verify_url(self) -> str:
        return self.base_url.rstrip("/") + self.verify_path

    @property
    def filename(self) -> str:
        safe = "".join(ch if ch.isalnum() else "-" for ch in self.number).strip("-")
        return f"sertifikat-{safe}.pdf"


class IssueRun(models.Model):
    """One "issue certificates" action for a cohort, done in the background, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Issuing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped")

    WORKING = (Status.QUEUED, Status.RUNNING)

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    base_url = models.CharField(max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    error = models.TextField(_("problem"), blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("certificate issue run")
        verbose_name_plural = _("certificate issue runs")
        indexes = [models.Index(fields=["cohort", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:run_detail", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, round(100 * self.progress_done / self.progress_total)) if self.progress_total else 0

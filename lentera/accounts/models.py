from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

nip_validator = RegexValidator(
    regex=r"^\d{18}$",
    message=_("A NIP has exactly 18 digits."),
)
phone_validator = RegexValidator(
    regex=r"^\+?[0-9][0-9 \-]{7,18}$",
    message=_("Enter a phone number such as 0812 3456 7890 or +62 812 3456 7890."),
)


class FunctionalLevel(models.Model):
    """A functional level of librarians (jabatan fungsional pustakawan). Editable data, not code."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    is_civil_servant = models.BooleanField(_("level for civil servants (PNS)"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("functional level")
        verbose_name_plural = _("functional levels")

    def __str__(self) -> str:
        return self.name


class LenteraUserManager(UserManager["User"]):
    pass


class User(AbstractUser):
    """A person. Roles are not on the user: they come from memberships, one per library and role."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone (WhatsApp)"), max_length=20, blank=True, validators=[phone_validator])
    nip = models.CharField(_("NIP"), max_length=18, blank=True, validators=[nip_validator])
    functional_level = models.ForeignKey(
        FunctionalLevel,
        verbose_name=_("functional level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    work_unit = models.CharField(_("work unit"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    # Set when a coordinator erased the person's personal data (UU PDP): the row stays, pseudonymised,
    # so attendance counts, scores and certificate numbers keep adding up.
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = LenteraUserManager()  # type: ignore[misc]

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        ordering = ["full_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="accounts_user_email_unique_ci"
            ),
            models.UniqueConstraint(fields=["nip"], condition=~models.Q(nip=""), name="accounts_user_nip_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return (self.full_name or self.username).split(" ")[0]


class Library(models.Model):
    """The tenant. Every record that belongs to a library points here; every query is scoped by it."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name (slug)"), max_length=60, unique=True)
    city = models.CharField(_("city or regency"), max_length=100)
    province = models.CharField(_("province"), max_length=100)
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to="library-logos/", blank=True)
    head_name = models.CharField(_("head of library"), max_length=150, blank=True)
    head_nip = models.CharField(_("NIP of the head of library"), max_length=18, blank=True, validators=[nip_validator])
    population = models.PositiveBigIntegerField(_("population served"), null=True, blank=True)
    kecamatan = models.JSONField(_("districts (kecamatan)"), default=list, blank=True)
    yearly_jp_target = models.PositiveSmallIntegerField(_("yearly JP target per librarian"), default=20)
    anonymity_floor = models.PositiveSmallIntegerField(_("anonymity floor for feedback (n)"), default=5)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("library")
        verbose_name_plural = _("libraries")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    INSTRUCTOR = "instructor", _("Instructor")
    PARTICIPANT = "participant", _("Participant")
    PARTNER = "partner", _("Partner")


class Membership(models.Model):
    """A person's role in one library. A person may hold several roles, in one or many libraries."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    library = models.ForeignKey(
        Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["library__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "library", "role"], name="accounts_membership_unique_role"),
        ]
        indexes = [models.Index(fields=["library", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.library} · {self.get_role_display()}"


class AuditEntry(models.Model):
    """One write with business meaning: who, what, which object, when, and what changed."""

    library = models.ForeignKey(
        Library, verbose_name=_("library"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["library", "-created_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


class SignInCode(models.Model):
    """A one-time way in for a person who has not set a password yet: an invitation link (email,
    WhatsApp) or a code printed on the first-day sheet. Only a keyed hash of the secret is kept.

    A code is a public *selector* (finds the row) followed by a secret *verifier*. Wrong verifiers
    for a selector count on the row; after ``SIGNIN_CODE_MAX_FAILURES`` the code stops working.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        WHATSAPP = "whatsapp", _("WhatsApp")
        SHEET = "sheet", _("printed code")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="signin_codes")
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices)
    selector = models.CharField(_("selector"), max_length=8, unique=True)
    verifier_hash = models.CharField(_("verifier hash"), max_length=64)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [models.Index(fields=["library", "user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_channel_display()}"

"""Writes for certificates: settings, issuing (one person or everyone who completed), revoking, reissuing.

Numbers come from a per-library, per-year counter whose row is locked while numbers are given
(``select_for_update``; on SQLite the whole write transaction is serialised), and a unique
constraint on the number backs it up: a clash rolls the attempt back and it is tried again.
Issuing is idempotent: a person who holds a valid certificate for the cohort gets no second one.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record, update_with_audit
from lentera.accounts.models import Library, User
from lentera.certificates.models import Certificate, CertificateSettings, IssueRun, NumberCounter
from lentera.certificates.numbering import CODE_RE, default_code, render_number, validate_pattern
from lentera.curriculum.models import Competency
from lentera.delivery.models import Attendance, Cohort

logger = logging.getLogger(__name__)

CHUNK = 100  # certificates per transaction when a whole cohort is issued
ATTEMPTS = 12  # tries of one transaction when another issuer took the same number or held the lock
SIGNATURE_MAX_BYTES = 1024 * 1024
STALE_AFTER = timedelta(minutes=30)  # issuing 500 certificates takes about a second
SETTINGS_FIELDS = ("number_pattern", "library_code", "title_text", "signature")


# Settings ---------------------------------------------------------------------------------------


def settings_for(library: Library) -> CertificateSettings:
    """The library's certificate settings, made with the defaults the first time they are asked for."""
    found = CertificateSettings.objects.filter(library=library).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return CertificateSettings.objects.create(library=library)
    except IntegrityError:  # made by a concurrent request in the meantime
        return CertificateSettings.objects.get(library=library)


def library_code(*, library: Library, certificate_settings: CertificateSettings) -> str:
    return certificate_settings.library_code or default_code(library.slug)


@transaction.atomic
def certificate_settings_update(
    *,
    actor: Any,
    library: Library,
    number_pattern: str,
    library_code: str = "",
    title_text: str = "",
    signature: Any = None,
    remove_signature: bool = False,
) -> CertificateSettings:
    """Change the pattern, code, title or signature. Certificates already issued keep what they say."""
    from lentera.lib.uploads import IMAGE_KINDS, check_upload, generated_name

    current = settings_for(library)
    number_pattern = number_pattern.strip()
    validate_pattern(number_pattern)
    code = library_code.strip().upper()
    if code and not CODE_RE.match(code):
        raise ValidationError(
            {"library_code": _("Use capital letters, digits, dots and hyphens only (at most 30), such as PKP.")}
        )
    fields: dict[str, Any] = {"number_pattern": number_pattern, "library_code": code, "title_text": title_text.strip()}
    if isinstance(signature, UploadedFile):
        kind = check_upload(signature, allowed=IMAGE_KINDS, max_bytes=SIGNATURE_MAX_BYTES, field="signature")
        # a new name each time: certificates issued with the old signature keep showing it
        current.signature.save(generated_name(kind), signature, save=False)
        fields["signature"] = current.signature.name
    elif remove_signature:
        fields["signature"] = ""
    update_with_audit(
        actor=actor,
        library=library,
        obj=current,
        action="certificate_settings.update",
        fields=fields,
        allowed=SETTINGS_FIELDS,
    )
    return current


# Issuing ----------------------------------------------------------------------------------------


def cohort_has_ended(cohort: Cohort, now: datetime) -> bool:
    return cohort.status == Cohort.Status.FINISHED or cohort.ends_on < timezone.localtime(now).date()


def completed_users(*, cohort: Cohort, now: datetime | None = None) -> list[User]:
    """Everyone whose completion status (overrides applied) is "completed"."""
    from lentera.assessment.exam_selectors import cohort_completion

    return [row.user for row in cohort_completion(cohort=cohort, now=now) if row.status == "completed"]


def attended_jp(*, cohort: Cohort, user_ids: Sequence[int]) -> dict[int, int]:
    """The JP each person attended in the cohort (present or late), one query.

    The certificate shows the JP the person attended, not the JP the cohort scheduled: it is
    what counts toward their yearly target, and it matches their JP ledger.
    """
    rows = (
        Attendance.objects.filter(
            session__cohort=cohort, user_id__in=list(user_ids), status__in=Attendance.COUNTS_FOR_JP
        )
        .values("user_id")
        .annotate(jp=Sum("session__jp"))
        .values_list("user_id", "jp")
    )
    return {user_id: jp or 0 for user_id, jp in rows}


def cohort_competencies(*, cohort: Cohort) -> list[list[str]]:
    """``[code, title]`` of the competencies the programme's session plans build, in framework order."""
    return [
        [c.code, c.title]
        for c in Competency.objects.filter(session_plans__module__programme_id=cohort.programme_id)
        .select_related("key_function")
        .distinct()
        .order_by("key_function__number", "code", "title")
    ]


def _locked_counter(library: Library, year: int) -> NumberCounter:
    """The library's counter for ``year``, locked until the transaction ends (made the first time)."""
    NumberCounter.objects.get_or_create(library=library, year=year)
    return NumberCounter.objects.select_for_update().get(library=library, year=year)


def _numbers(counter: NumberCounter, pattern: str, code: str, count: int) -> list[tuple[int, str]]:
    """``count`` new (seq, number) pairs from the locked ``counter``, skipping numbers already taken."""
    seq, numbers = counter.last, list[tuple[int, str]]()
    while len(numbers) < count:
        need = count - len(numbers)
        batch = [
            (s, render_number(pattern, library_code=code, year=counter.year, seq=s))
            for s in range(seq + 1, seq + need + 1)
        ]
        seq += need
        # a number made by an older pattern, or by another library with the same code, is skipped
        taken = set(Certificate.objects.filter(number__in=[n for _s, n in batch]).values_list("number", flat=True))
        numbers.extend((s, n) for s, n in batch if n not in taken)
    counter.last = seq
    counter.save(update_fields=["last"])
    return numbers


def _with_retries(work: Callable[[], Any]) -> Any:
    """Run ``work`` (one transaction); try again when a concurrent issuer won a race."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return work()
        except (IntegrityError, OperationalError) as error:
            if attempt == ATTEMPTS or (isinstance(error, OperationalError) and "locked" not in str(error)):
                raise
            logger.info("certificate issue attempt %s lost a race (%s); trying again", attempt, error)
            time.sleep(random.uniform(0.02, 0.1) * attempt)  # noqa: S311 - backoff jitter, not a secret
    raise AssertionError("unreachable")


def _issue_chunk(
    *,
    actor: Any,
    cohort: Cohort,
    user_ids: Sequence[int],
    base_url: str,
    now: datetime,
    on_issued: Callable[[int], None] | None = None,
) -> list[Certificate]:
    """Certificates for those of ``user_ids`` who hold no valid one for the cohort: one transaction
    (``on_issued(count)`` is called inside it, so what it records commits with the certificates)."""
    library = cohort.library
    with transaction.atomic():
        conf = settings_for(library)
        year = timezone.localtime(now).year
        counter = _locked_counter(library, year)
        # read once the counter is locked, so the certificates of a concurrent issuer are seen
        holders = set(
            Certificate.objects.filter(cohort=cohort, user_id__in=list(user_ids), revoked_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
        people = list(
            User.objects.filter(pk__in=[pk for pk in user_ids if pk not in holders]).order_by("full_name", "pk")
        )
        if not people:
            return []
        code = library_code(library=library, certificate_settings=conf)
        numbers = _numbers(counter, conf.number_pattern, code, len(people))
        jp = attended_jp(cohort=cohort, user_ids=[p.pk for p in people])
        competencies = cohort_competencies(cohort=cohort)
        programme = cohort.programme
        certificates = []
        for person, (seq, number) in zip(people, numbers, strict=True):
            certificate = Certificate(
                library=library,
                cohort=cohort,
                user=person,
                number=number,
                year=year,
                seq=seq,
                base_url=base_url,
                issued_at=now,
                issued_by=actor if getattr(actor, "pk", None) else None,
                participant_name=person.full_name or person.username,
                participant_nip=person.nip,
                programme_title=programme.title,
                cohort_name=cohort.name,
                starts_on=cohort.starts_on,
                ends_on=cohort.ends_on,
                jp=jp.get(person.pk, 0),
                competencies=competencies,
                library_name=library.name,
                library_city=library.city,
                head_name=library.head_name,
                head_nip=library.head_nip,
                title_text=conf.title_text,
                logo_file=library.logo.name if library.logo else "",
                signature_file=conf.signature.name if conf.signature else "",
            )
            # the related objects are the ones just read: their fields are checked, not looked up again
            certificate.full_clean(
                exclude=["library", "cohort", "user", "issued_by", "replaces"],
                validate_unique=False,
                validate_constraints=False,
            )
            certificates.append(certificate)
        Certificate.objects.bulk_create(certificates)
        if on_issued:
            on_issued(len(certificates))
        audit_record(
            actor=actor,
            library=library,
            action="certificate.issue",
            obj=cohort,
            changes={"issued": [None, len(certificates)], "numbers": [None, f"{numbers[0][1]} – {numbers[-1][1]}"]},
        )
        return certificates


def _check_can_issue(cohort: Cohort, now: datetime) -> None:
    if not cohort_has_ended(cohort, now):
        raise ValidationError(
            _(
                "Certificates can be issued once the cohort has ended "
                "(after its last day, or when it is marked finished)."
            )
        )


def _clean_base_url(base_url: str) -> str:
    base_url = base_url.strip().rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise ValidationError(_("The address of the verification page must start with http:// or https://."))
    return base_url


def certificates_issue(
    *,
    actor: Any,
    cohort: Cohort,
    base_url: str,
    now: datetime | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_issued: Callable[[int], None] | None = None,
) -> list[Certificate]:
    """Issue a certificate to everyone who completed ``cohort`` and holds no valid one for it yet.

    Idempotent: issuing again issues only to those still without one. ``base_url`` is the site's
    address used in each QR code (kept on the certificate). ``on_progress(done, total)`` is
    called after each transaction of up to ``CHUNK`` certificates; ``on_issued(count)`` inside it.
    """
    now = now or timezone.now()
    _check_can_issue(cohort, now)
    base_url = _clean_base_url(base_url)

    def still_to_issue() -> list[int]:
        completed = [u.pk for u in completed_users(cohort=cohort, now=now)]
        holders = set(
            Certificate.objects.filter(cohort=cohort, revoked_at__isnull=True).values_list("user_id", flat=True)
        )
        return [pk for pk in completed if pk not in holders]

    # a read can meet another issuer's lock too (SQLite's shared cache): tried again like the writes
    todo: list[int] = _with_retries(still_to_issue)
    issued: list[Certificate] = []
    if on_progress:
        on_progress(0, len(todo))
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        issued.extend(
            _with_retries(
                partial(
                    _issue_chunk,
                    actor=actor,
                    cohort=cohort,
                    user_ids=chunk,
                    base_url=base_url,
                    now=now,
                    on_issued=on_issued,
                )
            )
        )
        if on_progress:
            on_progress(min(start + CHUNK, len(todo)), len(todo))
    return issued


def certificate_issue(
    *, actor: Any, cohort: Cohort, user: User, base_url: str, now: datetime | None = None
) -> Certificate:
    """One person's certificate; they must have completed the cohort and hold no valid certificate for it."""
    now = now or timezone.now()
    _check_can_issue(cohort, now)
    base_url = _clean_base_url(base_url)
    if user.pk not in {u.pk for u in completed_users(cohort=cohort, now=now)}:
        raise ValidationError(_("%(name)s has not completed this cohort.") % {"name": user.full_name})
    issued = _with_retries(
        partial(_issue_chunk, actor=actor, cohort=cohort, user_ids=[user.pk], base_url=base_url, now=now)
    )
    if not issued:
        raise ValidationError(
            _("%(name)s already holds a valid certificate for this cohort.") % {"name": user.full_name}
        )
    certificate: Certificate = issued[0]
    return certificate


@transaction.atomic
def certificate_revoke(
    *, actor: Any, certificate: Certificate, reason: str, now: datetime | None = None
) -> Certificate:
    """Revoke a certificate with a reason (kept and audited; the public check shows only the date)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate was already revoked."))
    certificate.revoked_at = now or timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = actor if getattr(actor, "pk", None) else None
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    audit_record(
        actor=actor,
        library=certificate.library,
        action="certificate.revoke",
        obj=certificate,
        changes={"participant": [None, certificate.participant_name], "reason": [None, reason]},
    )
    return certificate


def certificate_reissue(
    *, actor: Any, certificate: Certificate, reason: str, base_url: str, now: datetime | None = None
) -> Certificate:
    """Revoke ``certificate`` (when still valid) and issue a new one with a new number and today's details."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reissuing the certificate.")})
    now = now or timezone.now()
    with transaction.atomic():
        old = (
            Certificate.objects.select_for_update()
            .select_related("cohort__library", "cohort__programme", "user")
            .get(pk=certificate.pk)
        )
        if hasattr(old, "replaced_by"):
            raise ValidationError(_("This certificate was already reissued; reissue the newer one instead."))
        if old.revoked_at is None:
            certificate_revoke(actor=actor, certificate=old, reason=reason, now=now)
        new = certificate_issue(actor=actor, cohort=old.cohort, user=old.user, base_url=base_url, now=now)
        new.replaces = old
        new.save(update_fields=["replaces"])
        audit_record(
            actor=actor,
            library=old.library,
            action="certificate.reissue",
            obj=new,
            changes={"number": [old.number, new.number], "reason": [None, reason]},
        )
    return new


# Issuing in the background ----------------------------------------------------------------------


@transaction.atomic
def issue_run_start(*, actor: Any, cohort: Cohort, base_url: str, now: datetime | None = None) -> IssueRun:
    """Start issuing the cohort's certificates in the background; a run already under way is returned as is."""
    from lentera.certificates.tasks import run_issue

    now = now or timezone.now()
    _check_can_issue(cohort, now)
    base_url = _clean_base_url(base_url)
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()  # one start at a time per cohort
    # a run that has not finished after STALE_AFTER was lost with its worker: a new one may start
    working = IssueRun.objects.filter(
        cohort=cohort, status__in=IssueRun.WORKING, created_at__gte=now - STALE_AFTER
    ).first()
    if working is not None:
        return working
    run = IssueRun.objects.create(
        library=cohort.library,
        cohort=cohort,
        created_by=actor if getattr(actor, "pk", None) else None,
        base_url=base_url,
    )
    pk = run.pk
    transaction.on_commit(lambda: run_issue.enqueue(pk))
    return run


def issue_run_execute(*, run: IssueRun) -> IssueRun:
    """The background part: issue, keeping the run's progress up to date so the page can show it.

    A run still RUNNING is one whose worker died and whose job is run again (lentera/lib/jobs.py):
    it goes on where it stopped, as issuing skips those who hold a certificate. ``issued`` counts
    every attempt's certificates (it grows in each chunk's own transaction).
    """
    claimed = IssueRun.objects.filter(pk=run.pk, status__in=IssueRun.WORKING).update(status=IssueRun.Status.RUNNING)
    if not claimed:
        return run
    run.refresh_from_db()
    before = run.issued  # issued by an earlier attempt of this run

    def progress(done: int, total: int) -> None:
        IssueRun.objects.filter(pk=run.pk).update(progress_done=before + done, progress_total=before + total)

    def count(issued: int) -> None:
        IssueRun.objects.filter(pk=run.pk).update(issued=F("issued") + issued)

    try:
        certificates_issue(
            actor=run.created_by, cohort=run.cohort, base_url=run.base_url, on_progress=progress, on_issued=count
        )
    except ValidationError as error:
        IssueRun.objects.filter(pk=run.pk).update(
            status=IssueRun.Status.FAILED, error=" ".join(error.messages), finished_at=timezone.now()
        )
    except Exception:
        logger.exception("certificate issue run %s failed", run.pk)
        IssueRun.objects.filter(pk=run.pk).update(
            status=IssueRun.Status.FAILED,
            error=_(
                "Issuing stopped. The certificates issued so far are kept; start again to issue the rest. "
                "If it stops again, tell the administrator."
            ),
            finished_at=timezone.now(),
        )
    else:
        IssueRun.objects.filter(pk=run.pk).update(status=IssueRun.Status.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return run

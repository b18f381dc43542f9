"""The demo's certificates: the finished 2025 cohort's, issued to everyone who completed it."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.utils import timezone

from lentera.certificates import services
from lentera.delivery.models import Cohort

DEMO_SITE = "http://127.0.0.1:8000"  # the address `make demo` serves; SITE_URL overrides it


def seed_certificates(report: Any, library: Any, coordinator: Any) -> None:
    """Issue the certificates of "Angkatan 2025" the day after it ended. Idempotent: issuing again adds none."""
    cohort = Cohort.objects.filter(library=library, name="Angkatan 2025").first()
    if cohort is None:
        return
    if not services.settings_for(library).library_code:
        services.certificate_settings_update(
            actor=coordinator, library=library, number_pattern="{library}/{year}/{seq:04}", library_code="PKP"
        )
    issued_on = timezone.make_aware(datetime.combine(cohort.ends_on, time(10, 0)))
    issued = services.certificates_issue(
        actor=coordinator, cohort=cohort, base_url=settings.SITE_URL or DEMO_SITE, now=issued_on
    )
    if issued:
        report.add("certificates", len(issued))

"""Certificates for a cohort of N completed participants: issuing (numbering, snapshot) and one ZIP of
all N PDFs, in seconds. The library has a logo and a signature, as a real one would.

Run from the project root against the scratch database in the environment (see bench/run.py):
    python bench/certificate_bench.py 500
The last line printed is a JSON object: certificates, issue_seconds, zip_seconds, zip_bytes.
"""

from __future__ import annotations

import io
import json
import sys
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import django_env  # noqa: F401 - sets up Django
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from lentera.accounts.models import Library, User
from lentera.assessment.models import CompletionOverride
from lentera.certificates import pdf, selectors, services
from lentera.curriculum.models import Competency, KeyFunction, Module, Programme, SessionPlan
from lentera.delivery.models import Attendance, Cohort, Enrolment, ScheduledSession

PEOPLE = int(sys.argv[1]) if len(sys.argv) > 1 else 500
WIB = ZoneInfo("Asia/Jakarta")


def picture(size: tuple[int, int], text: str) -> bytes:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).ellipse((10, 10, size[0] - 10, size[1] - 10), outline="darkred", width=6)
    ImageDraw.Draw(image).text((size[0] // 3, size[1] // 2), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def setup() -> Cohort:
    stamp = time.time_ns()
    library = Library.objects.create(
        name="Perpustakaan Bench",
        slug=f"bench-{stamp}",
        city="Kota Bench",
        province="Jawa Timur",
        head_name="Drs. Kepala Bench, M.Si.",
        head_nip="196805121994031007",
    )
    library.logo.save("logo.png", ContentFile(picture((300, 300), "LOGO")), save=True)
    services.certificate_settings_update(
        actor=None,
        library=library,
        number_pattern="{library}/{year}/{seq:04}",
        library_code="BENCH",
        signature=SimpleUploadedFile("ttd.png", picture((400, 160), "ttd")),
    )
    programme = Programme.objects.create(library=library, year=2025, title="Pelatihan Pustakawan Bench 2025")
    module = Module.objects.create(library=library, programme=programme, title="Modul Bench")
    key = KeyFunction.objects.order_by("number").first()
    start = datetime(2025, 8, 4, 8, 30, tzinfo=WIB)
    cohort = Cohort.objects.create(
        library=library,
        programme=programme,
        name="Angkatan Bench",
        starts_on=date(2025, 8, 4),
        ends_on=date(2025, 8, 15),
        capacity=PEOPLE,
        status=Cohort.Status.FINISHED,
    )
    sessions = []
    for n in range(10):
        plan = SessionPlan.objects.create(library=library, module=module, order=n + 1, title=f"Sesi {n + 1}")
        plan.competencies.add(Competency.objects.create(library=library, key_function=key, title=f"Kompetensi {n + 1}"))
        begins = start + timedelta(days=n)
        sessions.append(
            ScheduledSession.objects.create(
                library=library,
                cohort=cohort,
                plan=plan,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=135),
                jp=3,
            )
        )
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(
                username=f"b{stamp}-{i}",
                full_name=f"Peserta Bench {i:04d}, S.IP.",
                nip=f"{stamp // 1000 % 10**8:08d}{i:010d}",
                password=unusable,
            )
            for i in range(PEOPLE)
        ],
        batch_size=500,
    )
    people = list(User.objects.filter(username__startswith=f"b{stamp}-").values_list("pk", flat=True))
    Enrolment.objects.bulk_create(
        [Enrolment(library=library, cohort=cohort, user_id=pk) for pk in people], batch_size=500
    )
    CompletionOverride.objects.bulk_create(
        [
            CompletionOverride(library=library, cohort=cohort, user_id=pk, status="completed", reason="bench")
            for pk in people
        ],
        batch_size=500,
    )
    Attendance.objects.bulk_create(
        [Attendance(library=library, session=s, user_id=pk, status="present") for s in sessions[:9] for pk in people],
        batch_size=1000,
    )
    return cohort


def main() -> None:
    cohort = setup()
    started = time.perf_counter()
    issued = services.certificates_issue(actor=None, cohort=cohort, base_url="https://lentera.example")
    issue_seconds = time.perf_counter() - started
    assert len(issued) == PEOPLE, len(issued)  # noqa: S101 - a benchmark that lost certificates must not report
    started = time.perf_counter()
    content = pdf.certificates_zip(selectors.valid_certificates(cohort=cohort))
    zip_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "certificates": PEOPLE,
                "issue_seconds": issue_seconds,
                "zip_seconds": zip_seconds,
                "zip_bytes": len(content),
            }
        )
    )


if __name__ == "__main__":
    main()

"""The demo's delivery part: instructors, Angkatan I 2026 in progress, and a finished 2025 cohort."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from lentera.accounts.models import Library, User
from lentera.curriculum import services as curriculum_services
from lentera.curriculum.models import Competency, Programme, SessionPlan
from lentera.delivery import services
from lentera.delivery.models import Attendance, Cohort, Enrolment, InstructorProfile

# username -> (kind, organisation, years, bio, expertise titles)
INSTRUCTOR_PROFILES = {
    "instruktur": (
        "internal",
        "Perpustakaan Kota Pasuruan",
        9,
        "Pengelola sistem otomasi perpustakaan dan pelatih SLiMS tingkat kota.",
        [0, 1, 7],
    ),
    "dewi.lestari": (
        "external",
        "Program Studi Ilmu Perpustakaan",
        15,
        "Dosen ilmu perpustakaan; meneliti pengembangan koleksi dan literasi informasi.",
        [2, 3, 4, 9],
    ),
    "rina.marlina": (
        "internal",
        "Perpustakaan Kota Pasuruan",
        12,
        "Koordinator layanan sirkulasi; fasilitator layanan prima.",
        [5, 6, 8],
    ),
}
MODULE_INSTRUCTOR = {1: "instruktur", 2: "dewi.lestari", 3: "rina.marlina", 4: "instruktur", 5: "dewi.lestari"}
ROOMS = {"practice": "Laboratorium Komputer", "role_play": "Ruang Layanan (simulasi)"}
DEFAULT_ROOM = "Ruang Pelatihan Lantai 2"


def weekdays(start: date, count: int) -> list[date]:
    """The first ``count`` weekdays from ``start`` on (the demo and the scale data set schedule on these)."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _plans(programme: Programme) -> list[SessionPlan]:
    return list(
        SessionPlan.objects.filter(module__programme=programme)
        .select_related("module")
        .order_by("module__order", "order")
    )


def _schedule(report: Any, coordinator: User, cohort: Cohort, days: list[date], *, today_now: datetime | None) -> None:
    for plan, day in zip(_plans(cohort.programme), days, strict=False):
        if cohort.sessions.filter(plan=plan).exists():
            continue
        start = _at(day, time(8, 30))
        if today_now is not None and day == timezone.localtime(today_now).date():
            # today's session is running now, so the demo shows an open check-in
            quarter = timezone.localtime(today_now).replace(second=0, microsecond=0)
            start = quarter - timedelta(minutes=quarter.minute % 15 + 15)
        instructor = User.objects.get(username=MODULE_INSTRUCTOR[plan.module.order])
        services.session_schedule(
            actor=coordinator,
            cohort=cohort,
            plan=plan,
            starts_at=start,
            ends_at=start + timedelta(minutes=plan.planned_minutes),
            room=ROOMS.get(plan.method, DEFAULT_ROOM),
            instructors=[instructor],
        )
        report.add("scheduled sessions")


def _attendance(report: Any, cohort: Cohort, now: datetime) -> None:
    """Marks for the sessions already held. Each session draws from its own seed (cohort name and
    the session's place in the cohort), so the rows a session gets never depend on the day the demo
    is seeded or on how many other sessions were already held."""
    enrolled = list(cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).values_list("user_id", flat=True))
    in_order = cohort.sessions.order_by("starts_at", "pk").values_list("pk", flat=True)
    place = {pk: index for index, pk in enumerate(in_order)}
    rows = []
    for session in cohort.sessions.filter(ends_at__lt=now).exclude(attendance__isnull=False).order_by("starts_at"):
        rng = random.Random(f"attendance:{cohort.name}:{place[session.pk]}")
        for user_id in enrolled:
            roll = rng.random()
            if roll < 0.84:
                status, minutes = Attendance.Status.PRESENT, rng.randint(-20, 10)
            elif roll < 0.92:
                status, minutes = Attendance.Status.LATE, rng.randint(16, 40)
            elif roll < 0.96:
                status, minutes = Attendance.Status.EXCUSED, None
            else:
                status, minutes = Attendance.Status.ABSENT, None
            rows.append(
                Attendance(
                    library=cohort.library,
                    session=session,
                    user_id=user_id,
                    status=status,
                    method=rng.choice([Attendance.Method.QR, Attendance.Method.QR, Attendance.Method.CODE])
                    if minutes is not None
                    else Attendance.Method.MANUAL,
                    checked_in_at=session.starts_at + timedelta(minutes=minutes) if minutes is not None else None,
                )
            )
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        report.add("attendance rows", len(rows))


def seed_delivery(
    report: Any,
    library: Library,
    coordinator: User,
    programme: Programme,
    competencies: list[Competency],
    participants: list[User],
) -> None:
    now = timezone.now()
    for username, (kind, organisation, years, bio, expertise) in INSTRUCTOR_PROFILES.items():
        user = User.objects.get(username=username)
        if not InstructorProfile.objects.filter(library=library, user=user).exists():
            services.instructor_register(
                actor=coordinator,
                library=library,
                user=user,
                kind=kind,
                organisation=organisation,
                years_experience=years,
                bio=bio,
                expertise=[competencies[i] for i in expertise],
            )
            report.add("instructors")

    # Angkatan I 2026: running now, four weeks, the first nine sessions already held.
    cohort = Cohort.objects.filter(programme=programme, name="Angkatan I 2026").first()
    if cohort is None:
        days = weekdays(timezone.localdate() - timedelta(days=13), 14)
        cohort = services.cohort_create(
            actor=coordinator,
            programme=programme,
            name="Angkatan I 2026",
            starts_on=days[0],
            ends_on=days[-1],
            venue="Perpustakaan Kota Pasuruan",
            capacity=20,
            status=Cohort.Status.RUNNING,
        )
        report.add("cohorts")
        for person in participants[:22]:  # two more than the capacity: they wait
            services.enrol(actor=coordinator, cohort=cohort, user=person)
        _schedule(report, coordinator, cohort, days, today_now=now)
        services.groups_form(actor=coordinator, cohort=cohort, group_count=4, seed=2026)
        report.add("discussion groups", 4)
    _attendance(report, cohort, now)

    # 2025: the same programme a year earlier, finished.
    past = Programme.objects.filter(library=library, year=2025).first()
    if past is None:
        past = curriculum_services.programme_copy(actor=coordinator, programme=programme, year=2025)
        curriculum_services.programme_update(actor=coordinator, programme=past, status=Programme.Status.ARCHIVED)
        report.add("programmes")
    old = Cohort.objects.filter(programme=past, name="Angkatan 2025").first()
    if old is None:
        days = weekdays(date(2025, 8, 4), 14)
        old = services.cohort_create(
            actor=coordinator,
            programme=past,
            name="Angkatan 2025",
            starts_on=days[0],
            ends_on=days[-1],
            venue="Perpustakaan Kota Pasuruan",
            capacity=25,
            status=Cohort.Status.FINISHED,
        )
        report.add("cohorts")
        for person in participants[5:25]:
            services.enrol(actor=coordinator, cohort=old, user=person)
        _schedule(report, coordinator, old, days, today_now=None)
    _attendance(report, old, now)

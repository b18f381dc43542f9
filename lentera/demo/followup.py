"""The demo's follow-up (Kirkpatrick level 3): the 2025 cohort's round, opened when it came due and
now closed. Most participants answered; most supervisors were asked by email (made-up addresses
at demo.lentera.id) and most of them answered. Participants rate themselves a little higher than
their supervisors do, and promotion is the behaviour applied least."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from lentera.delivery.models import Cohort
from lentera.evaluation import followup, services
from lentera.evaluation.answering import Cleaned
from lentera.evaluation.models import FormItem, Invitation, Survey
from lentera.evaluation.selectors import survey_items

SUPERVISORS = {  # work unit -> the head of that unit
    "Seksi Layanan Sirkulasi": "kasi.sirkulasi@demo.lentera.id",
    "Seksi Layanan Referensi": "kasi.referensi@demo.lentera.id",
    "Seksi Pengolahan Bahan Pustaka": "kasi.pengolahan@demo.lentera.id",
    "Layanan Anak dan Remaja": "koordinator.anak@demo.lentera.id",
    "Perpustakaan Keliling": "koordinator.pusling@demo.lentera.id",
    "Seksi Otomasi dan Teknologi Informasi": "kasi.otomasi@demo.lentera.id",
    "Seksi Deposit dan Pelestarian": "kasi.deposit@demo.lentera.id",
    "Pojok Baca Kecamatan": "koordinator.pojokbaca@demo.lentera.id",
}
HEAD = "kabid.layanan@demo.lentera.id"
# The centre of the ratings per statement (by its first words): promotion lags behind.
PARTICIPANT_CENTRES = {"Saya menggunakan SLiMS": 4.1, "Saya melayani": 4.2, "Saya membuat": 3.3, "Saya memandu": 3.6}
SUPERVISOR_CENTRES = {"Staf ini menerapkan": 3.9, "Staf ini melayani": 4.0, "Staf ini ikut": 3.1}
OBSTACLES = [
    "Komputer di ruang layanan masih dipakai bergantian.",
    "Belum ada waktu khusus untuk membuat konten promosi.",
    "Data koleksi lama belum semua masuk SLiMS.",
    "Jaringan internet di perpustakaan keliling tidak stabil.",
    "Atasan mendukung, tetapi tugas administrasi masih banyak.",
]
NOTES = [
    "Pelayanan di meja sirkulasi lebih ramah dan cepat.",
    "Sudah mulai mengunggah data koleksi baru ke SLiMS.",
    "Perlu dorongan untuk ikut kegiatan promosi.",
    "Membantu rekan lain memakai fitur sirkulasi.",
]


def _rating(rng: random.Random, centre: float) -> int:
    return max(1, min(5, round(rng.gauss(centre, 0.7))))


def _centre(item: FormItem, centres: dict[str, float]) -> float:
    return next((c for start, c in centres.items() if item.text.startswith(start)), 3.8)


def _answers(items: list[FormItem], rng: random.Random, centres: dict[str, float], notes: list[str]) -> list[Cleaned]:
    answers = []
    for item in items:
        if item.is_rating:
            answers.append(Cleaned(item, rating=_rating(rng, _centre(item, centres))))
        elif item.is_text and rng.random() < 0.4:
            answers.append(Cleaned(item, text=rng.choice(notes)))
    return answers


def seed_follow_up(report: Any, library: Any, coordinator: Any) -> None:
    cohort = Cohort.objects.filter(library=library, name="Angkatan 2025", status=Cohort.Status.FINISHED).first()
    if cohort is None or followup.follow_up_of(cohort) is not None:
        return
    rng = random.Random(2028)  # fixed: the demo is the same every time
    opened = timezone.make_aware(datetime.combine(followup.follow_up_due_on(cohort), time(8, 0)))
    survey = followup.follow_up_open(actor=coordinator, cohort=cohort, now=opened)
    general, _per_instructor = survey_items(survey=survey)
    own = [i for i in general if i.form.kind == "follow_up"]
    theirs = [i for i in general if i.form.kind == "supervisor"]
    window = (survey.closes_at - survey.opens_at).total_seconds()
    given = 0
    invitations = Invitation.objects.filter(survey=survey, role=Invitation.Role.PARTICIPANT).select_related("user")
    for invitation in invitations.order_by("user__username"):
        person = invitation.user
        if rng.random() < 0.85:
            moment = opened + timedelta(seconds=rng.uniform(0.02, 0.8) * window)
            services.response_submit(
                survey=survey, answers=_answers(own, rng, PARTICIPANT_CENTRES, OBSTACLES), user=person, now=moment
            )
            given += 1
        if rng.random() < 0.85:  # the coordinator had this participant's supervisor's address
            asked = opened + timedelta(days=rng.uniform(1, 3))
            address = SUPERVISORS.get(getattr(person, "work_unit", ""), HEAD)
            token = followup.supervisor_invite(
                actor=coordinator, survey=survey, participant=person, email=address, now=asked
            )
            if rng.random() < 0.85:
                moment = asked + timedelta(seconds=rng.uniform(0.05, 0.6) * window)
                services.response_submit(
                    survey=survey, answers=_answers(theirs, rng, SUPERVISOR_CENTRES, NOTES), token=token, now=moment
                )
                given += 1
    # the reminder went out a day before closing to whoever had not answered
    Invitation.objects.filter(survey=survey, answered=False).update(reminded=True)
    Survey.objects.filter(pk=survey.pk).update(reminded_at=survey.closes_at - timedelta(hours=24))
    report.add("follow-up responses", given)

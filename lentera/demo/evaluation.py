"""The demo's feedback: the 2025 cohort's rounds answered (sessions and the end of the cohort), the
2026 cohort's sessions so far, with the latest round still open for the demo participant."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from lentera.accounts.models import User
from lentera.delivery.models import Cohort
from lentera.evaluation import services
from lentera.evaluation.answering import Cleaned
from lentera.evaluation.models import Comments, FormItem, Invitation, Survey
from lentera.evaluation.selectors import survey_instructors, survey_items
from lentera.evaluation.tallies import comment_digest, sort_entries

USEFUL = [
    "Praktik langsung di SLiMS sangat membantu.",
    "Contoh kasusnya dekat dengan pekerjaan sehari-hari.",
    "Materi promosi media sosial bisa langsung dipakai.",
    "Bermain peran membuat saya lebih percaya diri melayani pemustaka.",
    "Diskusi kelompok membuka wawasan dari perpustakaan lain.",
]
TO_IMPROVE = [
    "Waktu praktiknya kurang lama.",
    "Jaringan internet di ruang komputer sering putus.",
    "Mohon modul dibagikan sebelum sesi.",
    "Ruangan terlalu panas siang hari.",
    "Contoh soal latihan perlu ditambah.",
]
WEAK = "Ruang, komputer dan jaringan"  # the demo's weak item: facilities


def _rating(rng: random.Random, centre: float) -> int:
    return max(1, min(5, round(rng.gauss(centre, 0.8))))


def _answers(
    items: tuple[list[FormItem], list[FormItem]], instructors: list[Any], rng: random.Random, skill: float
) -> list[Cleaned]:
    general, per_instructor = items
    answers = []
    for item in general:
        if item.kind == "likert":
            centre = 3.0 if item.text.startswith(WEAK) else skill
            answers.append(Cleaned(item, rating=_rating(rng, centre)))
        elif item.kind == "single":
            answers.append(Cleaned(item, choices=[rng.choice(item.options)]))
        elif item.kind == "long_text" and rng.random() < 0.35:
            pool = TO_IMPROVE if ("perbaik" in item.text or "diubah" in item.text) else USEFUL
            answers.append(Cleaned(item, text=rng.choice(pool)))
    for person in instructors:
        strength = 4.4 if person.username == "instruktur" else 3.9
        answers += [Cleaned(i, instructor=person, rating=_rating(rng, strength)) for i in per_instructor if i.is_rating]
    return answers


def _answer_round(survey: Survey, rng: random.Random, *, share: float, skip: set[int]) -> int:
    """The invited people answer as a page would submit: the round's items and instructors are read
    once and handed to ``response_submit`` with each person's invitation (as the answer page does)."""
    invitations = list(Invitation.objects.filter(survey=survey, answered=False, user__isnull=False))
    people = User.objects.in_bulk([invitation.user_id for invitation in invitations])
    items = survey_items(survey=survey)
    instructors = survey_instructors(survey=survey)
    given = 0
    for invitation in invitations:
        if invitation.user_id in skip or rng.random() > share:
            continue
        moment = survey.opens_at + timedelta(hours=rng.uniform(0.2, 20))
        services.response_submit(
            survey=survey,
            answers=_answers(items, instructors, rng, rng.uniform(3.7, 4.5)),
            user=people[invitation.user_id],
            invitation=invitation,
            now=moment,
            items=[*items[0], *items[1]],
            instructors=instructors,
        )
        given += 1
    return given


def seed_evaluation(report: Any, library: Any, coordinator: Any) -> None:
    if services.ready_forms_install(actor=coordinator, library=library):
        report.add("feedback forms", 5)
    now = timezone.now()
    for cohort in Cohort.objects.filter(library=library, name__in=["Angkatan 2025", "Angkatan I 2026"]):
        if Survey.objects.filter(cohort=cohort).exists():
            continue
        # each cohort draws from its own seed: the finished 2025 cohort's answers are the same whatever
        # the day the demo is seeded (the running cohort's number of past sessions depends on the day)
        rng = random.Random(f"feedback:{cohort.name}")
        demo_participant = set(cohort.enrolments.filter(user__username="peserta").values_list("user_id", flat=True))
        sessions = list(cohort.sessions.filter(ends_at__lte=now).order_by("ends_at"))
        for session in sessions:
            for survey in services.surveys_ensure(cohort=cohort, now=session.ends_at + timedelta(minutes=1)):
                if survey.session_id == session.pk:
                    still_open = survey.closes_at > now
                    # the latest open round waits for the demo participant, who sees it on the dashboard
                    skip = demo_participant if still_open else set()
                    report.add("feedback responses", _answer_round(survey, rng, share=0.85, skip=skip))
        if sessions and cohort.status == Cohort.Status.FINISHED:
            last = sessions[-1]
            for survey in services.surveys_ensure(cohort=cohort, now=last.ends_at + timedelta(minutes=5)):
                if survey.kind == Survey.Kind.COHORT:
                    report.add("feedback responses", _answer_round(survey, rng, share=0.9, skip=set()))
        # the coordinator has reviewed the 2025 comments: all shown but one
        if cohort.status == Cohort.Status.FINISHED:
            lists = list(Comments.objects.filter(survey__cohort=cohort).exclude(entries=[]).order_by("pk"))
            for comments in lists:
                comments.entries = sort_entries([text, Comments.Review.SHOWN] for text, _review in comments.entries)
            Comments.objects.bulk_update(lists, ["entries"])
            if lists:
                first = lists[0].entries[0][0]
                services.comment_review(actor=coordinator, comments=lists[0], digest=comment_digest(first), show=False)
        services.surveys_ensure(cohort=cohort, now=now)  # today's open rounds invite who attended

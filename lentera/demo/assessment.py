"""The demo's assessment part: a small question bank, the 2025 cohort's pre- and post-test,
and the 2026 cohort's pre-test, each taken by the enrolled participants."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from lentera.assessment import exam_services as exams
from lentera.assessment.models import Attempt, CohortTest, Question
from lentera.assessment.services import question_save
from lentera.delivery.models import Cohort, Enrolment

# (kind, text, options or key, competency index, explanation)
BANK: list[tuple[str, str, Any, int, str]] = [
    (
        "single",
        "Modul SLiMS yang dipakai untuk mencatat peminjaman adalah …",
        [("Sirkulasi", True), ("Bibliografi", False), ("Keanggotaan", False), ("Stock take", False)],
        0,
        "Transaksi pinjam dan kembali dicatat di modul Sirkulasi.",
    ),
    (
        "multiple",
        "Manakah yang merupakan sumber informasi daring resmi Perpusnas?",
        [("e-Resources Perpusnas", True), ("iPusnas", True), ("Grup WhatsApp kantor", False)],
        1,
        "",
    ),
    (
        "single",
        "Nomor kelas DDC untuk ilmu komputer berada pada kelas utama …",
        [("000", True), ("300", False), ("500", False), ("600", False)],
        3,
        "000 adalah Karya umum, ilmu komputer dan informasi.",
    ),
    ("true_false", "Penyiangan berarti mengeluarkan koleksi yang sudah tidak relevan dari rak layanan.", True, 4, ""),
    (
        "single",
        "Langkah pertama dalam wawancara referensi adalah …",
        [
            ("Menyapa dan menanyakan kebutuhan pemustaka", True),
            ("Langsung mencari di katalog", False),
            ("Meminta kartu anggota", False),
        ],
        5,
        "",
    ),
    (
        "short",
        "Sebutkan singkatan dari sistem klasifikasi yang dipakai sebagian besar perpustakaan umum.",
        ["DDC", "Dewey Decimal Classification"],
        3,
        "Dewey Decimal Classification (DDC).",
    ),
    ("true_false", "Keluhan pemustaka sebaiknya dijawab dengan membela prosedur terlebih dahulu.", False, 6, ""),
    (
        "single",
        "Kalender konten media sosial berguna untuk …",
        [
            ("Merencanakan unggahan secara teratur", True),
            ("Menghapus komentar", False),
            ("Mengganti kata sandi akun", False),
        ],
        7,
        "",
    ),
    (
        "multiple",
        "Kriteria menilai kredibilitas sumber informasi meliputi …",
        [("Penulis dan lembaganya jelas", True), ("Tanggal terbit", True), ("Jumlah iklan di halaman", False)],
        9,
        "",
    ),
    (
        "single",
        "Kerja sama dengan sekolah sebaiknya dituangkan dalam …",
        [("Perjanjian kerja sama (PKS)", True), ("Pesan singkat", False), ("Spanduk", False)],
        10,
        "",
    ),
]


def _bank(library: Any, coordinator: Any, competencies: list[Any]) -> list[Question]:
    existing = {q.text: q for q in Question.objects.filter(library=library)}
    questions = []
    for kind, text, key, competency, explanation in BANK:
        if text in existing:
            questions.append(existing[text])
            continue
        data: dict[str, Any] = {
            "kind": kind,
            "text": text,
            "explanation": explanation,
            "competencies": [competencies[competency]],
        }
        if kind in ("single", "multiple"):
            data["options"] = key
        elif kind == "true_false":
            data["true_answer"] = key
        else:
            data["accepted_answers"] = key
        questions.append(question_save(actor=coordinator, library=library, **data))
    return questions


def _take(test: CohortTest, rng: random.Random, skill: dict[int, float]) -> int:
    taken = 0
    # the test's questions and who has taken it, read once (as a page would for each participant)
    items = list(test.items.select_related("question").prefetch_related("question__choices"))
    done = set(Attempt.objects.filter(test=test).values_list("user_id", flat=True))
    enrolled = Enrolment.objects.filter(cohort=test.cohort, status=Enrolment.Status.ENROLLED).select_related("user")
    for enrolment in enrolled:
        if enrolment.user_id in done:
            continue
        attempt = exams.attempt_start(user=enrolment.user, test=test)
        for item in items:
            question = item.question
            knows = rng.random() < skill.setdefault(enrolment.user_id, rng.uniform(0.3, 0.6))
            if question.kind == "short":
                exams.answer_save(attempt=attempt, question=question, text="DDC" if knows else "UDC")
            else:
                choices = list(question.choices.all())
                chosen = (
                    [c.pk for c in choices if c.is_correct == knows]
                    if knows
                    else [next(c.pk for c in choices if not c.is_correct)]
                )
                exams.answer_save(attempt=attempt, question=question, chosen=chosen)
        exams.attempt_submit(attempt=attempt)
        taken += 1
    return taken


def seed_assessment(report: Any, library: Any, coordinator: Any, competencies: list[Any]) -> None:
    rng = random.Random(2024)
    before = Question.objects.filter(library=library).count()
    questions = _bank(library, coordinator, competencies)
    if Question.objects.filter(library=library).count() > before:
        report.add("questions", len(questions))
    skill: dict[int, float] = {}
    plan = [("Angkatan 2025", "pre", 0.0), ("Angkatan 2025", "post", 0.35), ("Angkatan I 2026", "pre", 0.0)]
    for cohort_name, kind, boost in plan:
        cohort = Cohort.objects.filter(library=library, name=cohort_name).first()
        if cohort is None:
            continue
        test = CohortTest.objects.filter(cohort=cohort, kind=kind).first()
        if test is None:
            title = ("Pre-test" if kind == "pre" else "Post-test") + f" {cohort_name}"
            test = exams.test_create(actor=coordinator, cohort=cohort, kind=kind, title=title, questions=questions)
            report.add("tests")
        if not test.attempts.exists():
            exams.test_set_open(actor=coordinator, test=test, is_open=True)
            learning = {pk: min(0.95, value + boost) for pk, value in skill.items()} if boost else skill
            report.add("test attempts", _take(test, rng, learning))
            # the finished cohort's tests are closed; the running cohort's pre-test stays open for latecomers
            exams.test_set_open(actor=coordinator, test=test, is_open=cohort_name != "Angkatan 2025")

    seed_assignments(report, library, coordinator)


CATALOGUING_RUBRIC = (
    "Rubrik praktik katalogisasi SLiMS",
    [
        (
            "Kelengkapan data bibliografis",
            [
                "Semua ruas wajib terisi dan sesuai sumber",
                "Satu ruas kurang tepat",
                "Beberapa ruas kosong",
                "Banyak ruas kosong atau salah",
            ],
        ),
        (
            "Ketepatan nomor klasifikasi DDC",
            ["Tepat sampai desimal", "Kelas benar, desimal kurang", "Hanya kelas utama", "Kelas utama salah"],
        ),
        (
            "Tajuk subjek",
            ["Sesuai daftar tajuk", "Sebagian sesuai", "Terlalu umum", "Tidak ada"],
        ),
        (
            "Transaksi sirkulasi uji",
            ["Pinjam dan kembali tercatat benar", "Satu langkah terlewat", "Perlu dibantu", "Tidak berhasil"],
        ),
    ],
)
SERVICE_RUBRIC = (
    "Rubrik pengamatan bermain peran layanan",
    [
        ("Salam dan sapaan", ["Hangat, kontak mata, menyebut nama", "Ramah", "Datar", "Tidak menyapa"]),
        ("Mendengarkan aktif", ["Mengulang kebutuhan dengan tepat", "Mendengarkan", "Sering memotong", "Tidak peduli"]),
        ("Ketepatan informasi", ["Tepat dan lengkap", "Tepat, kurang lengkap", "Sebagian keliru", "Keliru"]),
        ("Kesopanan", ["Santun sepanjang layanan", "Santun", "Kurang sabar", "Tidak santun"]),
        (
            "Penutup layanan",
            ["Memastikan puas dan menawarkan bantuan", "Menutup dengan baik", "Menutup tiba-tiba", "Tanpa penutup"],
        ),
    ],
)
LEVELS = [("Sangat baik", 4), ("Baik", 3), ("Cukup", 2), ("Kurang", 1)]
DEMO_INSTRUCTOR = "instruktur"  # the instructor the README's demo logins name
GRADER_COMMENTS = ["Rapi dan tepat.", "Periksa lagi desimal DDC.", "Bagus, tambahkan tajuk subjek.", "Sudah sesuai."]


def _rubric(library: Any, coordinator: Any, spec: tuple[str, list[tuple[str, list[str]]]]) -> Any:
    from lentera.assessment import assignment_services as work
    from lentera.assessment.models import Rubric

    title, criteria = spec
    return Rubric.objects.filter(library=library, title=title).first() or work.rubric_save(
        actor=coordinator, library=library, title=title, levels=LEVELS, criteria=criteria
    )


def _pick(rubric: Any, rng: random.Random, skill: float) -> list[tuple[int, int]]:
    """A level per criterion for a participant of the given skill (0–1)."""
    levels, criteria = _rubric_parts(rubric)  # best first; in the rubric's order
    picked = []
    for criterion in criteria:
        roll = min(len(levels) - 1, max(0, int((1 - skill) * len(levels) + rng.uniform(-0.8, 0.8))))
        picked.append((criterion, levels[roll]))
    return picked


def _rubric_parts(rubric: Any) -> tuple[list[int], list[int]]:
    """The rubric's level ids (best first) and criterion ids, read once per rubric object."""
    parts: tuple[list[int], list[int]] | None = getattr(rubric, "_demo_parts", None)
    if parts is None:
        parts = (
            [level.pk for level in rubric.levels.all()],
            [criterion.pk for criterion in rubric.criteria.all()],
        )
        rubric._demo_parts = parts
    return parts


def _handed_in(ended: datetime, rng: random.Random, now: datetime) -> datetime:
    """When a participant hands in: the same afternoon or the next day, in Pasuruan's waking hours
    (07:00–21:00 local time; a hand-in at 02:30 reads like a time-zone error), never in the future."""
    local = timezone.localtime(ended)
    day = local.date() + timedelta(days=rng.randint(0, 1))
    earliest = min(local.hour + 1, 20) if day == local.date() else 7
    moment = timezone.make_aware(datetime.combine(day, time(rng.randint(earliest, 20), rng.randrange(0, 60, 5))))
    return min(max(moment, ended + timedelta(minutes=30)), now - timedelta(minutes=1))


def seed_assignments(report: Any, library: Any, coordinator: Any) -> None:
    """A graded SLiMS practice and an observed role-play for both cohorts (the finished one completely)."""
    from django.core.files.base import ContentFile

    from lentera.accounts.models import User
    from lentera.assessment import assignment_services as work
    from lentera.assessment.models import Assignment
    from lentera.delivery.services import schedule

    rng = random.Random(2026)
    now = timezone.now()
    cataloguing = _rubric(library, coordinator, CATALOGUING_RUBRIC)
    service = _rubric(library, coordinator, SERVICE_RUBRIC)
    for cohort in Cohort.objects.filter(library=library, name__in=["Angkatan 2025", "Angkatan I 2026"]):
        people = [e.user for e in cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related("user")]
        practice = cohort.sessions.filter(plan__title__startswith="Praktik katalogisasi").first()
        if practice and not Assignment.objects.filter(session=practice).exists():
            grader = practice.instructors.first() or coordinator
            assignment = work.assignment_save(
                actor=grader,
                session=practice,
                title="Katalogisasi lima judul baru di SLiMS",
                instructions=(
                    "Katalogkan lima judul buku baru di SLiMS (data bibliografis, nomor DDC, tajuk subjek), "
                    "lalu lakukan satu transaksi pinjam-kembali uji. Kumpulkan tangkapan layar atau "
                    "ekspor katalog, dan tulis kendala yang Anda temui."
                ),
                rubric=cataloguing,
                due_at=practice.ends_at + timedelta(days=2),
                accepts_text=True,
                accepts_file=True,
                accepts_link=True,
                is_required=True,
            )
            report.add("assignments")
            if practice.ends_at < now:
                finished = cohort.status == Cohort.Status.FINISHED
                for index, person in enumerate(people):
                    if not finished and index % 4 == 3:
                        continue  # some of the running cohort have not handed in yet
                    upload = ContentFile(b"%PDF-1.4\n% demo\n", name="katalog-5-judul.pdf")
                    submission = work.submission_save(
                        actor=person,
                        assignment=assignment,
                        text="Lima judul sudah saya katalogkan; kendala: tajuk subjek untuk buku resep.",
                        upload=upload,
                        now=_handed_in(practice.ends_at, rng, now),
                    )
                    report.add("submissions")
                    if not finished and index % 2 == 1 and person.username != "peserta":
                        continue  # waiting for the instructor
                    for criterion_id, level_id in _pick(cataloguing, rng, rng.uniform(0.55, 1.0)):
                        work.submission_score(
                            actor=grader, submission=submission, criterion_id=criterion_id, level_id=level_id
                        )
                    work.submission_release(actor=grader, submission=submission, comment=rng.choice(GRADER_COMMENTS))
                    report.add("graded submissions")
        role_play = cohort.sessions.filter(plan__title__startswith="Bermain peran").select_related("plan").first()
        demo_instructor = User.objects.filter(username=DEMO_INSTRUCTOR).first()
        if role_play and demo_instructor and not role_play.instructors.filter(pk=demo_instructor.pk).exists():
            # The demo's instructor co-leads the role-plays, so signing in as them shows observing
            # and grading one (only a session's own instructors judge its assignments).
            schedule.session_schedule(
                actor=coordinator,
                cohort=cohort,
                plan=role_play.plan,
                starts_at=role_play.starts_at,
                ends_at=role_play.ends_at,
                room=role_play.room,
                instructors=[*role_play.instructors.all(), demo_instructor],
                session=role_play,
            )
        if role_play and not Assignment.objects.filter(session=role_play).exists():
            observer = demo_instructor or role_play.instructors.first() or coordinator
            assignment = work.assignment_save(
                actor=observer,
                session=role_play,
                title="Pengamatan bermain peran: menangani keluhan",
                instructions=(
                    "Berpasangan: satu orang menjadi pemustaka yang mengeluh, satu orang menjadi petugas. "
                    "Instruktur dan dua rekan mengamati dengan rubrik di ponsel."
                ),
                rubric=service,
                mode=Assignment.Mode.OBSERVATION,
                is_required=True,  # the demo's coordinator made both assignments count for completion
            )
            report.add("assignments")
            if role_play.ends_at < now:
                for index, person in enumerate(people):
                    skill = rng.uniform(0.6, 1.0)
                    peers = [people[(index + 1) % len(people)], people[(index + 2) % len(people)]]
                    for who in [observer, *peers]:
                        # the whole sheet at once, as tapping each criterion in turn would leave it
                        work.observation_scores_save(
                            actor=who,
                            assignment=assignment,
                            participant=person,
                            picks=[(criterion, level, "") for criterion, level in _pick(service, rng, skill)],
                        )
                    report.add("observation sheets", 3)

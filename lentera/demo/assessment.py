"""The demo's assessment part: a small question bank, the 2025 cohort's pre- and post-test,
and the 2026 cohort's pre-test, each taken by the enrolled participants."""

from __future__ import annotations

import random
from typing import Any

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
    for enrolment in Enrolment.objects.filter(cohort=test.cohort, status=Enrolment.Status.ENROLLED):
        if Attempt.objects.filter(test=test, user=enrolment.user).exists():
            continue
        attempt = exams.attempt_start(user=enrolment.user, test=test)
        for item in test.items.select_related("question").prefetch_related("question__choices"):
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

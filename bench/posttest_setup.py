"""A cohort of N participants whose post-test (30 questions of every kind, one page) is open now.

Prints, as its last line, JSON with the test, the participants (user id and signed-in session
cookie, in the same order) and the answer key the load generator needs to answer right or
wrong on purpose: per question its kind, its option ids, the correct ones and a right and a
wrong short answer.
"""

from __future__ import annotations

import json
import sys
import time

import django_env  # noqa: F401 - sets up Django
from django.utils import timezone
from factories import enrol_participants, session_cookies

from lentera.accounts.models import Library
from lentera.assessment import exam_services
from lentera.assessment.models import Choice, CohortTest, Question
from lentera.curriculum.models import Programme
from lentera.delivery.models import Cohort

PEOPLE = int(sys.argv[1]) if len(sys.argv) > 1 else 200
LAYOUT = sys.argv[2] if len(sys.argv) > 2 else CohortTest.Layout.ALL_ON_ONE_PAGE
# 30 questions: the mix a coordinator's bank typically has
KINDS = [Question.Kind.SINGLE] * 15 + [Question.Kind.MULTIPLE] * 5 + [Question.Kind.TRUE_FALSE] * 5
KINDS += [Question.Kind.SHORT] * 5


def make_question(library: Library, kind: str, i: int) -> tuple[Question, dict[str, object]]:
    question = Question.objects.create(
        library=library,
        kind=kind,
        text=f"Pertanyaan {i + 1}: manakah pernyataan yang benar tentang layanan perpustakaan? " * 2,
        explanation="Lihat modul 2.",
        accepted_answers=["Jakarta", "DKI Jakarta"] if kind == Question.Kind.SHORT else [],
    )
    if kind == Question.Kind.TRUE_FALSE:
        options = [("Benar", True), ("Salah", False)]
    elif kind == Question.Kind.MULTIPLE:
        options = [(f"Pilihan {n}", n in (0, 2)) for n in range(4)]
    elif kind == Question.Kind.SINGLE:
        options = [(f"Pilihan {n}", n == i % 4) for n in range(4)]
    else:
        options = []
    choices = Choice.objects.bulk_create(
        [Choice(question=question, order=n, text=text, is_correct=ok) for n, (text, ok) in enumerate(options)]
    )
    return question, {
        "question": question.pk,
        "kind": kind,
        "choices": [c.pk for c in choices],
        "correct": [c.pk for c in choices if c.is_correct],
        "right_text": " jakarta.",  # normalised to an accepted answer
        "wrong_text": "Bandung",
    }


def main() -> None:
    tag = time.time_ns()
    library = Library.objects.create(name="Bench", slug=f"bench-posttest-{tag}", city="X", province="Y")
    programme = Programme.objects.create(library=library, year=2026, title="Bench")
    cohort = Cohort.objects.create(
        library=library,
        programme=programme,
        name="C",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        capacity=PEOPLE,
    )
    made = [make_question(library, kind, i) for i, kind in enumerate(KINDS)]
    test = exam_services.test_create(
        actor=None,
        cohort=cohort,
        kind=CohortTest.Kind.POST,
        title="Post-test",
        questions=[q for q, _key in made],
        layout=LAYOUT,
        time_limit_minutes=30,
    )
    exam_services.test_set_open(actor=None, test=test, is_open=True)
    users = enrol_participants(library=library, cohort=cohort, people=PEOPLE, tag=tag)
    cookies = session_cookies(users, library)
    print(
        json.dumps(
            {
                "test": test.pk,
                "users": [u.pk for u in users],
                "cookies": cookies,
                "key": [key for _q, key in made],
            }
        )
    )


if __name__ == "__main__":
    main()

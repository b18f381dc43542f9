"""The test pages: a participant takes a test on a phone; the coordinator builds, opens and reads it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from lentera.assessment import exam_services as exams
from lentera.assessment.models import Answer, Attempt, CohortTest
from lentera.assessment.services import question_save
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(participant: Any, coordinator: Any) -> dict[str, Any]:
    cohort = CohortFactory(programme__library=participant.library)
    EnrolmentFactory(cohort=cohort, user=participant.user)
    questions = [
        question_save(
            actor=None,
            library=participant.library,
            kind="single",
            text=f"Soal {i}",
            options=[("benar", True), ("salah", False)],
        )
        for i in range(3)
    ]
    test = exams.test_create(actor=None, cohort=cohort, kind="post", title="Post-test", questions=questions)
    exams.test_set_open(actor=None, test=test, is_open=True)
    return {"cohort": cohort, "test": test, "questions": questions}


def test_the_participant_takes_the_test_and_a_reload_keeps_the_answers(participant: Any, setup: dict[str, Any]) -> None:
    test, questions = setup["test"], setup["questions"]
    page = participant.client.get(reverse("assessment:take_test", args=[test.pk]))
    assert page.status_code == 200 and "Soal 0" in page.content.decode()
    right = [c.pk for c in questions[0].choices.all() if c.is_correct][0]
    saved = participant.client.post(
        reverse("assessment:save_answer", args=[test.pk]),
        {"question": questions[0].pk, "choice": right},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    reloaded = participant.client.get(reverse("assessment:take_test", args=[test.pk]))  # connection dropped
    assert f'value="{right}" id="choice-{right}" checked' in reloaded.content.decode()
    submit = reverse("assessment:submit_test", args=[test.pk])
    asked = participant.client.post(submit)  # two questions are still open: asked first, nothing submitted
    take = reverse("assessment:take_test", args=[test.pk])
    assert asked["Location"] == f"{take}?finish=1#finish"
    assert Attempt.objects.get().submitted_at is None
    finish = participant.client.get(f"{take}?finish=1").content.decode()
    assert "2 soal belum dijawab" in finish
    assert '<a href="?no=2">soal 2</a>, <a href="?no=3">soal 3</a>' in finish
    for _ in range(2):  # "Submit anyway", tapped twice
        assert participant.client.post(submit, {"confirm": "1"})["Location"].endswith("/hasil/")
    attempt = Attempt.objects.get()
    assert (attempt.correct, attempt.total, round(attempt.score)) == (1, 3, 33)
    result = participant.client.get(reverse("assessment:test_result", args=[test.pk]))
    assert "33%" in result.content.decode()


def test_a_foreign_option_is_refused_with_400(participant: Any, setup: dict[str, Any]) -> None:
    test, questions = setup["test"], setup["questions"]
    participant.client.get(reverse("assessment:take_test", args=[test.pk]))
    response = participant.client.post(
        reverse("assessment:save_answer", args=[test.pk]), {"question": questions[0].pk, "choice": 999999}
    )
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_a_participant_of_another_cohort_cannot_take_it(setup: dict[str, Any], library_a: Any) -> None:
    from django.test import Client

    from lentera.accounts.models import Role
    from lentera.accounts.tests.factories import MembershipFactory

    outsider = MembershipFactory(library=library_a, role=Role.PARTICIPANT).user
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("assessment:take_test", args=[setup["test"].pk])).status_code == 403


def test_the_coordinator_builds_opens_and_reads_results(
    coordinator: Any, setup: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    cohort = setup["cohort"]
    url = reverse("assessment:cohort_tests", args=[cohort.pk])
    coordinator.client.post(
        url,
        {
            "kind": "pre",
            "title": "Pre-test",
            "layout": "all",
            "time_limit": "20",
            "questions": [q.pk for q in setup["questions"]],
        },
    )
    pre = CohortTest.objects.get(cohort=cohort, kind="pre")
    assert (pre.items.count(), pre.layout, pre.time_limit_minutes, pre.is_open) == (3, "all", 20, False)
    coordinator.client.post(url, {"action": "toggle", "test": pre.pk})
    pre.refresh_from_db()
    assert pre.is_open
    coordinator.client.get(reverse("dashboard"))
    with django_assert_max_num_queries(16):
        page = coordinator.client.get(url)
    assert page.status_code == 200 and "Pre-test" in page.content.decode()


def test_grant_another_attempt_needs_a_reason(coordinator: Any, participant: Any, setup: dict[str, Any]) -> None:
    test = setup["test"]
    attempt = exams.attempt_start(user=participant.user, test=test)
    exams.attempt_submit(attempt=attempt)
    url = reverse("assessment:cohort_tests", args=[setup["cohort"].pk])
    coordinator.client.post(url, {"action": "grant", "test": test.pk, "user": participant.user.pk, "reason": ""})
    assert test.grants.count() == 0
    coordinator.client.post(
        url, {"action": "grant", "test": test.pk, "user": participant.user.pk, "reason": "Sakit saat tes"}
    )
    assert test.grants.count() == 1
    assert participant.client.get(reverse("assessment:take_test", args=[test.pk])).status_code == 200
    assert Attempt.objects.filter(user=participant.user).count() == 2


def test_saving_an_answer_has_a_fixed_number_of_queries(
    participant: Any, setup: dict[str, Any], django_assert_num_queries: Any
) -> None:
    """Each answer of every phone comes through here: the statements are counted (the two savepoints included)."""
    test, questions = setup["test"], setup["questions"]
    participant.client.get(reverse("assessment:take_test", args=[test.pk]))
    url = reverse("assessment:save_answer", args=[test.pk])
    for question in questions[:2]:  # a new answer, then another: the same count
        right = [c.pk for c in question.choices.all() if c.is_correct]
        with django_assert_num_queries(13):
            assert participant.client.post(url, {"question": question.pk, "choice": right}).status_code == 200
    assert Answer.objects.count() == 2 and all(a.is_correct for a in Answer.objects.all())


def _text(page: Any, element_id: str) -> str:
    import re

    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</', page.content.decode(), re.S)
    assert found, element_id
    return " ".join(found.group(1).split())


def test_the_results_show_the_class_averages_of_the_pairs_the_gain_uses(coordinator: Any, library_a: Any) -> None:
    """Four questions. A: pre 25 %, post 75 %; B: pre 50 %, post 100 %; C: pre 100 % (no gain to
    make, not counted); D: pre 50 %, no post-test (not counted). The pairs are A and B: class
    averages pre 37.5 %, post 87.5 %, n 2, ⟨g⟩ = (87.5 − 37.5) / (100 − 37.5) = 0.80. (The mean of
    all four pre-tests would be 56.25 %.)"""
    from lentera.assessment.tests.test_exams import single, take

    cohort = CohortFactory(programme__library=library_a)
    questions = [single(library_a, f"Soal {i}") for i in range(4)]
    tests = {}
    for kind in ("pre", "post"):
        test = exams.test_create(actor=None, cohort=cohort, kind=kind, title=kind, questions=questions)
        tests[kind] = exams.test_set_open(actor=None, test=test, is_open=True)
    people = [EnrolmentFactory(cohort=cohort).user for _ in range(4)]
    for person, pre, post in zip(people, (1, 2, 4, 2), (3, 4, 4, None), strict=True):
        take(tests["pre"], person, correct=pre)
        if post is not None:
            take(tests["post"], person, correct=post)
    page = coordinator.client.get(reverse("assessment:cohort_tests", args=[cohort.pk]))
    assert page.status_code == 200
    assert _text(page, "pre-mean") == "37,5%"
    assert _text(page, "post-mean") == "87,5%"
    basis = _text(page, "gain-basis")
    assert "2 peserta yang mengikuti pre-test dan post-test" in basis
    assert "Tidak dihitung: 1 dengan nilai pre-test 100%, 1 yang tidak mengikuti kedua tes." in basis
    assert '<div class="stat-value">0,80</div>' in page.content.decode()


def test_without_pairs_the_page_says_so_instead_of_empty_numbers(coordinator: Any, setup: dict[str, Any]) -> None:
    page = coordinator.client.get(reverse("assessment:cohort_tests", args=[setup["cohort"].pk]))
    assert (_text(page, "pre-mean"), _text(page, "post-mean")) == ("–", "–")
    assert "Belum ada peserta yang mengikuti pre-test dan post-test" in _text(page, "gain-basis")
    assert "pre %" not in page.content.decode()


def test_opening_the_post_test_while_the_pre_test_is_open_asks_first(coordinator: Any, library_a: Any) -> None:
    cohort = CohortFactory(programme__library=library_a)
    question = question_save(actor=None, library=library_a, kind="true_false", text="DDC", true_answer=True)
    pre = exams.test_set_open(
        actor=None,
        test=exams.test_create(actor=None, cohort=cohort, kind="pre", title="Pre-test A", questions=[question]),
        is_open=True,
    )
    post = exams.test_create(actor=None, cohort=cohort, kind="post", title="Post-test A", questions=[question])
    url = reverse("assessment:cohort_tests", args=[cohort.pk])

    asked = coordinator.client.post(url, {"action": "toggle", "test": post.pk})
    assert asked.status_code == 302 and asked["Location"] == f"{url}?confirm={post.pk}"
    post.refresh_from_db()
    assert not post.is_open  # nothing opened yet
    warning = coordinator.client.get(asked["Location"]).content.decode()
    assert "Pre-test masih dibuka" in warning and "“Pre-test A” masih dibuka" in warning

    coordinator.client.post(url, {"action": "toggle", "test": post.pk, "confirm": "close_pre"})
    pre.refresh_from_db()
    post.refresh_from_db()
    assert (pre.is_open, post.is_open) == (False, True)

    # open both on purpose
    exams.test_set_open(actor=None, test=post, is_open=False)
    exams.test_set_open(actor=None, test=pre, is_open=True)
    coordinator.client.post(url, {"action": "toggle", "test": post.pk, "confirm": "both"})
    pre.refresh_from_db()
    post.refresh_from_db()
    assert (pre.is_open, post.is_open) == (True, True)
    # with the pre-test closed there is nothing to ask
    page = coordinator.client.get(f"{url}?confirm={post.pk}").content.decode()
    assert 'id="confirm-open"' not in page


def test_the_post_test_opens_at_once_when_the_pre_test_is_closed(coordinator: Any, setup: dict[str, Any]) -> None:
    test = setup["test"]
    exams.test_set_open(actor=None, test=test, is_open=False)
    url = reverse("assessment:cohort_tests", args=[setup["cohort"].pk])
    assert coordinator.client.post(url, {"action": "toggle", "test": test.pk})["Location"] == url
    test.refresh_from_db()
    assert test.is_open


def test_another_library_and_a_participant_cannot_open_a_test(
    coordinator_b: Any, participant: Any, anon: Any, setup: dict[str, Any]
) -> None:
    test = setup["test"]
    exams.test_set_open(actor=None, test=test, is_open=False)
    url = reverse("assessment:cohort_tests", args=[setup["cohort"].pk])
    assert coordinator_b.client.post(url, {"action": "toggle", "test": test.pk}).status_code == 404
    assert participant.client.post(url, {"action": "toggle", "test": test.pk}).status_code == 403
    assert anon.client.post(url, {"action": "toggle", "test": test.pk}).status_code == 302
    test.refresh_from_db()
    assert not test.is_open


def test_the_review_labels_the_participants_answer_and_the_correct_one(participant: Any, setup: dict[str, Any]) -> None:
    """Soal 0 answered right, Soal 1 wrong (B. salah chosen), Soal 2 not answered."""
    import re

    test, questions = setup["test"], setup["questions"]
    attempt = exams.attempt_start(user=participant.user, test=test)
    choices = [list(q.choices.all()) for q in questions]
    exams.answer_save(attempt=attempt, question=questions[0], chosen=[choices[0][0].pk])
    exams.answer_save(attempt=attempt, question=questions[1], chosen=[choices[1][1].pk])
    exams.attempt_submit(attempt=attempt)
    page = participant.client.get(reverse("assessment:test_result", args=[test.pk])).content.decode()
    items = re.findall(r'<li class="list-group-item review-item">(.*?)</li>', page, re.S)
    assert len(items) == 3

    def read(item: str) -> list[tuple[str, str]]:
        pairs = re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", item, re.S)
        return [(re.sub(r"<[^>]+>", "", dt).strip(), " ".join(re.sub(r"<[^>]+>", "", dd).split())) for dt, dd in pairs]

    assert read(items[0]) == [("Jawaban Anda", "A. benar ✓ benar"), ("Jawaban benar", "A. benar")]
    assert read(items[1]) == [("Jawaban Anda", "B. salah ✗ salah"), ("Jawaban benar", "A. benar")]
    assert read(items[2]) == [("Jawaban Anda", "tidak dijawab ✗ salah"), ("Jawaban benar", "A. benar")]
    assert 'aria-hidden="true">✗</span>' in items[1]  # the icon is decoration; the word carries the meaning


def test_the_timer_submits_with_unanswered_questions_without_asking(participant: Any, setup: dict[str, Any]) -> None:
    import time_machine
    from django.utils import timezone

    test = setup["test"]
    test.time_limit_minutes = 10
    test.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        participant.client.get(reverse("assessment:take_test", args=[test.pk]))
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        response = participant.client.post(reverse("assessment:submit_test", args=[test.pk]))
    assert response["Location"].endswith("/hasil/")
    assert Attempt.objects.get().submitted_at is not None


def test_with_every_question_answered_submitting_does_not_ask(participant: Any, setup: dict[str, Any]) -> None:
    test = setup["test"]
    attempt = exams.attempt_start(user=participant.user, test=test)
    for question in setup["questions"]:
        exams.answer_save(attempt=attempt, question=question, chosen=[question.choices.first().pk])
    page = participant.client.get(reverse("assessment:take_test", args=[test.pk])).content.decode()
    assert 'data-confirm="Kumpulkan jawaban?' in page  # the phone's own dialog asks instead
    response = participant.client.post(reverse("assessment:submit_test", args=[test.pk]))
    assert response["Location"].endswith("/hasil/")

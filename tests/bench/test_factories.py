"""bench/factories.py: the benchmarks' own builders work in the product as the suite's do.

The load benchmarks keep copies of two test helpers (bench imports no test module of the product).
These tests fail when a copy drifts from what the product expects: a session cookie the server does
not accept, or the form fields of a round that no longer make a full answer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bench.factories import enrol_participants, feedback_cohort, round_fields, session_cookies, signed_in_session
from lentera.accounts.models import Library, Membership, Role
from lentera.delivery.models import Enrolment
from lentera.evaluation.models import Invitation, Survey
from lentera.evaluation.tests.factories import round_fields as suite_round_fields

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)  # 08:00 in Pasuruan, a Monday


def _signed_in(cookie: str, settings: Any) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


def test_feedback_cohort_opens_the_rounds_and_a_full_answer_is_counted(settings: Any) -> None:
    with time_machine.travel(START, tick=False):
        world = feedback_cohort(people=3, sessions=2, tag="bench-uji", now=START)
        assert len(world.rounds) == 2 and len(world.participants) == 3
        for round_ in world.rounds:
            survey = Survey.objects.get(pk=round_["survey"])
            assert survey.cohort_id == world.cohort.pk and survey.opens_at <= START < survey.closes_at
            assert round_ == suite_round_fields(survey) == round_fields(survey)
            assert round_["ratings"] and round_["answers"] == len(round_["ratings"]) + 1
            invited = set(Invitation.objects.filter(survey=survey).values_list("user_id", flat=True))
            assert invited == {person.pk for person in world.participants}

        # the way the page benchmark answers: a signed-in cookie, every rating and the comment
        person = world.participants[0]
        client = _signed_in(signed_in_session(person, world.library), settings)
        round_ = world.rounds[0]
        url = reverse("evaluation:answer", args=[round_["survey"]])
        page = client.get(url)
        assert page.status_code == 200 and page.wsgi_request.user == person
        answer = {name: str(1 + n % 5) for n, name in enumerate(round_["ratings"])}
        answer[round_["comment"]] = "Praktiknya kurang lama"
        sent = client.post(url, answer)
        assert sent.status_code == 302 and sent["Location"].endswith(url)
        survey = Survey.objects.get(pk=round_["survey"])
        assert survey.responses_count == 1
        assert Invitation.objects.get(survey=survey, user=person).answered
        assert not Invitation.objects.filter(survey=survey, answered=True).exclude(user=person).exists()


def test_enrolled_participants_get_cookies_that_sign_them_in_with_their_library(settings: Any) -> None:
    world = feedback_cohort(people=1, sessions=1, tag="bench-masuk")
    users = enrol_participants(library=world.library, cohort=world.cohort, people=2, tag=7)
    assert [u.username for u in users] == ["bench7-0", "bench7-1"]
    assert Enrolment.objects.filter(cohort=world.cohort, user__in=users).count() == 2
    # a second library each: without the library the cookie chose, "/" would ask which one
    other = Library.objects.create(name="Perpustakaan Lain", slug="lain", city="X", province="Y")
    Membership.objects.bulk_create([Membership(user=u, library=other, role=Role.PARTICIPANT) for u in users])
    cookies = session_cookies(users, world.library)
    assert len(set(cookies)) == 2
    for user, cookie in zip(users, cookies, strict=True):
        response = _signed_in(cookie, settings).get(reverse("dashboard"))
        assert response.status_code == 200
        assert response.wsgi_request.user == user
        assert response.context["library"] == world.library
    # a made-up cookie signs nobody in
    stranger = _signed_in("x" * 32, settings).get(reverse("dashboard"))
    assert stranger.status_code == 302 and not stranger.wsgi_request.user.is_authenticated

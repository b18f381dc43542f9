"""Feedback rounds: opening, answering exactly once, anonymity, per-instructor results, comment review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation

from lentera.accounts.models import AuditEntry, User
from lentera.accounts.tests.factories import UserFactory
from lentera.delivery.models import Attendance
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory, ScheduledSessionFactory
from lentera.evaluation import services
from lentera.evaluation.answering import read_answers
from lentera.evaluation.models import Answer, Comments, Invitation, Response, Survey, Tally
from lentera.evaluation.selectors import instructor_scorecard, survey_items, survey_results
from lentera.evaluation.tallies import comment_digest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    """A cohort whose session ended an hour ago, taught by two instructors, with six participants."""
    cohort = CohortFactory()
    services.ready_forms_install(actor=None, library=cohort.library)
    rina, budi = UserFactory(full_name="Rina"), UserFactory(full_name="Budi")
    now = timezone.now()
    session = ScheduledSessionFactory(
        cohort=cohort, starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1), instructors=[rina, budi]
    )
    people = [EnrolmentFactory(cohort=cohort).user for _ in range(6)]
    (survey,) = [s for s in services.surveys_ensure(cohort=cohort, now=now) if s.session_id == session.pk]
    return {"cohort": cohort, "session": session, "survey": survey, "people": people, "rina": rina, "budi": budi}


def _answers(survey: Survey, rating: int, *, rina: int | None = None, budi: int | None = None, text: str = "") -> Any:
    general, per_instructor = survey_items(survey=survey)
    instructors = list(survey.session.instructors.order_by("full_name"))  # Budi, Rina
    data: dict[str, Any] = {f"i{item.pk}": str(rating) for item in general if item.kind == "likert"}
    texts = [item for item in general if item.kind == "long_text"]
    if text:
        data[f"i{texts[0].pk}"] = text
    for person, value in zip(instructors, [budi, rina], strict=True):
        for item in per_instructor:
            if item.kind == "likert" and value is not None:
                data[f"i{item.pk}-u{person.pk}"] = str(value)
    cleaned, problems = read_answers(data, items=general, instructor_items=per_instructor, instructors=instructors)
    assert problems == {}
    return cleaned


def test_a_session_round_opens_when_the_session_ends_and_invites_the_participants(world: dict[str, Any]) -> None:
    survey = world["survey"]
    assert survey.opens_at == world["session"].ends_at
    assert survey.closes_at == survey.opens_at + timedelta(hours=72)
    assert survey.invitations.count() == 6
    assert services.surveys_ensure(cohort=world["cohort"])  # again: nothing new
    assert Survey.objects.count() == 2 and Invitation.objects.filter(survey=survey).count() == 6  # + the cohort round


def test_only_those_who_attended_are_invited_once_attendance_is_marked(world: dict[str, Any]) -> None:
    cohort = world["cohort"]
    later = ScheduledSessionFactory(
        cohort=cohort, starts_at=timezone.now() - timedelta(minutes=100), ends_at=timezone.now() - timedelta(minutes=10)
    )
    Attendance.objects.create(library=cohort.library, session=later, user=world["people"][0], status="present")
    services.surveys_ensure(cohort=cohort)
    assert list(Invitation.objects.filter(survey__session=later).values_list("user_id", flat=True)) == [
        world["people"][0].pk
    ]


def _count(survey: Survey, value: str) -> int:
    return sum(Tally.objects.filter(survey=survey, value=value).values_list("count", flat=True))


def test_an_answer_is_recorded_once_and_carries_no_one(world: dict[str, Any]) -> None:
    survey, person = world["survey"], world["people"][0]
    services.response_submit(survey=survey, answers=_answers(survey, 4, rina=5, budi=3), user=person)
    with pytest.raises(services.AlreadyAnswered):  # a double tap, a retry after a timeout
        services.response_submit(survey=survey, answers=_answers(survey, 1), user=person)
    survey.refresh_from_db()
    assert survey.participant_responses == 1 and Invitation.objects.get(survey=survey, user=person).answered
    assert _count(survey, "1") == 0 and _count(survey, "5") == 4  # Rina's four items, once
    assert not Response.objects.exists() and not Answer.objects.exists()  # an anonymous round keeps no rows


def test_an_invitation_read_before_the_answer_still_counts_once(world: dict[str, Any]) -> None:
    """The page passes the invitation it read; two submissions holding that same stale read (two
    tabs, a retry) record one response: the claim is decided in the database, not on the object."""
    survey, person = world["survey"], world["people"][0]
    first, second = (Invitation.objects.get(survey=survey, user=person) for _ in range(2))
    services.response_submit(survey=survey, answers=_answers(survey, 4), user=person, invitation=first)
    assert first.answered and not second.answered
    with pytest.raises(services.AlreadyAnswered):
        services.response_submit(survey=survey, answers=_answers(survey, 1), user=person, invitation=second)
    survey.refresh_from_db()
    assert survey.participant_responses == 1 and _count(survey, "1") == 0


def test_an_invitation_of_someone_else_is_not_taken_for_the_answerer(world: dict[str, Any]) -> None:
    survey, person, other = world["survey"], world["people"][0], world["people"][1]
    theirs = Invitation.objects.get(survey=survey, user=other)
    services.response_submit(survey=survey, answers=_answers(survey, 4), user=person, invitation=theirs)
    assert Invitation.objects.get(survey=survey, user=person).answered
    assert not Invitation.objects.get(survey=survey, user=other).answered


def test_no_row_anywhere_links_a_response_to_a_person(world: dict[str, Any]) -> None:
    """Every foreign key from the aggregates to a user is empty, except the instructors rated;
    the aggregates keep no time; an anonymous round makes no per-person rows."""
    survey = world["survey"]
    for person in world["people"][:3]:
        services.response_submit(survey=survey, answers=_answers(survey, 4, rina=5), user=person)
    respondents = {p.pk for p in world["people"]}
    for model in (Tally, Comments):
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                linked = set(model.objects.exclude(**{field.name: None}).values_list(field.attname, flat=True))
                assert not (linked & respondents), f"{model.__name__}.{field.name} points at a respondent"
        assert not any(isinstance(f, models.DateField) for f in model._meta.get_fields())
    # and nothing records when someone answered
    assert not any(isinstance(f, models.DateTimeField) for f in Invitation._meta.get_fields())
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_someone_not_invited_cannot_answer(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="not invited"):
        services.response_submit(survey=world["survey"], answers=[], user=UserFactory())


def test_a_closed_round_takes_no_answers(world: dict[str, Any]) -> None:
    survey = world["survey"]
    with pytest.raises(ValidationError, match="not open"):
        services.response_submit(
            survey=survey, answers=[], user=world["people"][0], now=survey.closes_at + timedelta(minutes=1)
        )


def test_a_required_item_and_a_bad_rating_are_named() -> None:
    class Item:
        def __init__(self, pk: int, kind: str, required: bool = False) -> None:
            self.pk, self.kind, self.is_required, self.allows_not_applicable = pk, kind, required, True
            self.options: list[str] = []

    cleaned, problems = read_answers(
        {"i1": "7", "i2": ""},
        items=[Item(1, "likert"), Item(2, "long_text", required=True)],
        instructor_items=[],
        instructors=[],
    )
    assert cleaned == [] and problems == {"i1": "Choose one of the five answers.", "i2": "Please answer this."}


def test_each_instructor_gets_their_own_result(world: dict[str, Any]) -> None:
    survey = world["survey"]
    for person in world["people"][:5]:
        services.response_submit(survey=survey, answers=_answers(survey, 4, rina=5, budi=2), user=person)
    results = survey_results(survey=survey, floor=5)
    by_person = {b.instructor.full_name: b for b in results.blocks if b.instructor is not None}
    assert by_person["Rina"].dimensions["instructor"].mean == pytest.approx(5.0)
    assert by_person["Budi"].dimensions["instructor"].mean == pytest.approx(2.0)
    mine = survey_results(survey=survey, floor=5, instructor=world["rina"], coordinator=False)
    assert [b.instructor.full_name for b in mine.blocks if b.instructor] == ["Rina"]


def test_below_the_floor_an_instructor_sees_no_figures_and_no_comments(world: dict[str, Any]) -> None:
    survey = world["survey"]
    for person in world["people"][:4]:  # 4 < floor 5
        services.response_submit(survey=survey, answers=_answers(survey, 4, rina=5, text="Terlalu cepat"), user=person)
    mine = survey_results(survey=survey, floor=5, instructor=world["rina"], coordinator=False)
    assert all(r.hidden and r.stats is None and not r.texts for b in mine.blocks for r in b.items)
    coordinator = survey_results(survey=survey, floor=5)  # the floor holds for the coordinator too
    assert coordinator.below_floor and coordinator.responses == 4
    assert all(r.hidden and r.stats is None and not r.texts for b in coordinator.blocks for r in b.items)
    assert survey_results(survey=survey, floor=4).blocks[0].items[0].stats.n == 4


def test_comments_reach_instructors_only_after_review(world: dict[str, Any]) -> None:
    survey = world["survey"]
    for index, person in enumerate(world["people"][:5]):
        services.response_submit(
            survey=survey, answers=_answers(survey, 4, rina=5, text=f"Komentar {index}"), user=person
        )

    def texts() -> list[str]:
        results = survey_results(survey=survey, floor=5, instructor=world["rina"], coordinator=False)
        return [a.text for b in results.blocks for r in b.items for a in r.texts]

    assert texts() == []
    (listed,) = Comments.objects.exclude(entries=[])
    assert [text for text, _review in listed.entries] == [f"Komentar {i}" for i in range(5)]  # sorted by text
    services.comment_review(actor=None, comments=listed, digest=comment_digest("Komentar 0"), show=True)
    services.comment_review(actor=None, comments=listed, digest=comment_digest("Komentar 1"), show=False)  # abusive
    assert services.comment_review(actor=None, comments=listed, digest="0" * 16, show=True) is None
    assert texts() == ["Komentar 0"]
    assert AuditEntry.objects.filter(action="feedback.comment_hidden").count() == 1


def test_anonymity_is_fixed_once_someone_answered(world: dict[str, Any]) -> None:
    cohort, survey = world["cohort"], world["survey"]
    services.cohort_anonymity_set(actor=None, cohort=cohort, is_anonymous=False)
    services.cohort_anonymity_set(actor=None, cohort=cohort, is_anonymous=True)
    services.response_submit(survey=survey, answers=_answers(survey, 3), user=world["people"][0])
    with pytest.raises(ValidationError, match="stays"):
        services.cohort_anonymity_set(actor=None, cohort=cohort, is_anonymous=False)


def test_a_named_round_keeps_the_name(world: dict[str, Any]) -> None:
    services.cohort_anonymity_set(actor=None, cohort=world["cohort"], is_anonymous=False)
    survey = Survey.objects.get(pk=world["survey"].pk)
    services.response_submit(survey=survey, answers=_answers(survey, 3), user=world["people"][0])
    response = Response.objects.get(survey=survey)
    assert response.respondent == world["people"][0] and response.answers.filter(rating=3).exists()
    assert _count(survey, "3") == response.answers.filter(rating=3).count()  # counted like any other round


def test_the_scorecard_follows_one_instructor_over_sessions(world: dict[str, Any]) -> None:
    survey = world["survey"]
    for person in world["people"][:5]:
        services.response_submit(survey=survey, answers=_answers(survey, 4, rina=4, budi=2), user=person)
    (point,) = instructor_scorecard(library=world["cohort"].library, instructor=world["rina"], floor=5)
    assert point.dimension.mean == pytest.approx(4.0) and point.dimension.n == 20  # 5 people × 4 items
    assert instructor_scorecard(library=world["cohort"].library, instructor=world["rina"], floor=6) == []


def test_the_same_words_twice_are_listed_once_and_reviewed_together(world: dict[str, Any]) -> None:
    survey = world["survey"]
    for index, person in enumerate(world["people"][:5]):
        text = "Terlalu cepat" if index < 2 else f"Saran {index}"
        services.response_submit(survey=survey, answers=_answers(survey, 4, rina=5, text=text), user=person)
    (listed,) = Comments.objects.exclude(entries=[])
    shown = services.comment_review(actor=None, comments=listed, digest=comment_digest("Terlalu cepat"), show=True)
    assert shown == ("Terlalu cepat", "shown", 2)
    listed.refresh_from_db()
    assert listed.entries.count(["Terlalu cepat", "shown"]) == 2
    results = survey_results(survey=survey, floor=5, instructor=world["rina"], coordinator=False)
    (result,) = [r for b in results.blocks for r in b.items if r.texts]
    assert [(c.text, c.times) for c in result.texts] == [("Terlalu cepat", 2)] and result.written == 5
    assert result.listed == 2  # two people's words, listed once


def test_an_instructor_assigned_after_the_round_opened_is_counted_from_the_next_answer(
    world: dict[str, Any],
) -> None:
    """Their counters are made at that submission (whatever was chosen) and its ratings land on them;
    a value the round has no counter for (a rating of 7) adds to nothing."""
    from lentera.delivery.models import SessionInstructor
    from lentera.evaluation.answering import Cleaned

    survey, session = world["survey"], world["session"]
    late = UserFactory(full_name="Ani")
    SessionInstructor.objects.create(library=session.library, session=session, user=late)
    general, per_instructor = survey_items(survey=survey)
    rating_items = [item for item in per_instructor if item.kind == "likert"]
    before = Tally.objects.filter(survey=survey).count()
    answers = [Cleaned(item, rating=4) for item in general if item.kind == "likert"]
    answers += [Cleaned(item, instructor=late, rating=5) for item in rating_items]
    answers.append(Cleaned(general[0], rating=7))
    services.response_submit(survey=survey, answers=answers, user=world["people"][0])
    theirs = Tally.objects.filter(survey=survey, instructor=late)
    assert Tally.objects.filter(survey=survey).count() == before + theirs.count() > before
    assert sorted(theirs.filter(count=1).values_list("item_id", "value")) == sorted(
        (item.pk, "5") for item in rating_items
    )
    assert theirs.aggregate(n=models.Sum("count"))["n"] == len(rating_items)
    assert not Tally.objects.filter(survey=survey, value="7").exists()
    general_counts = Tally.objects.filter(survey=survey, instructor=None, item=general[0])
    assert dict(general_counts.filter(count__gt=0).values_list("value", "count")) == {"4": 1}

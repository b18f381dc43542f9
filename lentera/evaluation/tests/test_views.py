"""The feedback pages for each role: answering on a phone, results, comment review, scorecards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lentera.accounts.models import Library, Role
from lentera.accounts.tests.factories import MembershipFactory, UserFactory
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory, ScheduledSessionFactory
from lentera.evaluation import services
from lentera.evaluation.models import Comments, FeedbackForm, Response, Tally
from lentera.evaluation.selectors import survey_items
from lentera.evaluation.tallies import comment_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(participant: Any, instructor: Any) -> Any:
    cohort = CohortFactory(programme__library=participant.library)
    services.ready_forms_install(actor=None, library=cohort.library)
    EnrolmentFactory(cohort=cohort, user=participant.user)
    now = timezone.now()
    session = ScheduledSessionFactory(
        cohort=cohort,
        starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(minutes=5),
        instructors=[instructor.user],
    )
    (survey,) = [s for s in services.surveys_ensure(cohort=cohort) if s.session_id == session.pk]
    return survey


def _form(survey: Any, rating: str = "4") -> dict[str, str]:
    general, per_instructor = survey_items(survey=survey)
    data = {f"i{i.pk}": rating for i in general if i.kind == "likert"}
    for person in survey.session.instructors.all():
        data |= {f"i{i.pk}-u{person.pk}": "5" for i in per_instructor if i.kind == "likert"}
    data[f"i{[i for i in general if i.kind == 'long_text'][0].pk}"] = "Praktiknya kurang lama"
    return data


def test_the_participant_sees_the_form_on_the_dashboard_and_answers_once(participant: Any, round_: Any) -> None:
    dashboard = participant.client.get(reverse("dashboard")).content.decode()
    url = reverse("evaluation:answer", args=[round_.pk])
    assert url in dashboard
    page = participant.client.get(url).content.decode()
    assert 'data-draft-key="feedback-' in page and "Instructor A" in page  # the instructor block
    for _tap in range(2):  # a double tap
        assert participant.client.post(url, _form(round_)).status_code == 302
    round_.refresh_from_db()
    assert round_.participant_responses == 1 and not Response.objects.exists()
    rated = [i for i in survey_items(survey=round_)[0] if i.kind == "likert"]
    assert Tally.objects.filter(survey=round_, value="4").aggregate(n=Sum("count"))["n"] == len(rated)  # once each
    assert "data-clear-draft" in participant.client.get(url).content.decode()  # the thank-you page
    assert url not in participant.client.get(reverse("dashboard")).content.decode()


def test_a_bad_answer_comes_back_with_what_was_typed(participant: Any, round_: Any) -> None:
    data = _form(round_)
    key = next(k for k in data if data[k] == "4")
    data[key] = "9"
    response = participant.client.post(reverse("evaluation:answer", args=[round_.pk]), data)
    round_.refresh_from_db()
    assert response.status_code == 400 and round_.participant_responses == 0
    assert "Praktiknya kurang lama" in response.content.decode()


def test_someone_not_invited_gets_404(round_: Any, library_a: Any) -> None:
    outsider = UserFactory()
    MembershipFactory(user=outsider, library=library_a, role=Role.PARTICIPANT)
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("evaluation:answer", args=[round_.pk])).status_code == 404


def test_results_for_the_coordinator_and_the_sessions_instructor(
    coordinator: Any, instructor: Any, participant: Any, round_: Any
) -> None:
    participant.client.post(reverse("evaluation:answer", args=[round_.pk]), _form(round_))
    url = reverse("evaluation:survey_results", args=[round_.pk])
    for viewer in (coordinator, instructor):  # 1 response < floor 5: nobody sees anything
        page = viewer.client.get(url).content.decode()
        assert "Praktiknya kurang lama" not in page and "likert-bar" not in page
    Library.objects.filter(pk=round_.library_id).update(anonymity_floor=1)
    mine = coordinator.client.get(url).content.decode()
    assert "Praktiknya kurang lama" in mine and "likert-bar" in mine
    theirs = instructor.client.get(url).content.decode()
    assert "Praktiknya kurang lama" not in theirs and "likert-bar" in theirs  # the comment is not reviewed yet


def test_an_instructor_of_another_session_cannot_read_the_results(round_: Any, library_a: Any) -> None:
    other = UserFactory()
    MembershipFactory(user=other, library=library_a, role=Role.INSTRUCTOR)
    client = Client()
    client.force_login(other)
    assert client.get(reverse("evaluation:survey_results", args=[round_.pk])).status_code == 403


def test_the_coordinator_hides_a_comment_with_htmx(coordinator: Any, participant: Any, round_: Any) -> None:
    participant.client.post(reverse("evaluation:answer", args=[round_.pk]), _form(round_))
    comments = Comments.objects.exclude(entries=[]).get()
    url = reverse("evaluation:comment_review", args=[comments.pk, comment_digest("Praktiknya kurang lama")])
    fragment = coordinator.client.post(url, {"show": "0"}, headers={"HX-Request": "true"})
    comments.refresh_from_db()
    assert comments.entries == [["Praktiknya kurang lama", "hidden"]]
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert "Praktiknya kurang lama" in fragment.content.decode()
    wrong = reverse("evaluation:comment_review", args=[comments.pk, "0" * 16])
    assert coordinator.client.post(wrong, {"show": "1"}).status_code == 404


def test_only_the_librarys_coordinator_reviews_a_comment(
    coordinator_b: Any, instructor: Any, participant: Any, round_: Any
) -> None:
    participant.client.post(reverse("evaluation:answer", args=[round_.pk]), _form(round_))
    comments = Comments.objects.exclude(entries=[]).get()
    url = reverse("evaluation:comment_review", args=[comments.pk, comment_digest("Praktiknya kurang lama")])
    assert coordinator_b.client.post(url, {"show": "1"}).status_code == 404
    assert instructor.client.post(url, {"show": "1"}).status_code == 403
    assert Client().post(url, {"show": "1"}).status_code == 302  # to sign in
    comments.refresh_from_db()
    assert comments.entries == [["Praktiknya kurang lama", "pending"]]


def test_another_librarys_coordinator_gets_404(coordinator_b: Any, round_: Any) -> None:
    assert coordinator_b.client.get(reverse("evaluation:survey_results", args=[round_.pk])).status_code == 404
    assert coordinator_b.client.get(reverse("evaluation:cohort_feedback", args=[round_.cohort_id])).status_code == 404


def test_an_instructor_sees_their_own_scorecard_and_not_anothers(instructor: Any, library_a: Any) -> None:
    other = UserFactory()
    MembershipFactory(user=other, library=library_a, role=Role.INSTRUCTOR)
    assert instructor.client.get(reverse("evaluation:scorecard", args=[instructor.user.pk])).status_code == 200
    assert instructor.client.get(reverse("evaluation:scorecard", args=[other.pk])).status_code == 403
    assert instructor.client.get(reverse("evaluation:my_scorecard")).status_code == 302


def test_the_results_page_has_a_fixed_number_of_queries(coordinator: Any, round_: Any) -> None:
    url = reverse("evaluation:survey_results", args=[round_.pk])
    coordinator.client.get(url)
    people = [EnrolmentFactory(cohort=round_.cohort).user for _ in range(6)]
    services.surveys_ensure(cohort=round_.cohort)
    with CaptureQueriesContext(connection) as few:
        coordinator.client.get(url)
    for person in people:
        client = Client()
        client.force_login(person)
        MembershipFactory(user=person, library=round_.library, role=Role.PARTICIPANT)
        client.post(reverse("evaluation:answer", args=[round_.pk]), _form(round_))
    with CaptureQueriesContext(connection) as many:
        response = coordinator.client.get(url)
    round_.refresh_from_db()
    assert response.status_code == 200 and round_.participant_responses == 6
    assert len(many) == len(few) == 9


def test_ready_forms_install_once(coordinator: Any) -> None:
    url = reverse("evaluation:form_list")
    coordinator.client.post(url)
    coordinator.client.post(url)
    assert coordinator.client.get(url).status_code == 200
    assert FeedbackForm.objects.filter(library=coordinator.library, title="Umpan balik akhir sesi").count() == 1


def test_the_projector_shows_a_qr_to_the_form_after_the_session(
    instructor: Any, round_: Any, coordinator_b: Any
) -> None:
    url = reverse("evaluation:session_projector", args=[round_.session_id])
    page = instructor.client.get(url).content.decode()
    assert "<svg" in page and 'id="feedback-count"' in page
    assert instructor.client.get(url).context["responses"] == 0
    fragment = instructor.client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="feedback-count"' in fragment and "<svg" not in fragment
    assert coordinator_b.client.get(url).status_code == 404


def test_the_coordinator_sets_the_feedback_rules(coordinator: Any, instructor: Any, coordinator_b: Any) -> None:
    from lentera.accounts.models import AuditEntry
    from lentera.evaluation.models import FeedbackSettings

    url = reverse("evaluation:feedback_settings")
    data = {
        "session_window_hours": "48",
        "cohort_window_days": "10",
        "follow_up_days": "90",
        "reminder_hours": "12",
        "weak_top2_percent": "65",
    }
    assert coordinator.client.post(url, data).status_code == 302
    assert FeedbackSettings.objects.get(library=coordinator.library).session_window_hours == 48
    assert AuditEntry.objects.filter(action="feedback.settings").exists()
    assert coordinator.client.post(url, {**data, "reminder_hours": "-1"}).status_code == 400
    assert instructor.client.get(url).status_code == 403
    assert FeedbackSettings.objects.filter(library=coordinator_b.library).count() == 0


def test_the_answer_pages_have_a_fixed_number_of_queries(participant: Any, round_: Any) -> None:
    """The form, sending it (one write transaction, no session write for the thank-you message)
    and the thank-you page. Sending: session, user, membership, invitation, items, instructors;
    then the claim, the round's count, its counters' keys, every counter updated, its comment lists
    read and rewritten, and the transaction's savepoint pair."""
    url, data = reverse("evaluation:answer", args=[round_.pk]), _form(round_)
    participant.client.get(url)
    with CaptureQueriesContext(connection) as form:
        assert participant.client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as sent:
        assert participant.client.post(url, data).status_code == 302
    with CaptureQueriesContext(connection) as thanks:
        assert "data-clear-draft" in participant.client.get(url).content.decode()
    writes = [q["sql"] for q in sent if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert not any("django_session" in sql for sql in writes), writes
    assert (len(form), len(sent), len(thanks)) == (7, 14, 4), [q["sql"][:100] for q in sent]


def test_a_form_sent_back_keeps_every_kind_of_choice(participant: Any, round_: Any) -> None:
    """Ratings, "not applicable", one choice and several choices come back as they were ticked."""
    general, _per = survey_items(survey=round_)
    rating, other = [i for i in general if i.kind == "likert"][:2]
    several = general[0].form.items.create(
        order=99, text="Yang paling berguna", kind="multiple", options=["Praktik", "Diskusi & tanya", "Materi"]
    )
    data = {f"i{rating.pk}": "9", f"i{other.pk}": "na", f"i{several.pk}": ["Praktik", "Diskusi & tanya"]}
    page = participant.client.post(reverse("evaluation:answer", args=[round_.pk]), data).content.decode()
    name = f"i{several.pk}"
    assert f'type="checkbox" name="{name}" id="{name}-1" value="Praktik" checked>' in page
    assert f'id="{name}-2" value="Diskusi &amp; tanya" checked><label class="form-check-label" for="{name}-2">' in page
    assert f'id="{name}-3" value="Materi"><label' in page
    assert f'id="i{other.pk}-na" value="na" checked>' in page
    assert f'id="i{rating.pk}-4" value="4">' in page and 'value="9"' not in page
    assert f'<label class="btn btn-outline-primary likert-option" for="i{rating.pk}-5">' in page


def test_likert_labels_follow_the_language_of_the_request() -> None:
    """The five-point labels are built at import: they must still be shown in each person's language."""
    from django.utils import translation

    from lentera.evaluation.views import LIKERT

    with translation.override("en"):
        assert [str(label) for _value, label in LIKERT][-1] == "Strongly agree"
    with translation.override("id"):
        assert [str(label) for _value, label in LIKERT][-1] == "Sangat setuju"

"""The follow-up round (Kirkpatrick level 3): opening it when due, supervisors answering through a
one-time link without an account, reminders only to those who have not answered, the periodic
sync, and the coordinator's and the supervisor's pages."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from lentera.accounts.models import AuditEntry
from lentera.accounts.tests.factories import UserFactory
from lentera.delivery.models import Enrolment
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory, ScheduledSessionFactory
from lentera.evaluation import followup, services
from lentera.evaluation.answering import Cleaned
from lentera.evaluation.models import FeedbackForm, Invitation, Response, Survey, Tally
from lentera.evaluation.selectors import survey_items

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def _cohort(library: Any = None, *, ended_days_ago: int = 80, people: int = 3) -> Any:
    """A cohort whose last day was ``ended_days_ago`` days ago, with the ready-made forms."""
    last = timezone.localdate() - timedelta(days=ended_days_ago)
    kwargs = {"programme__library": library} if library is not None else {}
    cohort = CohortFactory(starts_on=last - timedelta(days=4), ends_on=last, **kwargs)
    services.ready_forms_install(actor=None, library=cohort.library)
    for n in range(people):
        EnrolmentFactory(cohort=cohort, user=UserFactory(full_name=f"Peserta {n}"))
    return cohort


def _opened(cohort: Any) -> Survey:
    return followup.follow_up_open(actor=None, cohort=cohort)


def _participants(survey: Survey) -> list[Any]:
    return [i.user for i in survey.invitations.filter(role="participant").select_related("user").order_by("user_id")]


def _ratings(survey: Survey, kind: str, rating: int = 4) -> list[Cleaned]:
    general, _per = survey_items(survey=survey)
    return [Cleaned(i, rating=rating) for i in general if i.form.kind == kind and i.is_rating]


# Opening ----------------------------------------------------------------------------------------


def test_the_follow_up_opens_when_due_with_both_forms_for_every_enrolled_participant() -> None:
    cohort = _cohort(ended_days_ago=75)
    gone = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WITHDRAWN)
    survey = _opened(cohort)
    assert survey.kind == Survey.Kind.FOLLOW_UP and survey.session is None
    assert sorted(survey.forms.values_list("kind", flat=True)) == ["follow_up", "supervisor"]
    assert survey.closes_at - survey.opens_at == timedelta(days=followup.FOLLOW_UP_WINDOW_DAYS)
    invited = set(survey.invitations.values_list("user_id", flat=True))
    assert len(invited) == 3 and gone.user_id not in invited
    assert AuditEntry.objects.filter(action="feedback.follow_up_open").count() == 1
    assert _opened(cohort) == survey  # once
    assert Survey.objects.filter(kind="follow_up").count() == 1


def test_the_follow_up_is_not_opened_before_it_is_due_unless_by_hand() -> None:
    cohort = _cohort(ended_days_ago=10)
    with pytest.raises(ValidationError, match="due on"):
        _opened(cohort)
    assert not Survey.objects.filter(kind="follow_up").exists()
    survey = followup.follow_up_open(actor=None, cohort=cohort, early=True)
    assert survey.invitations.count() == 3


def test_the_follow_up_of_a_cohort_not_finished_cannot_open() -> None:
    cohort = _cohort(ended_days_ago=-3)
    with pytest.raises(ValidationError, match="not finished"):
        followup.follow_up_open(actor=None, cohort=cohort, early=True)


def test_without_a_follow_up_form_nothing_opens() -> None:
    cohort = _cohort()
    FeedbackForm.objects.filter(kind="follow_up").update(is_active=False)
    with pytest.raises(ValidationError, match="no follow-up form"):
        _opened(cohort)


@pytest.mark.usefixtures("worker")
def test_participants_are_told_by_email_when_the_round_opens(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cohort = _cohort()
    with django_capture_on_commit_callbacks(execute=True):
        survey = _opened(cohort)
    assert len(mail.outbox) == 3
    assert reverse("evaluation:answer", args=[survey.pk]) in mail.outbox[0].body


# Supervisors ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("worker")
def test_a_supervisor_is_emailed_a_one_time_link_kept_only_as_a_hash(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    survey = _opened(_cohort())
    person = _participants(survey)[0]
    with django_capture_on_commit_callbacks(execute=True):
        token = followup.supervisor_invite(
            actor=None, survey=survey, participant=person, email=" kasi@contoh.id ", base_url="https://lentera.test"
        )
    assert len(token) >= 32
    invitation = Invitation.objects.get(role="supervisor")
    assert (invitation.about, invitation.email, invitation.user) == (person, "kasi@contoh.id", None)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get(pk=invitation.pk))
    (email,) = mail.outbox
    assert email.to == ["kasi@contoh.id"] and person.full_name in email.subject
    assert "https://lentera.test" + reverse("evaluation:supervisor_answer", args=[token]) in email.body
    assert AuditEntry.objects.filter(action="feedback.supervisor_invite").count() == 1


def test_asking_again_replaces_the_unused_link() -> None:
    survey = _opened(_cohort())
    person = _participants(survey)[0]
    first = followup.supervisor_invite(actor=None, survey=survey, participant=person, email="salah@contoh.id")
    second = followup.supervisor_invite(actor=None, survey=survey, participant=person, email="kasi@contoh.id")
    assert followup.supervisor_invitation_for_token(first) is None
    invitation = followup.supervisor_invitation_for_token(second)
    assert invitation is not None and invitation.email == "kasi@contoh.id"
    assert Invitation.objects.filter(role="supervisor").count() == 1


def test_a_bad_email_is_refused() -> None:
    survey = _opened(_cohort())
    with pytest.raises(ValidationError) as error:
        followup.supervisor_invite(actor=None, survey=survey, participant=_participants(survey)[0], email="bukan email")
    assert "email" in error.value.message_dict
    assert not Invitation.objects.filter(role="supervisor").exists()


def test_only_a_participant_of_the_round_can_have_a_supervisor_asked() -> None:
    survey = _opened(_cohort())
    with pytest.raises(ValidationError, match="not a participant"):
        followup.supervisor_invite(actor=None, survey=survey, participant=UserFactory(), email="kasi@contoh.id")


def test_only_a_follow_up_round_asks_supervisors() -> None:
    cohort = _cohort()
    ScheduledSessionFactory(cohort=cohort, starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now())
    session_round = services.surveys_ensure(cohort=cohort)[0]
    with pytest.raises(ValidationError, match="only in a follow-up"):
        followup.supervisor_invite(
            actor=None, survey=session_round, participant=cohort.enrolments.first().user, email="kasi@contoh.id"
        )


def test_the_token_works_once_and_the_answer_carries_no_one() -> None:
    survey = _opened(_cohort())
    person = _participants(survey)[0]
    token = followup.supervisor_invite(actor=None, survey=survey, participant=person, email="kasi@contoh.id")
    services.response_submit(survey=survey, answers=_ratings(survey, "supervisor"), token=token)
    with pytest.raises(services.AlreadyAnswered):
        services.response_submit(survey=survey, answers=_ratings(survey, "supervisor"), token=token)
    survey.refresh_from_db()
    assert (survey.supervisor_responses, survey.participant_responses) == (1, 0) and not Response.objects.exists()
    counted = Tally.objects.filter(survey=survey, count__gt=0).values_list("role", flat=True).distinct()
    assert list(counted) == ["supervisor"]
    with pytest.raises(ValidationError, match="already answered"):
        followup.supervisor_invite(actor=None, survey=survey, participant=person, email="lain@contoh.id")


def test_a_closed_round_takes_no_supervisor() -> None:
    survey = _opened(_cohort())
    person = _participants(survey)[0]
    token = followup.supervisor_invite(actor=None, survey=survey, participant=person, email="kasi@contoh.id")
    later = survey.closes_at + timedelta(minutes=1)
    with pytest.raises(ValidationError, match="closed"):
        followup.supervisor_invite(actor=None, survey=survey, participant=person, email="kasi@contoh.id", now=later)
    with pytest.raises(ValidationError, match="not open"):
        services.response_submit(survey=survey, answers=_ratings(survey, "supervisor"), token=token, now=later)


# Reminders --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("worker")
def test_reminders_go_once_and_only_to_those_who_have_not_answered(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    survey = _opened(_cohort())
    done, waiting, _third = _participants(survey)
    services.response_submit(survey=survey, answers=_ratings(survey, "follow_up"), user=done)
    answered_token = followup.supervisor_invite(actor=None, survey=survey, participant=done, email="a@contoh.id")
    services.response_submit(survey=survey, answers=_ratings(survey, "supervisor"), token=answered_token)
    old_token = followup.supervisor_invite(actor=None, survey=survey, participant=waiting, email="b@contoh.id")
    mail.outbox.clear()

    assert followup.reminders_send(now=survey.closes_at - timedelta(hours=30)) == 0  # not yet (24 hours)
    with django_capture_on_commit_callbacks(execute=True):
        sent = followup.reminders_send(now=survey.closes_at - timedelta(hours=12))
    assert sent == 3  # two participants and one supervisor
    addresses = sorted(address for email in mail.outbox for address in email.to)
    assert done.email not in addresses and "a@contoh.id" not in addresses
    assert "b@contoh.id" in addresses and waiting.email in addresses
    # the supervisor's reminder carries a new link; the old one no longer works
    supervisor_mail = next(e for e in mail.outbox if e.to == ["b@contoh.id"])
    assert followup.supervisor_invitation_for_token(old_token) is None
    new_path = supervisor_mail.body.split("http://127.0.0.1:8000")[1].split()[0]
    assert followup.supervisor_invitation_for_token(new_path.rstrip("/").split("/")[-1]) is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert followup.reminders_send(now=survey.closes_at - timedelta(hours=6)) == 0  # once
    assert len(mail.outbox) == 3


@pytest.mark.usefixtures("worker")
def test_a_reminder_queued_before_an_answer_is_not_sent(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    """The worker may run a reminder late: by then the person may have answered."""
    from lentera.evaluation.tasks import send_feedback_reminder

    survey = _opened(_cohort(people=1))
    (person,) = _participants(survey)
    invitation = survey.invitations.get()
    services.response_submit(survey=survey, answers=_ratings(survey, "follow_up"), user=person)
    send_feedback_reminder.enqueue(invitation.pk)
    assert mail.outbox == []


# The periodic job -------------------------------------------------------------------------------


def test_the_sync_opens_session_rounds_and_due_follow_ups_and_is_idempotent() -> None:
    running = _cohort(ended_days_ago=-5)
    now = timezone.now()
    ScheduledSessionFactory(cohort=running, starts_at=now - timedelta(hours=2), ends_at=now - timedelta(minutes=10))
    due = _cohort(library=running.library, ended_days_ago=76)
    too_old = _cohort(library=running.library, ended_days_ago=300)  # opened by hand only
    assert followup.feedback_sync(now=now) == {"rounds": 2, "follow_ups": 1, "reminders": 0}  # session and cohort
    assert Survey.objects.filter(cohort=running, kind="session").count() == 1
    assert followup.follow_up_of(due) is not None and followup.follow_up_of(too_old) is None
    assert followup.feedback_sync(now=now) == {"rounds": 0, "follow_ups": 0, "reminders": 0}


def test_the_management_command_reports_what_it_did() -> None:
    _cohort(ended_days_ago=75)
    out = StringIO()
    call_command("feedback_sync", stdout=out)
    assert "1 follow-ups opened" in out.getvalue()


# The coordinator's page -------------------------------------------------------------------------


def _english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def cohort_a(coordinator: Any) -> Any:
    _english(coordinator.client)
    return _cohort(coordinator.library)


@pytest.mark.usefixtures("worker")
def test_the_coordinator_opens_the_follow_up_and_asks_a_supervisor(
    coordinator: Any, cohort_a: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("evaluation:follow_up", args=[cohort_a.pk])
    assert "Open the follow-up now" in coordinator.client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator.client.post(url).status_code == 302
    survey = followup.follow_up_of(cohort_a)
    person = _participants(survey)[0]
    page = coordinator.client.get(url).content.decode()
    assert person.full_name in page and "0 / 3" in page
    mail.outbox.clear()
    invite = reverse("evaluation:supervisor_invite", args=[cohort_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.client.post(
            invite, {"participant": person.pk, "email": "kasi@contoh.id"}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.strip().startswith("<tr") and "kasi@contoh.id" in row and "Send a new link" in row
    assert mail.outbox[0].to == ["kasi@contoh.id"]
    bad = coordinator.client.post(invite, {"participant": person.pk, "email": "x"}, headers={"HX-Request": "true"})
    assert bad.status_code == 400 and "valid email" in bad.content.decode()
    # without HTMX: back to the page
    again = coordinator.client.post(invite, {"participant": person.pk, "email": "kasi.baru@contoh.id"})
    assert again.status_code == 302 and again["Location"] == url
    assert Invitation.objects.get(role="supervisor").email == "kasi.baru@contoh.id"


def test_the_page_shows_counts_and_who_was_asked_never_answers(coordinator: Any, cohort_a: Any) -> None:
    survey = _opened(cohort_a)
    first, second, _third = _participants(survey)
    general, _per = survey_items(survey=survey)
    note = next(i for i in general if i.form.kind == "follow_up" and i.is_text)
    services.response_submit(
        survey=survey, answers=[*_ratings(survey, "follow_up"), Cleaned(note, text="Jaringan lambat")], user=first
    )
    token = followup.supervisor_invite(actor=None, survey=survey, participant=second, email="kasi@contoh.id")
    services.response_submit(survey=survey, answers=_ratings(survey, "supervisor"), token=token)
    page = coordinator.client.get(reverse("evaluation:follow_up", args=[cohort_a.pk])).content.decode()
    assert "1 / 3" in page and "1 / 1" in page and "answered" in page
    assert "Jaringan lambat" not in page


def test_the_coordinator_page_has_a_fixed_number_of_queries(coordinator: Any, cohort_a: Any) -> None:
    survey = _opened(cohort_a)
    url = reverse("evaluation:follow_up", args=[cohort_a.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.client.get(url).status_code == 200
        return len(queries)

    count()  # the first request of a session saves it
    small = count()
    for n in range(4):
        person = EnrolmentFactory(cohort=cohort_a).user
        Invitation.objects.create(survey=survey, user=person)
        followup.supervisor_invite(actor=None, survey=survey, participant=person, email=f"k{n}@contoh.id")
    assert count() == small


@pytest.mark.parametrize("name", ["instructor", "participant", "partner"])
def test_other_roles_get_403(name: str, cohort_a: Any, request: Any) -> None:
    persona = request.getfixturevalue(name)
    assert persona.client.get(reverse("evaluation:follow_up", args=[cohort_a.pk])).status_code == 403
    invite = reverse("evaluation:supervisor_invite", args=[cohort_a.pk])
    assert persona.client.post(invite, {"participant": 1, "email": "a@b.id"}).status_code == 403


def test_another_librarys_coordinator_gets_404_and_anonymous_logs_in(
    coordinator_b: Any, anon: Any, cohort_a: Any
) -> None:
    url = reverse("evaluation:follow_up", args=[cohort_a.pk])
    assert coordinator_b.client.get(url).status_code == 404
    assert coordinator_b.client.post(url).status_code == 404
    assert not Survey.objects.filter(kind="follow_up").exists()
    response = anon.client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# The supervisor's page --------------------------------------------------------------------------


@pytest.fixture
def link(cohort_a: Any) -> tuple[Survey, Any, str]:
    survey = _opened(cohort_a)
    person = _participants(survey)[0]
    token = followup.supervisor_invite(actor=None, survey=survey, participant=person, email="kasi@contoh.id")
    return survey, person, token


def _supervisor_data(survey: Survey) -> dict[str, str]:
    general, _per = survey_items(survey=survey)
    return {f"i{i.pk}": "4" for i in general if i.form.kind == "supervisor" and i.is_rating}


def test_the_supervisor_answers_without_an_account_once(link: tuple[Survey, Any, str]) -> None:
    survey, person, token = link
    client = _english(Client())
    url = reverse("evaluation:supervisor_answer", args=[token])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and person.full_name in text
    assert page["Referrer-Policy"] == "no-referrer" and "noindex" in page["X-Robots-Tag"]
    supervisor_items = [i.text for i in survey.forms.get(kind="supervisor").items.all()]
    participant_items = [i.text for i in survey.forms.get(kind="follow_up").items.all()]
    assert all(t in text for t in supervisor_items) and not any(t in text for t in participant_items)
    for _tap in range(2):  # a double tap
        response = client.post(url, _supervisor_data(survey))
        assert response.status_code == 302 and response["Location"] == url + "?terkirim=1"
    survey.refresh_from_db()
    assert survey.supervisor_responses == 1
    assert client.get(url + "?terkirim=1").status_code == 200
    reused = client.get(url)  # the link later on: the thank-you page, but the link is spent
    assert reused.status_code == 410 and "data-clear-draft" in reused.content.decode()
    assert person.full_name not in reused.content.decode()


def test_a_bad_answer_comes_back_marked(link: tuple[Survey, Any, str]) -> None:
    survey, _person, token = link
    data = _supervisor_data(survey)
    data[next(iter(data))] = "9"
    response = Client().post(reverse("evaluation:supervisor_answer", args=[token]), data)
    assert response.status_code == 400 and not Response.objects.exists()


@pytest.mark.parametrize("token", ["x" * 43, "pendek", "a" * 300])
def test_an_unknown_link_says_so_and_nothing_else(token: str, link: tuple[Survey, Any, str]) -> None:
    response = _english(Client()).get(reverse("evaluation:supervisor_answer", args=[token]))
    assert response.status_code == 404
    text = response.content.decode()
    assert "This link is not valid" in text and link[1].full_name not in text


def test_the_public_pages_are_in_indonesian(link: tuple[Survey, Any, str]) -> None:
    english = "This link is not valid"
    with translation.override("id"):
        indonesian = translation.gettext(english)
    page = Client().get(reverse("evaluation:supervisor_answer", args=["x" * 43])).content.decode()
    assert 'lang="id"' in page and (indonesian == english or indonesian in page)
    page = Client().get(reverse("evaluation:supervisor_answer", args=[link[2]])).content.decode()
    assert 'lang="id"' in page


def test_a_closed_round_says_it_is_closed(link: tuple[Survey, Any, str]) -> None:
    survey, person, token = link
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=survey.opens_at - timedelta(days=30), closes_at=timezone.now() - timedelta(minutes=1)
    )
    response = Client().post(reverse("evaluation:supervisor_answer", args=[token]), _supervisor_data(survey))
    assert response.status_code == 410 and person.full_name not in response.content.decode()
    assert not Response.objects.exists()


def test_a_signed_in_person_with_the_link_answers_as_the_supervisor(
    participant: Any, link: tuple[Survey, Any, str]
) -> None:
    survey, _person, token = link
    url = reverse("evaluation:supervisor_answer", args=[token])
    assert participant.client.post(url, _supervisor_data(survey)).status_code == 302
    survey.refresh_from_db()
    assert (survey.supervisor_responses, survey.participant_responses) == (1, 0)
    assert not Response.objects.exists()  # the round is anonymous: no row names the signed-in person


def test_the_follow_up_is_due_the_configured_days_after_the_last_day() -> None:
    cohort = _cohort()
    settings_row = services.settings_for(cohort.library)
    settings_row.follow_up_days = 60
    settings_row.save()
    assert followup.follow_up_due_on(cohort) == cohort.ends_on + timedelta(days=60)
    assert isinstance(followup.follow_up_due_on(cohort), date)


def test_participants_get_only_their_own_follow_up_items(db: Any) -> None:
    """The supervisor's statements ("Staf ini …") never appear on a participant's page."""
    from lentera.evaluation.views import _participant_items

    cohort = CohortFactory(status="finished")
    services.ready_forms_install(actor=None, library=cohort.library)
    survey = Survey.objects.create(
        library=cohort.library,
        cohort=cohort,
        kind=Survey.Kind.FOLLOW_UP,
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=21),
    )
    survey.forms.set(FeedbackForm.objects.filter(library=cohort.library, kind__in=["follow_up", "supervisor"]))
    general, _per = _participant_items(survey)
    assert general and {i.form.kind for i in general} == {"follow_up"}

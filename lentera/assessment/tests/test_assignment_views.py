"""The pages of rubrics, assignments, grading and observation, for each role."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lentera.accounts.models import Role
from lentera.accounts.tests.factories import MembershipFactory, UserFactory
from lentera.assessment import assignment_services as services
from lentera.assessment.models import Assignment, ObservationSheet, Rubric, RubricScore, Submission
from lentera.assessment.tests.factories import levels_by_points, make_assignment, make_rubric
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory, ScheduledSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(participant: Any) -> Any:
    cohort = CohortFactory(programme__library=participant.library)
    EnrolmentFactory(cohort=cohort, user=participant.user)
    return cohort


@pytest.fixture
def assignment(cohort: Any, instructor: Any) -> Assignment:
    return make_assignment(cohort, instructors=[instructor.user], title="Klasifikasi 10 buku")


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _peer(cohort: Any) -> Any:
    peer = UserFactory(full_name="Sari Peserta")
    MembershipFactory(user=peer, library=cohort.library, role=Role.PARTICIPANT)
    EnrolmentFactory(cohort=cohort, user=peer)
    return peer


# Rubrics


def test_an_instructor_builds_a_rubric_row_by_row(instructor: Any) -> None:
    url = reverse("assessment:rubric_create")
    page = instructor.client.get(url)
    assert page.status_code == 200 and 'name="level-3-points"' in page.content.decode()
    data = {
        "title": "Rubrik klasifikasi",
        "levels": "2",
        "criteria": "1",
        "level-0-label": "Tepat",
        "level-0-points": "2",
        "level-1-label": "Keliru",
        "level-1-points": "0",
        "criterion-0-name": "Nomor kelas",
        "criterion-0-d0": "Sampai tiga desimal",
        "criterion-0-d1": "Kelas utama salah",
    }
    grown = instructor.client.post(url, {**data, "add": "criterion"})
    assert grown.status_code == 200 and 'name="criterion-1-name"' in grown.content.decode()
    assert not Rubric.objects.exists()
    saved = instructor.client.post(url, {**data, "action": "save"})
    rubric = Rubric.objects.get()
    assert saved.status_code == 302 and rubric.library == instructor.library
    assert rubric.criteria.get().descriptors.get(level__label="Tepat").text == "Sampai tiga desimal"


def test_a_bad_grid_is_sent_back_naming_the_level(instructor: Any) -> None:
    response = instructor.client.post(
        reverse("assessment:rubric_create"),
        {
            "title": "R",
            "levels": "2",
            "criteria": "1",
            "level-0-label": "A",
            "level-0-points": "dua",
            "level-1-label": "B",
            "level-1-points": "1",
            "criterion-0-name": "K",
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert "Tingkat 1: poin harus bilangan bulat" in response.content.decode()
    assert 'class="form-control is-invalid" id="level-0-points"' in response.content.decode()
    assert not Rubric.objects.exists()


def test_a_used_rubric_shows_read_only_with_a_copy_button(
    coordinator: Any, assignment: Assignment, participant: Any
) -> None:
    submission = services.submission_save(actor=participant.user, assignment=assignment, text="x")
    criterion = assignment.rubric.criteria.first()
    services.submission_score(
        actor=None, submission=submission, criterion_id=criterion.pk, level_id=assignment.rubric.levels.first().pk
    )
    url = reverse("assessment:rubric_edit", args=[assignment.rubric.pk])
    page = coordinator.client.get(url).content.decode()
    assert (
        'name="criterion-0-name"' not in page and reverse("assessment:rubric_copy", args=[assignment.rubric.pk]) in page
    )
    coordinator.client.post(url, {"title": "Ganti", "levels": "0", "criteria": "0", "action": "save"})
    assert Rubric.objects.get(pk=assignment.rubric.pk).title == "Rubrik layanan pemustaka"


def test_a_participant_cannot_open_rubrics(participant: Any) -> None:
    assert participant.client.get(reverse("assessment:rubric_list")).status_code == 403


def test_another_librarys_rubric_is_missing(coordinator_b: Any, library_a: Any) -> None:
    rubric = make_rubric(library_a)
    assert coordinator_b.client.get(reverse("assessment:rubric_edit", args=[rubric.pk])).status_code == 404


def test_the_rubric_list_has_a_fixed_number_of_queries(coordinator: Any) -> None:
    make_rubric(coordinator.library)
    coordinator.client.get(reverse("assessment:rubric_list"))  # the first visit also saves the session
    with CaptureQueriesContext(connection) as few:
        coordinator.client.get(reverse("assessment:rubric_list"))
    for _ in range(4):
        make_rubric(coordinator.library)
    with CaptureQueriesContext(connection) as many:
        response = coordinator.client.get(reverse("assessment:rubric_list"))
    assert response.status_code == 200 and len(many) == len(few) == 6


# Assignments


def test_the_sessions_instructor_adds_an_assignment(instructor: Any, cohort: Any) -> None:
    session = ScheduledSessionFactory(cohort=cohort, plan__method="case_study", instructors=[instructor.user])
    rubric = make_rubric(cohort.library)
    response = instructor.client.post(
        reverse("assessment:assignment_create", args=[session.pk]),
        {
            "title": "Studi kasus layanan",
            "rubric": rubric.pk,
            "mode": "submission",
            "accepts_text": "on",
            "is_required": "on",
            "pass_percent": "70",
            "due_at": "2026-03-10T16:00",
        },
    )
    assignment = Assignment.objects.get()
    assert (
        response.status_code == 302
        and assignment.session == session
        and timezone.localtime(assignment.due_at).hour == 16
    )
    assert not assignment.is_required  # whether it counts for completion is the coordinator's call


def test_a_new_assignment_is_optional_unless_the_coordinator_ticks_it(
    coordinator: Any, instructor: Any, cohort: Any
) -> None:
    session = ScheduledSessionFactory(cohort=cohort, plan__method="practice", instructors=[instructor.user])
    rubric = make_rubric(cohort.library)
    url = reverse("assessment:assignment_create", args=[session.pk])
    form = coordinator.client.get(url).content.decode()
    assert (
        'name="is_required"' in form
        and 'name="is_required" class="form-check-input" id="id_is_required" checked' not in form
    )
    assert 'id="id_is_required" checked' not in form
    assert 'name="is_required"' not in instructor.client.get(url).content.decode()
    fields = {"rubric": rubric.pk, "mode": "submission", "accepts_text": "on", "pass_percent": "70"}
    coordinator.client.post(url, {**fields, "title": "Tanpa centang"})
    coordinator.client.post(url, {**fields, "title": "Wajib", "is_required": "on"})
    assert dict(Assignment.objects.values_list("title", "is_required")) == {"Tanpa centang": False, "Wajib": True}
    # the instructor changes the required one: it stays required
    required = Assignment.objects.get(title="Wajib")
    instructor.client.post(reverse("assessment:assignment_edit", args=[required.pk]), {**fields, "title": "Wajib 2"})
    required.refresh_from_db()
    assert (required.title, required.is_required) == ("Wajib 2", True)


def test_an_instructor_who_does_not_teach_the_session_cannot_add_one(instructor: Any, cohort: Any) -> None:
    session = ScheduledSessionFactory(cohort=cohort, plan__method="practice")
    assert instructor.client.get(reverse("assessment:assignment_create", args=[session.pk])).status_code == 403


def test_a_lecture_gets_the_form_back_with_the_reason(coordinator: Any, cohort: Any) -> None:
    session = ScheduledSessionFactory(cohort=cohort)
    rubric = make_rubric(cohort.library)
    response = coordinator.client.post(
        reverse("assessment:assignment_create", args=[session.pk]),
        {"title": "x", "rubric": rubric.pk, "mode": "submission", "accepts_text": "on", "pass_percent": "70"},
    )
    assert response.status_code == 400 and not Assignment.objects.exists()


def test_the_participant_hands_in_and_later_reads_the_filled_rubric(
    participant: Any, instructor: Any, assignment: Assignment
) -> None:
    url = reverse("assessment:assignment_detail", args=[assignment.pk])
    page = participant.client.get(url).content.decode()
    assert "Klasifikasi 10 buku" in page and 'name="text"' in page
    handed = participant.client.post(
        reverse("assessment:submission_submit", args=[assignment.pk]),
        {"text": "005.133 untuk Python", "link": "contoh.id/tugas"},
    )
    assert handed.status_code == 302
    submission = Submission.objects.get()
    assert submission.link == "https://contoh.id/tugas"
    grade_url = reverse("assessment:submission_grade", args=[submission.pk])
    levels = levels_by_points(assignment.rubric)
    for criterion in assignment.rubric.criteria.all():
        fragment = instructor.client.post(
            grade_url,
            {"criterion": criterion.pk, "level": levels[3].pk, "criterion_comment": f"Catatan {criterion.name}"},
            headers={"HX-Request": "true"},
        )
        assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
        assert 'id="rubric-total"' in fragment.content.decode() and 'hx-swap-oob="true"' in fragment.content.decode()
    assert "15 dari 20 poin · 75%" in fragment.content.decode()  # the running total after the last criterion
    before = participant.client.get(url).content.decode()
    assert "Catatan Salam" not in before  # not released yet
    instructor.client.post(grade_url, {"action": "release", "comment": "Rapi dan tepat"})
    after = participant.client.get(url).content.decode()
    assert "75%" in after and "Catatan Salam" in after and "Rapi dan tepat" in after and "rubric-chosen" in after


def test_grading_a_level_of_another_rubric_says_why(instructor: Any, participant: Any, assignment: Assignment) -> None:
    submission = services.submission_save(actor=participant.user, assignment=assignment, text="x")
    other = make_rubric(assignment.library)
    response = instructor.client.post(
        reverse("assessment:submission_grade", args=[submission.pk]),
        {"criterion": assignment.rubric.criteria.first().pk, "level": other.levels.first().pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400 and not RubricScore.objects.exists()


def test_a_participant_cannot_grade_or_open_anothers_file(
    participant: Any, assignment: Assignment, cohort: Any
) -> None:
    peer = _peer(cohort)
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    submission = services.submission_save(actor=peer, assignment=assignment, upload=pdf)
    assert participant.client.get(reverse("assessment:submission_grade", args=[submission.pk])).status_code == 403
    assert participant.client.get(reverse("assessment:submission_file", args=[submission.pk])).status_code == 403
    own = _client_for(peer).get(reverse("assessment:submission_file", args=[submission.pk]))
    assert own.status_code == 200 and own["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_participant_of_another_cohort_cannot_open_the_assignment(assignment: Assignment, library_a: Any) -> None:
    outsider = UserFactory()
    MembershipFactory(user=outsider, library=library_a, role=Role.PARTICIPANT)
    assert _client_for(outsider).get(reverse("assessment:assignment_detail", args=[assignment.pk])).status_code == 403


def test_the_roster_has_a_fixed_number_of_queries(coordinator: Any, assignment: Assignment, cohort: Any) -> None:
    url = reverse("assessment:assignment_detail", args=[assignment.pk])
    coordinator.client.get(url)
    with CaptureQueriesContext(connection) as few:
        coordinator.client.get(url)
    for _ in range(5):
        peer = _peer(cohort)
        services.submission_save(actor=peer, assignment=assignment, text="x")
    with CaptureQueriesContext(connection) as many:
        response = coordinator.client.get(url)
    assert response.status_code == 200 and len(many) == len(few) == 9
    # each name four times: the table row and the phone's card, each with a link that names the person
    assert response.content.decode().count("Sari Peserta") == 5 * 4


def test_my_assignments_has_a_fixed_number_of_queries(participant: Any, cohort: Any) -> None:
    make_assignment(cohort, is_required=True)
    participant.client.get(reverse("assessment:my_assignments"))
    with CaptureQueriesContext(connection) as few:
        participant.client.get(reverse("assessment:my_assignments"))
    for _ in range(3):
        make_assignment(cohort, is_required=True)
    with CaptureQueriesContext(connection) as many:
        response = participant.client.get(reverse("assessment:my_assignments"))
    assert response.status_code == 200 and len(many) == len(few) == 16  # 10 of them: the completion card
    assert response.content.decode().count("Tugas klasifikasi DDC") == 4


# Live observation


def test_a_peer_observes_on_a_phone_and_the_instructor_sees_both_sheets(
    participant: Any, instructor: Any, cohort: Any
) -> None:
    assignment = make_assignment(cohort, method="role_play", mode="observation", instructors=[instructor.user])
    actor = _peer(cohort)  # plays the librarian at the desk
    listing = participant.client.get(reverse("assessment:observe_list", args=[assignment.pk])).content.decode()
    assert "Sari Peserta" in listing and "Participant A" not in listing  # nobody observes themselves
    levels = levels_by_points(assignment.rubric)
    for observer, points in ((participant, 4), (instructor, 2)):
        url = reverse("assessment:observe_sheet", args=[assignment.pk, actor.pk])
        for criterion in assignment.rubric.criteria.all():
            saved = observer.client.post(
                url, {"criterion": criterion.pk, "level": levels[points].pk}, headers={"HX-Request": "true"}
            )
            assert saved.status_code == 200
        observer.client.post(url, {"done": "1", "comment": "Salam ramah"})
    assert ObservationSheet.objects.filter(participant=actor).count() == 2
    detail = instructor.client.get(reverse("assessment:observation_detail", args=[assignment.pk, actor.pk]))
    text = detail.content.decode()
    assert "75%" in text and "Participant A" in text and "Instructor A" in text  # (100 % + 50 %) / 2
    mine = _client_for(actor).get(reverse("assessment:assignment_detail", args=[assignment.pk])).content.decode()
    assert "75%" in mine and "Instructor A" not in mine  # the observed person sees sheets, not names


def test_observing_yourself_is_missing(participant: Any, cohort: Any) -> None:
    assignment = make_assignment(cohort, method="role_play", mode="observation")
    url = reverse("assessment:observe_sheet", args=[assignment.pk, participant.user.pk])
    assert participant.client.get(url).status_code == 404


def test_handed_in_work_has_no_observation_pages(coordinator: Any, assignment: Assignment) -> None:
    assert coordinator.client.get(reverse("assessment:observe_list", args=[assignment.pk])).status_code == 404


def test_the_participant_sees_their_completion_and_what_is_left(participant: Any, cohort: Any) -> None:
    make_assignment(cohort, is_required=True)
    page = participant.client.get(reverse("assessment:my_assignments")).content.decode()
    assert cohort.name in page
    assert "lulus tugas wajib" in page  # what is left, in the participant's language


def test_the_dashboards_list_work_to_grade_and_to_hand_in(
    instructor: Any, participant: Any, coordinator: Any, coordinator_b: Any, assignment: Assignment, cohort: Any
) -> None:
    todo = participant.client.get(reverse("dashboard")).content.decode()
    assert "Klasifikasi 10 buku" in todo  # the session has started and nothing is handed in
    services.submission_save(actor=participant.user, assignment=assignment, text="x")
    assert "Klasifikasi 10 buku" not in participant.client.get(reverse("dashboard")).content.decode()
    queue = instructor.client.get(reverse("dashboard")).context["to_grade"]
    assert [a.pk for a in queue] == [assignment.pk] and queue[0].waiting == 1
    elsewhere = make_assignment(cohort, title="Sesi orang lain")  # a session this instructor does not teach
    services.submission_save(actor=participant.user, assignment=elsewhere, text="y")
    assert [a.pk for a in instructor.client.get(reverse("dashboard")).context["to_grade"]] == [assignment.pk]
    everything = coordinator.client.get(reverse("dashboard")).context["to_grade"]
    assert {a.pk for a in everything} == {assignment.pk, elsewhere.pk}
    assert coordinator_b.client.get(reverse("dashboard")).context["to_grade"] == []


# Times in the library's time zone (Asia/Jakarta, UTC+7)


def test_a_hand_in_shows_in_jakarta_time_on_every_page(
    participant: Any, instructor: Any, coordinator: Any, cohort: Any
) -> None:
    """Due 10 March 2026 01:00 UTC = 08:00 WIB; handed in 02:30 UTC = 09:30 WIB (late)."""
    import re
    from datetime import UTC, datetime

    from lentera.accounts.models import AuditEntry

    assignment = make_assignment(cohort, instructors=[instructor.user], due_at=datetime(2026, 3, 10, 1, 0, tzinfo=UTC))
    submission = services.submission_save(
        actor=participant.user, assignment=assignment, text="Selesai", now=datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
    )
    assert submission.is_late
    pages = {
        "mine": participant.client.get(reverse("assessment:assignment_detail", args=[assignment.pk])),
        "roster": instructor.client.get(reverse("assessment:assignment_detail", args=[assignment.pk])),
        "grade": instructor.client.get(reverse("assessment:submission_grade", args=[submission.pk])),
        "list": participant.client.get(reverse("assessment:my_assignments")),
    }
    times = {name: re.findall(r"\b\d\d:\d\d\b", page.content.decode()) for name, page in pages.items()}
    assert times == {
        "mine": ["08:00", "09:30"],
        "roster": ["08:00", "09:30", "09:30"],
        "grade": ["09:30"],
        "list": ["08:00"],
    }
    assert "Dikumpulkan pada 10 Maret 2026 09:30." in pages["mine"].content.decode()
    audit = AuditEntry.objects.get(action="assignment.create")
    assert audit.changes["due_at"] == [None, "2026-03-10 08:00"]

"""Personal data under UU PDP: a person downloads all of it; a coordinator erases it.

The erasure test builds a person with a trace in every app, erases them, then walks every text
column of every table for the old name, email, phone and NIP.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lentera.accounts.models import AuditEntry, Library, Membership, Role, User
from lentera.accounts.personal_data import personal_data_export, user_erase
from lentera.accounts.services import user_update_profile
from lentera.accounts.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from lentera.assessment.exam_selectors import cohort_results
from lentera.assessment.models import Answer as ExamAnswer
from lentera.assessment.models import Attempt, CohortTest, CompletionOverride, Question, Submission
from lentera.assessment.tests.factories import make_assignment
from lentera.certificates.models import Certificate
from lentera.certificates.selectors import certificate_lookup
from lentera.certificates.tests.factories import CertificateFactory
from lentera.delivery import services as delivery_services
from lentera.delivery.models import Attendance, CalendarFeed, InstructorProfile, RosterImport
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory, ScheduledSessionFactory
from lentera.evaluation import services as feedback_services
from lentera.evaluation.answering import Cleaned
from lentera.evaluation.models import FeedbackForm, FormItem, Invitation, Survey
from lentera.evaluation.selectors import survey_results

pytestmark = [pytest.mark.django_db, pytest.mark.reliability]

NAME = "Rahmawati Kusumaningrum"
EMAIL = "rahmawati.kusuma@contoh.example"
PHONE = "0812 7788 9900"
NIP = "198706152010012003"
UNIT = "Seksi Layanan Anak Gadingrejo"
SUPERVISOR = "atasan.rahmawati@contoh.example"


def _zip(content: bytes) -> tuple[dict[str, Any], list[str]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return json.loads(archive.read("data.json")), archive.namelist()


@dataclass
class World:
    person: User
    cohort: Any
    survey: Survey
    item: FormItem
    anonymous_survey: Survey
    certificate: Certificate
    submission: Submission
    photo: str
    hand_in: str


def _attempt(test: CohortTest, user: User, score: float, question: Question) -> Attempt:
    attempt = Attempt.objects.create(
        library=test.library, test=test, user=user, submitted_at=timezone.now(), correct=1, total=1, score=score
    )
    ExamAnswer.objects.create(attempt=attempt, question=question, text="jawaban singkat", is_correct=score > 50)
    return attempt


def build_world(library: Library, coordinator: User) -> World:
    """A participant with a trace in every app, among two peers (so the cohort figures have n > 1)."""
    person = UserFactory(full_name="Calon Peserta", username="rahma")
    MembershipFactory(user=person, library=library, role=Role.PARTICIPANT)
    user_update_profile(
        actor=coordinator,
        user=person,
        library=library,
        full_name=NAME,
        email=EMAIL,
        phone=PHONE,
        nip=NIP,
        work_unit=UNIT,
    )
    cohort = CohortFactory(programme__library=library, starts_on=date(2025, 8, 4), ends_on=date(2025, 8, 8))
    peers = [EnrolmentFactory(cohort=cohort).user for _ in range(2)]
    delivery_services.enrol(actor=coordinator, cohort=cohort, user=person)  # an audit row naming her
    session = ScheduledSessionFactory(cohort=cohort)
    for user in [person, *peers]:
        Attendance.objects.create(
            library=library,
            session=session,
            user=user,
            status=Attendance.Status.PRESENT,
            checked_in_at=session.starts_at,
            note=f"{NAME} datang tepat waktu" if user == person else "",
        )
    delivery_services.calendar_feed_renew(user=person)
    profile = InstructorProfile.objects.create(library=library, user=person, bio=f"{NAME} suka mendongeng")
    profile.photo.save("foto.png", ContentFile(b"\x89PNG fake"), save=True)
    # tests: pre and post for her and two peers
    question = Question.objects.create(library=library, kind="short", text="Apa itu DDC?", accepted_answers=["x"])
    pre = CohortTest.objects.create(library=library, cohort=cohort, kind="pre", title="Pre-test")
    post = CohortTest.objects.create(library=library, cohort=cohort, kind="post", title="Post-test")
    for user, (a, b) in zip([person, *peers], [(40, 80), (50, 70), (60, 90)], strict=True):
        _attempt(pre, user, a, question)
        _attempt(post, user, b, question)
    CompletionOverride.objects.create(
        library=library, cohort=cohort, user=person, status="completed", reason=f"{NAME} sakit sehari"
    )
    assignment = make_assignment(cohort)
    submission = Submission.objects.create(
        library=library,
        assignment=assignment,
        user=person,
        text="Tugas saya",
        original_name="tugas-rahma.pdf",
        submitted_at=timezone.now(),
        score_percent=85,
    )
    submission.file.save("tugas-rahma.pdf", ContentFile(b"%PDF-1.4 hand-in"), save=True)
    certificate = CertificateFactory(cohort=cohort, user=person, participant_nip=NIP)
    # feedback: a named round (not anonymous) and an anonymous one; she answers both
    form = FeedbackForm.objects.create(library=library, title="Akhir angkatan", kind="cohort")
    item = FormItem.objects.create(form=form, text="Materinya bermanfaat", dimension="material")
    comment = FormItem.objects.create(form=form, text="Saran", dimension="overall", kind="long_text")
    opens = timezone.now() - timedelta(days=1)
    surveys = []
    for kind, anonymous in (("cohort", False), ("follow_up", True)):
        survey = Survey.objects.create(
            library=library,
            cohort=cohort,
            kind=kind,
            opens_at=opens,
            closes_at=opens + timedelta(days=7),
            is_anonymous=anonymous,
        )
        survey.forms.add(form)
        for user, rating in zip([person, *peers], [5, 4, 3], strict=True):
            Invitation.objects.create(survey=survey, user=user)
            feedback_services.response_submit(
                survey=survey,
                answers=[Cleaned(item, rating=rating), Cleaned(comment, text="Bagus sekali")],
                user=user,
            )
        surveys.append(survey)
    Invitation.objects.create(
        survey=surveys[1], role="supervisor", about=person, email=SUPERVISOR, token_hash="ab" * 32
    )
    RosterImport.objects.create(
        library=library,
        cohort=cohort,
        file_name="peserta.csv",
        status="imported",
        rows=[{"name": NAME, "email": EMAIL, "nip": NIP}, {"name": "Orang Lain", "email": "lain@contoh.example"}],
    )
    return World(
        person=person,
        cohort=cohort,
        survey=surveys[0],
        item=item,
        anonymous_survey=surveys[1],
        certificate=certificate,
        submission=submission,
        photo=profile.photo.name,
        hand_in=submission.file.name,
    )


class TestExport:
    def test_a_participant_downloads_everything_about_them(self, coordinator: Any, library_a: Any) -> None:
        world = build_world(library_a, coordinator.user)
        client = Client()
        client.force_login(world.person)
        page = client.get(reverse("accounts:personal_data"))
        assert page.status_code == 200 and "Unduh data saya" in page.content.decode()
        response = client.post(reverse("accounts:personal_data_download"))
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        assert "attachment" in response["Content-Disposition"]
        data, names = _zip(response.content)
        assert data["profile"]["full_name"] == NAME and data["profile"]["nip"] == NIP
        assert [m["role"] for m in data["memberships"]] == ["participant"]
        assert data["enrolments"][0]["cohort"] == world.cohort.name
        assert data["attendance"][0]["status"] == "present" and data["attendance"][0]["time_in"]
        assert sorted(t["score_percent"] for t in data["tests"]) == [40, 80]
        assert data["tests"][0]["answers"][0]["text"] == "jawaban singkat"
        assert data["assignments"][0]["score_percent"] == 85 and data["assignments"][0]["text"] == "Tugas saya"
        assert data["certificates"][0]["number"] == world.certificate.number
        named = data["feedback"]["your_named_answers"]
        assert len(named) == 1 and named[0]["answers"][0]["rating"] == 5  # the anonymous one is not hers to show
        assert "anonim" in data["feedback"]["about_anonymous_feedback"].lower()
        assert data["feedback"]["your_supervisor_was_asked"][0]["supervisor_email"] == SUPERVISOR
        assert any(e["action"] == "Profil diubah" for e in data["audit_log"])
        assert any(n.startswith("files/submissions/") and n.endswith("tugas-rahma.pdf") for n in names)
        assert any(n.startswith("files/photo/") for n in names)
        assert AuditEntry.objects.filter(action="user.export", object_id=str(world.person.pk)).count() == 1

    def test_a_readable_summary_sits_beside_the_data(self, coordinator: Any, library_a: Any) -> None:
        world = build_world(library_a, coordinator.user)
        User.objects.filter(pk=world.person.pk).update(
            full_name='<script>alert("x")</script><img src=x onerror=alert(1)>'
        )
        Attendance.objects.filter(user=world.person).update(note="<b>datang</b> & <a href='//evil'>pulang</a>")
        archive = zipfile.ZipFile(io.BytesIO(personal_data_export(actor=world.person, user=world.person)))
        assert {"data.json", "ringkasan.html"} <= set(archive.namelist())
        html = archive.read("ringkasan.html").decode()
        # typed text is inert: escaped, never markup
        assert "<script>" not in html and "<img" not in html and "<a " not in html and "<b>datang" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
        assert "&lt;b&gt;datang&lt;/b&gt; &amp; &lt;a href=&#x27;//evil&#x27;&gt;pulang&lt;/a&gt;" in html
        assert "default-src 'none'" in html  # and the page may load nothing
        # in Indonesian words, with the same figures as data.json
        assert '<html lang="id">' in html
        for words in ("Profil", "Peran di perpustakaan", "Kehadiran", "Sertifikat", "Unit kerja", "Hadir", "Peserta"):
            assert words in html, words
        assert NIP in html and EMAIL in html and UNIT in html and world.certificate.number in html
        assert "Agustus 2025" in html  # days read as days (the cohort of 4-8 August 2025)

    def test_the_query_count_does_not_grow_with_the_rows(
        self, coordinator: Any, library_a: Any, django_assert_num_queries: Any
    ) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        world = build_world(library_a, coordinator.user)
        with CaptureQueriesContext(connection) as first:
            personal_data_export(actor=world.person, user=world.person)
        # more of everything: another cohort with its tests, attendance, work and certificate
        second_library_cohort = CohortFactory(programme__library=library_a)
        EnrolmentFactory(cohort=second_library_cohort, user=world.person)
        session = ScheduledSessionFactory(cohort=second_library_cohort)
        Attendance.objects.create(library=library_a, session=session, user=world.person, status="late")
        question = Question.objects.create(library=library_a, kind="short", text="Lagi?", accepted_answers=["y"])
        test = CohortTest.objects.create(library=library_a, cohort=second_library_cohort, kind="pre", title="Pre")
        _attempt(test, world.person, 30, question)
        CertificateFactory(cohort=second_library_cohort, user=world.person)
        with django_assert_num_queries(len(first.captured_queries)):
            personal_data_export(actor=world.person, user=world.person)

    def test_anyone_signed_in_may_download_only_their_own(self, partner: Any, participant: Any) -> None:
        data, _names = _zip(partner.client.post(reverse("accounts:personal_data_download")).content)
        assert data["profile"]["username"] == "partner_a"
        assert "participant_a" not in json.dumps(data)

    def test_the_download_is_post_only(self, participant: Any) -> None:
        assert participant.client.get(reverse("accounts:personal_data_download")).status_code == 405

    def test_anonymous_is_sent_to_the_login(self, anon: Any) -> None:
        for name in ("accounts:personal_data", "accounts:personal_data_download"):
            response = anon.client.post(reverse(name)) if "download" in name else anon.client.get(reverse(name))
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def _text_columns(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField | models.FileField)
    ]


def _traces(values: list[str]) -> list[str]:
    """Every (table, column) whose text still contains one of ``values``."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    found = []
    for model in apps.get_models():
        for column in _text_columns(model):
            rows = model._default_manager.annotate(_t=Cast(column, output_field=TextField()))
            for value in values:
                if rows.filter(_t__icontains=value).exists():
                    found.append(f"{model._meta.label}.{column} has {value!r}")
    return found


class TestErase:
    def test_erasure_leaves_no_trace_and_keeps_the_figures(
        self, coordinator: Any, library_a: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        world = build_world(library_a, coordinator.user)
        gain_before = cohort_results(cohort=world.cohort).gain
        results_before = survey_results(survey=world.survey, floor=1)
        anonymous_before = survey_results(survey=world.anonymous_survey, floor=1)
        assert _traces([NAME, EMAIL, NIP, PHONE])  # the walk finds them before

        page = coordinator.client.get(reverse("accounts:person_erase", args=[world.person.pk]))
        assert page.status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = coordinator.client.post(
                reverse("accounts:person_erase", args=[world.person.pk]),
                {"confirm": "on", "reason": f"Permintaan tertulis {NAME} tanggal 3 Maret"},
            )
        assert response.status_code == 302

        assert _traces([NAME, EMAIL, NIP, PHONE, UNIT, SUPERVISOR]) == []
        person = User.objects.get(pk=world.person.pk)
        assert person.full_name == f"Peserta terhapus #{person.pk}" and person.erased_at is not None
        assert not person.has_usable_password() and not person.is_active and person.username != "rahma"
        assert not Membership.objects.filter(user=person, is_active=True).exists()
        assert not CalendarFeed.objects.filter(user=person, revoked_at__isnull=True).exists()
        assert not default_storage.exists(world.photo) and not default_storage.exists(world.hand_in)
        login = Client().post(reverse("accounts:login"), {"username": "rahma", "password": TEST_PASSWORD})
        assert login.status_code == 200  # the form again: no such login any more
        # the figures are unchanged
        assert cohort_results(cohort=world.cohort).gain == gain_before
        after = survey_results(survey=world.survey, floor=1)
        assert after.responses == results_before.responses == 3
        assert after.blocks[0].items[0].stats == results_before.blocks[0].items[0].stats
        assert survey_results(survey=world.anonymous_survey, floor=1).blocks[0].items[0].stats == (
            anonymous_before.blocks[0].items[0].stats
        )
        assert Attendance.objects.filter(session__cohort=world.cohort, status="present").count() == 3
        assert Submission.objects.get(pk=world.submission.pk).score_percent == 85
        # the certificate still checks as valid, held by an erased participant
        found = certificate_lookup(number=world.certificate.number)
        assert found is not None and found.is_valid and found.participant_name == person.full_name
        # audited, without the erased data
        entry = AuditEntry.objects.get(action="user.erase")
        assert entry.actor == coordinator.user and entry.object_id == str(person.pk)
        assert entry.changes["user_id"] == person.pk and "Permintaan tertulis" in entry.changes["reason"]
        assert NAME not in json.dumps(entry.changes) and entry.object_repr == person.full_name

    def test_the_person_page_shows_the_result(self, coordinator: Any, participant: Any) -> None:
        response = coordinator.client.post(
            reverse("accounts:person_erase", args=[participant.user.pk]),
            {"confirm": "on", "reason": "Sudah pindah tugas"},
            follow=True,
        )
        html = response.content.decode()
        assert f"Peserta terhapus #{participant.user.pk}" in html and "Data pribadi dihapus" in html

    def test_erasing_needs_the_box_and_a_reason(self, coordinator: Any, participant: Any) -> None:
        response = coordinator.client.post(reverse("accounts:person_erase", args=[participant.user.pk]), {})
        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"confirm", "reason"}
        assert User.objects.get(pk=participant.user.pk).erased_at is None

    def test_refused_for_yourself(self, coordinator: Any) -> None:
        with pytest.raises(ValidationError):
            user_erase(actor=coordinator.user, library=coordinator.library, user=coordinator.user, reason="x")
        page = coordinator.client.get(reverse("accounts:person_erase", args=[coordinator.user.pk]))
        assert "Minta koordinator lain" in page.content.decode() and 'id="erase-submit"' not in page.content.decode()

    def test_refused_for_a_superuser(self, coordinator: Any, library_a: Any) -> None:
        admin = UserFactory(is_superuser=True, is_staff=True)
        MembershipFactory(user=admin, library=library_a, role=Role.INSTRUCTOR)
        response = coordinator.client.post(
            reverse("accounts:person_erase", args=[admin.pk]), {"confirm": "on", "reason": "Coba"}
        )
        assert response.status_code == 400
        assert User.objects.get(pk=admin.pk).erased_at is None and admin.full_name in response.content.decode()

    def test_a_member_of_another_library_only_leaves_yours(
        self, coordinator: Any, participant: Any, library_b: Any
    ) -> None:
        MembershipFactory(user=participant.user, library=library_b, role=Role.PARTICIPANT)
        page = coordinator.client.get(reverse("accounts:person_erase", args=[participant.user.pk]))
        assert "Perpustakaan B" in page.content.decode()
        response = coordinator.client.post(
            reverse("accounts:person_erase", args=[participant.user.pk]),
            {"confirm": "on", "reason": "Pindah"},
            follow=True,
        )
        person = User.objects.get(pk=participant.user.pk)
        assert person.erased_at is None and person.full_name == "Participant A"
        assert not Membership.objects.filter(user=person, library=coordinator.library, is_active=True).exists()
        assert Membership.objects.filter(user=person, library=library_b, is_active=True).exists()
        assert "Perpustakaan B" in response.content.decode() and "tetap disimpan" in response.content.decode()
        assert not AuditEntry.objects.filter(action="user.erase").exists()

    @pytest.mark.parametrize("persona", ["instructor_a", "participant_a", "partner_a"])
    def test_other_roles_may_not(self, persona: str, personas: dict[str, Any]) -> None:
        person = personas["participant_a"].user
        url = reverse("accounts:person_erase", args=[person.pk])
        assert personas[persona].client.get(url).status_code == 403
        assert personas[persona].client.post(url, {"confirm": "on", "reason": "x"}).status_code == 403
        assert User.objects.get(pk=person.pk).erased_at is None

    def test_another_librarys_coordinator_gets_404(self, coordinator_b: Any, participant: Any) -> None:
        url = reverse("accounts:person_erase", args=[participant.user.pk])
        assert coordinator_b.client.get(url).status_code == 404
        assert coordinator_b.client.post(url, {"confirm": "on", "reason": "x"}).status_code == 404
        with pytest.raises(ValidationError):
            user_erase(actor=coordinator_b.user, library=coordinator_b.library, user=participant.user, reason="x")

    def test_anonymous_is_sent_to_the_login(self, anon: Any, participant: Any) -> None:
        response = anon.client.get(reverse("accounts:person_erase", args=[participant.user.pk]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

    def test_a_failed_erasure_keeps_the_files(self, coordinator: Any, library_a: Any, monkeypatch: Any) -> None:
        world = build_world(library_a, coordinator.user)
        from lentera.accounts import personal_data

        def broken(**kwargs: Any) -> None:
            raise RuntimeError("audit down")

        monkeypatch.setattr(personal_data, "audit_record", broken)
        with pytest.raises(RuntimeError):
            user_erase(actor=coordinator.user, library=library_a, user=world.person, reason="Uji")
        assert User.objects.get(pk=world.person.pk).full_name == NAME
        assert default_storage.exists(world.photo) and default_storage.exists(world.hand_in)


def test_an_erased_person_gets_no_role_again(coordinator: Any, participant: Any) -> None:
    from lentera.accounts.services import membership_grant

    user_erase(actor=coordinator.user, library=coordinator.library, user=participant.user, reason="Pindah")
    person = User.objects.get(pk=participant.user.pk)
    with pytest.raises(ValidationError):
        membership_grant(actor=coordinator.user, library=coordinator.library, user=person, role=Role.INSTRUCTOR)
    page = coordinator.client.get(reverse("accounts:person_detail", args=[person.pk])).content.decode()
    assert person.username not in page and 'name="role"' not in page

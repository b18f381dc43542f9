"""The whole-programme scheduling page: setup, draft with clashes, moving, saving; and the
single-session form's end from the plan and its confirmation for dates outside the cohort."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from lentera.accounts.models import AuditEntry
from lentera.accounts.tests.factories import UserFactory
from lentera.curriculum.tests.factories import ModuleFactory, SessionPlanFactory
from lentera.delivery.models import Cohort, ScheduledSession
from lentera.delivery.tests.factories import WIB, CohortFactory, InstructorProfileFactory, ScheduledSessionFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=WIB)


def indonesian(message: str) -> str:
    with translation.override("id"):
        text = translation.gettext(message)
    assert text != message, f"no Indonesian translation for {message!r}"
    return escape(text)


def translation_of(message: str, params: dict[str, str]) -> str:
    with translation.override("id"):
        text = translation.gettext(message)
    return text % params if params else text


@pytest.fixture
def cohort(library_a: Any) -> Cohort:
    """2-6 March 2026 (Monday to Friday) with two modules of two 90-minute plans each."""
    cohort = CohortFactory(programme__library=library_a, name="Angkatan I", venue="Aula")
    second = ModuleFactory(programme=cohort.programme, order=2, title="Layanan Prima")
    first = ModuleFactory(programme=cohort.programme, order=1, title="Otomasi")
    for module, titles in ((first, ["SLiMS", "OPAC"]), (second, ["Sapaan", "Keluhan"])):
        for order, title in enumerate(titles, start=1):
            SessionPlanFactory(module=module, order=order, title=title, planned_minutes=90)
    return cohort


@pytest.fixture
def teacher(library_a: Any) -> Any:
    return InstructorProfileFactory(library=library_a, user=UserFactory(full_name="Bu Sari")).user


def url(cohort: Cohort) -> str:
    return reverse("delivery:programme_schedule", args=[cohort.pk])


def setup_post(cohort: Cohort, teacher: Any = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_day": "2026-03-02",
        "weekdays": ["0", "1", "2", "3", "4"],
        "start_times": "08:00, 13:00",
        "rooms": "Aula, Lab",
        "days_off": "",
        "action": "draft",
    }
    for module in cohort.programme.modules.all():
        data[f"module_{module.pk}"] = str(teacher.pk) if teacher else ""
    data.update(extra)
    return data


def draft_post(cohort: Cohort, rows: list[tuple[Any, str, str, str]], action: str, **extra: Any) -> dict[str, Any]:
    data = setup_post(cohort, **extra) | {"action": action}
    data |= {"row-TOTAL_FORMS": str(len(rows)), "row-INITIAL_FORMS": str(len(rows))}
    for n, (plan, day, start, room) in enumerate(rows):
        data |= {f"row-{n}-plan": str(plan.pk), f"row-{n}-day": day, f"row-{n}-start": start, f"row-{n}-room": room}
    return data


def plan(cohort: Cohort, title: str) -> Any:
    return cohort.programme.modules.get(sessions__title=title).sessions.get(title=title)


class TestAccess:
    def test_the_coordinator_sees_the_setup_with_the_cohort_defaults(self, coordinator: Any, cohort: Cohort) -> None:
        response = coordinator.client.get(url(cohort))
        assert response.status_code == 200
        setup = response.context["setup"]
        assert setup.initial["first_day"] == cohort.starts_on and setup.initial["rooms"] == "Aula"
        assert [p.title for p in response.context["plans"]] == ["SLiMS", "OPAC", "Sapaan", "Keluhan"]
        assert response.context["rows"] is None

    @pytest.mark.parametrize("persona", ["instructor", "participant"])
    def test_instructors_and_participants_are_refused(self, persona: str, cohort: Cohort, request: Any) -> None:
        person = request.getfixturevalue(persona)
        assert person.client.get(url(cohort)).status_code == 403
        assert person.client.post(url(cohort), setup_post(cohort) | {"action": "save"}).status_code == 403

    def test_another_librarys_coordinator_gets_404(self, coordinator_b: Any, cohort: Cohort) -> None:
        assert coordinator_b.client.get(url(cohort)).status_code == 404
        assert coordinator_b.client.post(url(cohort), setup_post(cohort)).status_code == 404
        assert not ScheduledSession.objects.exists()

    def test_an_anonymous_visitor_goes_to_the_login(self, anon: Any, cohort: Cohort) -> None:
        response = anon.client.get(url(cohort))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


class TestDraft:
    def test_the_draft_lays_the_plans_in_module_then_plan_order(
        self, coordinator: Any, cohort: Cohort, teacher: Any
    ) -> None:
        response = coordinator.client.post(url(cohort), setup_post(cohort, teacher))
        assert response.status_code == 200
        rows = [(c.item.plan.title, c.starts_at, c.item.room, c.clashes) for _f, c in response.context["pairs"]]
        assert rows == [
            ("SLiMS", at(2, 8), "Aula", []),
            ("OPAC", at(2, 13), "Aula", []),
            ("Sapaan", at(3, 8), "Aula", []),
            ("Keluhan", at(3, 13), "Aula", []),
        ]
        assert response.context["blocking"] == 0
        assert not ScheduledSession.objects.exists()  # nothing saved yet

    def test_plans_already_on_the_schedule_are_left_out(self, coordinator: Any, cohort: Cohort) -> None:
        ScheduledSessionFactory(cohort=cohort, plan=plan(cohort, "SLiMS"), starts_at=at(2, 8), ends_at=at(2, 9, 30))
        response = coordinator.client.post(url(cohort), setup_post(cohort))
        assert [c.item.plan.title for _f, c in response.context["pairs"]] == ["OPAC", "Sapaan", "Keluhan"]

    def test_clashes_are_marked_on_their_row(self, coordinator: Any, cohort: Cohort, teacher: Any) -> None:
        other = CohortFactory(programme__library=cohort.library, name="Angkatan Mawar")
        ScheduledSessionFactory(
            cohort=other, plan__title="Katalogisasi", starts_at=at(2, 13), ends_at=at(2, 15), instructors=[teacher]
        )
        response = coordinator.client.post(url(cohort), setup_post(cohort, teacher))
        [second] = [c for _f, c in response.context["pairs"] if c.item.plan.title == "OPAC"]
        [clash] = second.clashes
        assert clash.kind == "instructor" and "Angkatan Mawar" in clash.message and "Bu Sari" in clash.message
        assert response.context["blocking"] == 1
        html = response.content.decode()
        assert escape(clash.message) in html and "border-danger" in html

    def test_the_htmx_check_returns_only_the_draft(self, coordinator: Any, cohort: Cohort) -> None:
        rows = [
            (plan(cohort, "SLiMS"), "2026-03-02", "08:00", "Aula"),
            (plan(cohort, "OPAC"), "2026-03-02", "09:00", "Lab"),
        ]
        response = coordinator.client.post(
            url(cohort), draft_post(cohort, rows, "check"), headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="draft"')
        assert "<html" not in html
        assert html.count("clash-blocking") == 2  # each overlaps the other
        assert 'name="row-1-start" value="09:00"' in html

    @pytest.mark.parametrize(
        ("field", "value", "message", "params"),
        [
            ("start_times", "08:00, jam 1", "“%(value)s” is not a time; write it as 08:00.", {"value": "jam 1"}),
            ("days_off", "17 Agustus", "“%(value)s” is not a date; write it as 2026-03-19.", {"value": "17 Agustus"}),
            ("start_times", " , ", "Give at least one start time.", {}),
        ],
    )
    def test_bad_slots_get_a_message_naming_the_value(
        self, coordinator: Any, cohort: Cohort, field: str, value: str, message: str, params: dict[str, str]
    ) -> None:
        response = coordinator.client.post(url(cohort), setup_post(cohort, **{field: value}))
        assert response.status_code == 200
        assert response.context["rows"] is None
        indonesian(message)  # translated
        expected = escape(translation_of(message, params))
        assert response.context["setup"].errors[field] == [translation_of(message, params)]
        assert expected in response.content.decode()

    def test_no_weekday_is_refused(self, coordinator: Any, cohort: Cohort) -> None:
        response = coordinator.client.post(url(cohort), setup_post(cohort, weekdays=[]))
        assert "weekdays" in response.context["setup"].errors

    def test_with_every_plan_scheduled_the_page_says_so(self, coordinator: Any, cohort: Cohort) -> None:
        for n, plan_ in enumerate(cohort.programme.modules.all()[0].sessions.all()):
            ScheduledSessionFactory(cohort=cohort, plan=plan_, starts_at=at(2 + n, 8), ends_at=at(2 + n, 9))
        for n, plan_ in enumerate(cohort.programme.modules.all()[1].sessions.all()):
            ScheduledSessionFactory(cohort=cohort, plan=plan_, starts_at=at(4 + n, 8), ends_at=at(4 + n, 9))
        response = coordinator.client.get(url(cohort))
        assert response.context["plans"] == []
        done = (
            "Every session plan of the programme is already on this cohort's schedule. "
            "Move a session from its own page."
        )
        assert indonesian(done) in response.content.decode()


class TestSave:
    def test_a_moved_draft_is_saved_in_one_go(self, coordinator: Any, cohort: Cohort, teacher: Any) -> None:
        rows = [
            (plan(cohort, "SLiMS"), "2026-03-02", "08:00", "Aula"),
            (plan(cohort, "OPAC"), "2026-03-04", "10:00", "Lab"),  # moved by the coordinator
            (plan(cohort, "Sapaan"), "2026-03-03", "08:00", "Aula"),
            (plan(cohort, "Keluhan"), "2026-03-03", "13:00", "Aula"),
        ]
        response = coordinator.client.post(url(cohort), draft_post(cohort, rows, "save", teacher=teacher))
        assert response.status_code == 302 and response["Location"] == cohort.get_absolute_url()
        saved = list(ScheduledSession.objects.order_by("starts_at"))
        assert [(s.plan.title, s.starts_at, s.ends_at, s.room) for s in saved] == [
            ("SLiMS", at(2, 8), at(2, 9, 30), "Aula"),
            ("Sapaan", at(3, 8), at(3, 9, 30), "Aula"),
            ("Keluhan", at(3, 13), at(3, 14, 30), "Aula"),
            ("OPAC", at(4, 10), at(4, 11, 30), "Lab"),
        ]
        assert all(list(s.instructors.all()) == [teacher] for s in saved)
        assert AuditEntry.objects.filter(action="session.schedule").count() == 4

    def test_a_draft_with_a_blocking_clash_is_not_saved(self, coordinator: Any, cohort: Cohort) -> None:
        rows = [
            (plan(cohort, "SLiMS"), "2026-03-02", "08:00", "Aula"),
            (plan(cohort, "OPAC"), "2026-03-09", "08:00", ""),
        ]
        response = coordinator.client.post(url(cohort), draft_post(cohort, rows, "save"))
        assert response.status_code == 200
        assert response.context["save_error"]
        assert indonesian("Move the sessions marked in red before saving.") in response.content.decode()
        assert not ScheduledSession.objects.exists()

    def test_a_day_off_is_only_a_note_and_saves(self, coordinator: Any, cohort: Cohort) -> None:
        rows = [(plan(cohort, "SLiMS"), "2026-03-05", "08:00", "Aula")]
        response = coordinator.client.post(url(cohort), draft_post(cohort, rows, "save", days_off="2026-03-05"))
        assert response.status_code == 302
        assert ScheduledSession.objects.get().starts_at == at(5, 8)

    def test_a_row_that_does_not_read_names_its_field(self, coordinator: Any, cohort: Cohort) -> None:
        rows = [(plan(cohort, "SLiMS"), "2026-13-45", "08:00", "Aula")]
        response = coordinator.client.post(url(cohort), draft_post(cohort, rows, "save"))
        assert response.status_code == 200
        assert response.context["rows"].forms[0].errors["day"]
        assert not ScheduledSession.objects.exists()

    def test_a_plan_of_another_cohort_cannot_be_slipped_in(self, coordinator: Any, cohort: Cohort) -> None:
        foreign = SessionPlanFactory(module__programme__library=cohort.library)
        rows = [(foreign, "2026-03-02", "08:00", "Aula")]
        response = coordinator.client.post(url(cohort), draft_post(cohort, rows, "save"))
        assert response.status_code == 200
        assert response.context["rows"].forms[0].non_field_errors()
        assert not ScheduledSession.objects.exists()


class TestQueryCounts:
    def test_the_setup_page(
        self, coordinator: Any, cohort: Cohort, teacher: Any, django_assert_num_queries: Any
    ) -> None:
        coordinator.client.get(url(cohort))  # warm the session
        with django_assert_num_queries(6):
            coordinator.client.get(url(cohort))

    def test_the_draft_page_does_not_grow_with_the_programme(
        self, coordinator: Any, cohort: Cohort, teacher: Any, django_assert_num_queries: Any
    ) -> None:
        other = CohortFactory(programme__library=cohort.library, name="Angkatan Mawar")
        for day in (2, 3, 4):
            ScheduledSessionFactory(cohort=other, starts_at=at(day, 8), ends_at=at(day, 10), instructors=[teacher])
        coordinator.client.get(url(cohort))
        data = setup_post(cohort, teacher)
        with django_assert_num_queries(8):
            small = coordinator.client.post(url(cohort), data)
        for n in range(10):
            SessionPlanFactory(module=cohort.programme.modules.get(order=2), order=10 + n, title=f"Tambahan {n}")
        with django_assert_num_queries(8):
            large = coordinator.client.post(url(cohort), data)
        assert len(large.context["pairs"]) == len(small.context["pairs"]) + 10


class TestOneSessionForm:
    def post(self, coordinator: Any, cohort: Cohort, **extra: Any) -> Any:
        data = {"plan": plan(cohort, "SLiMS").pk, "day": "2026-03-02", "start": "08:00", "end": "", "room": ""}
        return coordinator.client.post(reverse("delivery:session_schedule", args=[cohort.pk]), data | extra)

    def test_without_an_end_the_plan_minutes_are_used(self, coordinator: Any, cohort: Cohort) -> None:
        assert self.post(coordinator, cohort).status_code == 302
        assert ScheduledSession.objects.get().ends_at == at(2, 9, 30)

    def test_the_plan_choices_carry_their_minutes_for_the_page(self, coordinator: Any, cohort: Cohort) -> None:
        html = coordinator.client.get(reverse("delivery:session_schedule", args=[cohort.pk])).content.decode()
        assert f'value="{plan(cohort, "SLiMS").pk}" data-minutes="90"' in html
        assert "data-end-from-plan" in html

    def test_a_date_outside_the_cohort_is_refused_on_the_date_field(self, coordinator: Any, cohort: Cohort) -> None:
        response = self.post(coordinator, cohort, day="2026-03-09")
        assert response.status_code == 200
        [error] = response.context["form"].errors["day"]
        assert "2 Mar 2026 – 6 Mar 2026" in error
        assert not ScheduledSession.objects.exists()

    def test_a_date_outside_the_cohort_is_saved_when_confirmed(self, coordinator: Any, cohort: Cohort) -> None:
        response = self.post(coordinator, cohort, day="2026-03-09", outside_dates_confirmed="on")
        assert response.status_code == 302
        assert ScheduledSession.objects.get().starts_at == at(9, 8)

"""The Kirkpatrick report: figures from known answers, exports, actions, Phillips ROI; access per role."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from lentera.accounts.models import AuditEntry, Library
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory, ScheduledSessionFactory
from lentera.evaluation import services
from lentera.evaluation.answering import Cleaned
from lentera.evaluation.models import CohortFeedback, ImprovementAction
from lentera.evaluation.report import cohort_report
from lentera.evaluation.selectors import survey_items
from lentera.impact.models import MonthlyIndicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(coordinator: Any) -> Any:
    """A finished cohort of August 2025: one session, five participants who all answered."""
    cohort = CohortFactory(
        programme__library=coordinator.library, starts_on=date(2025, 8, 4), ends_on=date(2025, 8, 22), status="finished"
    )
    services.ready_forms_install(actor=None, library=cohort.library)
    now = timezone.now()
    session = ScheduledSessionFactory(
        cohort=cohort, starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )
    people = [EnrolmentFactory(cohort=cohort).user for _ in range(5)]
    (survey,) = [s for s in services.surveys_ensure(cohort=cohort) if s.session_id == session.pk]
    general, _per = survey_items(survey=survey)
    facilities = next(i for i in general if i.dimension == "facilities")
    overall = next(i for i in general if i.dimension == "overall" and i.kind == "likert")
    # facilities 1, 2, 3, 4, 4 → top-2 40 % (weak under 60 %); overall 5, 5, 4, 4, 3 → top-2 80 %
    for person, low, high in zip(people, [1, 2, 3, 4, 4], [5, 5, 4, 4, 3], strict=True):
        services.response_submit(
            survey=survey, answers=[Cleaned(facilities, rating=low), Cleaned(overall, rating=high)], user=person
        )
    return cohort


def test_l1_figures_and_weak_items(cohort: Any) -> None:
    report = cohort_report(cohort=cohort)
    reaction = report.reaction
    # the session round (5 of 5 answered) and the end-of-cohort round (nobody yet): 5 of 10
    assert (reaction.responses, reaction.invited) == (5, 10) and reaction.rate == pytest.approx(50.0)
    lines = {line.item.dimension: line for line in reaction.items}
    assert lines["facilities"].stats.top2 == pytest.approx(40.0) and lines["facilities"].weak
    assert lines["overall"].stats.mean == pytest.approx(4.2) and not lines["overall"].weak


def test_l4_before_and_after_with_the_plain_caveat(coordinator: Any, cohort: Any) -> None:
    # six months before (Feb–Jul 2025) at 1,000 visits, six after (Sep 2025–Feb 2026) at 1,150: +15 %
    for month in range(2, 8):
        MonthlyIndicator.objects.create(library=cohort.library, month=date(2025, month, 1), visits=1000)
    for year, month in [(2025, 9), (2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2)]:
        MonthlyIndicator.objects.create(library=cohort.library, month=date(year, month, 1), visits=1150)
    visits = next(f for name, _l, f, _m in cohort_report(cohort=cohort).results.indicators if name == "visits")
    assert visits.change_percent == pytest.approx(15.0) and (visits.months_before, visits.months_after) == (6, 6)
    page = coordinator.client.get(reverse("evaluation:cohort_report", args=[cohort.pk])).content.decode()
    assert "bukan bukti" in page  # "not proof that the training caused the change", in Indonesian


def test_phillips_roi_from_the_page(coordinator: Any, cohort: Any) -> None:
    url = reverse("evaluation:cohort_report", args=[cohort.pk])
    response = coordinator.client.post(url, {"costs": "10000000", "benefits": "15000000", "note": "jam kerja"})
    assert response.status_code == 302
    assert cohort_report(cohort=cohort).roi == pytest.approx(50.0)
    assert CohortFeedback.objects.get(cohort=cohort).benefits == Decimal("15000000")
    assert AuditEntry.objects.filter(action="feedback.phillips").exists()


def test_an_action_from_a_weak_item_and_whether_the_next_cohort_improved(coordinator: Any, cohort: Any) -> None:
    weak = next(line for line in cohort_report(cohort=cohort).reaction.items if line.weak)
    coordinator.client.post(
        reverse("evaluation:action_create", args=[cohort.pk]),
        {
            "item": weak.item.pk,
            "what": "Perbaiki jaringan lab",
            "owner": "Seksi TI",
            "due_on": "2026-01-31",
            "status": "open",
        },
    )
    action = ImprovementAction.objects.get()
    assert (action.item, action.baseline_top2, action.programme) == (weak.item, 40.0, cohort.programme)
    assert "Perbaiki jaringan lab" in coordinator.client.get(reverse("dashboard")).content.decode()
    coordinator.client.post(reverse("evaluation:action_status", args=[action.pk]), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done"


def _hidden(floor: int) -> str:
    """What the export says of an item under the floor (the coordinator's language, Indonesian here)."""
    with translation.override("id"):
        return gettext("hidden: fewer than %(n)s answers") % {"n": floor}


def test_the_export_holds_figures_per_item_and_no_row_per_person(coordinator: Any, cohort: Any) -> None:
    response = coordinator.client.get(reverse("evaluation:cohort_responses_xlsx", args=[cohort.pk]))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[4] == "n")
    by_item = {r[1]: dict(zip(header, r, strict=True)) for r in rows[rows.index(header) + 1 :] if r[4] is not None}
    lines = {line.item.dimension: line.item.text for line in cohort_report(cohort=cohort).reaction.items}
    facilities, overall = by_item[lines["facilities"]], by_item[lines["overall"]]
    assert [facilities[str(r)] for r in range(1, 6)] == [1, 1, 1, 2, 0]  # counts, the same as the report's
    assert (overall["n"], overall["SD"]) == (5, 0.84) and overall["Top-2 (%)"] == 80.0
    # an item nobody rated (and the end-of-cohort round, unanswered) shows nothing: under the floor
    assert any(r[3] == _hidden(5) for r in rows)
    names = {p.user.full_name for p in cohort.enrolments.all()}
    assert not any(str(cell) in names for row in rows for cell in row if cell)
    pdf = coordinator.client.get(reverse("evaluation:cohort_report_pdf", args=[cohort.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_floor_holds_in_the_export_for_the_coordinator_too(coordinator: Any, cohort: Any) -> None:
    Library.objects.filter(pk=cohort.library_id).update(anonymity_floor=6)  # 5 answered: all hidden
    response = coordinator.client.get(reverse("evaluation:cohort_responses_xlsx", args=[cohort.pk]))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[4] == "n")
    assert all(r[4] is None and r[3] == _hidden(6) for r in rows[rows.index(header) + 1 :])
    cache.clear()
    assert Library.objects.get(pk=cohort.library_id).anonymity_floor == 6
    cohort.library.refresh_from_db()
    assert cohort_report(cohort=cohort).reaction.items == []  # and in the report (its PDF is made from it)
    page = coordinator.client.get(reverse("evaluation:cohort_report", args=[cohort.pk])).content.decode()
    assert "dijawab kurang dari 6 orang tidak dihitung" in page  # the page says why items are missing


def test_the_report_has_a_fixed_number_of_queries(coordinator: Any, cohort: Any) -> None:
    url = reverse("evaluation:cohort_report", args=[cohort.pk])
    coordinator.client.get(url)
    cache.clear()  # the uncached path: rating counts are cached per number of responses
    with CaptureQueriesContext(connection) as few:
        coordinator.client.get(url)
    survey = cohort.surveys.get(kind="session")
    general, _per = survey_items(survey=survey)
    overall = next(i for i in general if i.dimension == "overall" and i.kind == "likert")
    for _ in range(6):
        person = EnrolmentFactory(cohort=cohort).user
        services.surveys_ensure(cohort=cohort)
        services.response_submit(survey=survey, answers=[Cleaned(overall, rating=4)], user=person)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert coordinator.client.get(url).status_code == 200
    assert len(many) == len(few)


def test_cached_counts_follow_new_responses(cohort: Any) -> None:
    def overall() -> Any:
        return next(li for li in cohort_report(cohort=cohort).reaction.items if li.item.dimension == "overall")

    assert overall().stats.n == 5
    survey = cohort.surveys.get(kind="session")
    person = EnrolmentFactory(cohort=cohort).user
    services.surveys_ensure(cohort=cohort)
    services.response_submit(survey=survey, answers=[Cleaned(overall().item, rating=1)], user=person)
    assert overall().stats.n == 6  # a new response makes a new cache key


def test_only_the_coordinator_of_the_library_opens_the_report(
    instructor: Any, participant: Any, coordinator_b: Any, cohort: Any
) -> None:
    url = reverse("evaluation:cohort_report", args=[cohort.pk])
    assert instructor.client.get(url).status_code == 403
    assert participant.client.get(url).status_code == 403
    assert coordinator_b.client.get(url).status_code == 404


def test_the_next_cohorts_feedback_page_lists_the_open_actions(coordinator: Any, cohort: Any) -> None:
    services.improvement_action_save(
        actor=None, cohort=cohort, what="Tambah waktu praktik SLiMS", owner="Koordinator", due_on=date(2026, 3, 1)
    )
    later = CohortFactory(programme=cohort.programme, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 27))
    page = coordinator.client.get(reverse("evaluation:cohort_feedback", args=[later.pk])).content.decode()
    assert "Tambah waktu praktik SLiMS" in page


def test_l3_puts_participants_and_supervisors_side_by_side(cohort: Any) -> None:
    from lentera.evaluation import followup

    survey = followup.follow_up_open(actor=None, cohort=cohort, early=True)
    general, _per = survey_items(survey=survey)
    own = next(i for i in general if i.form.kind == "follow_up" and i.kind == "likert")
    theirs = next(i for i in general if i.form.kind == "supervisor" and i.kind == "likert")
    person = cohort.enrolments.first().user
    services.response_submit(survey=survey, answers=[Cleaned(own, rating=4)], user=person)
    token = followup.supervisor_invite(actor=None, survey=survey, participant=person, email="atasan@contoh.id")
    services.response_submit(survey=survey, answers=[Cleaned(theirs, rating=2)], token=token)
    behaviour = cohort_report(cohort=cohort).behaviour
    assert (behaviour.participant_responses, behaviour.supervisor_responses) == (1, 1)
    assert behaviour.participants == behaviour.supervisors == []  # one answer each: under the floor of 5
    cohort.library.anonymity_floor = 1
    behaviour = cohort_report(cohort=cohort).behaviour
    assert [line.stats.mean for line in behaviour.participants] == [4.0]
    assert [line.stats.mean for line in behaviour.supervisors] == [2.0]


def test_l2_per_competency_from_each_last_attempt(coordinator: Any) -> None:
    """Each participant's share right on a competency's questions, before and after, by hand.

    Questions: a1, a2 (competency A), b1 (B), ab (A and B), u (neither). Marked right:
    p1 pre {a1}, post {a1, a2, ab}; p2 pre {a1, a2, ab, b1}, post {a1, b1}; p3 pre {}, no post.
    A (a1, a2, ab): pre p1 1/3, p2 3/3, p3 0/3; post p1 3/3, p2 1/3.
    B (b1, ab): pre p1 0/2, p2 2/2, p3 0/2; post p1 1/2, p2 1/2.
    ⟨g⟩ leaves out p2 (pre 100 %) and p3 (no post): A g = (100 − 33.3) / (100 − 33.3) = 1, B g = 0.5.
    """
    from lentera.assessment import exam_services as exams
    from lentera.assessment.services import question_save
    from lentera.curriculum.tests.factories import CompetencyFactory

    cohort = CohortFactory(programme__library=coordinator.library)
    library = cohort.library
    a = CompetencyFactory(library=library, code="A.1", title="Menata koleksi")
    b = CompetencyFactory(library=library, code="B.1", title="Melayani pemustaka")

    def question(text: str, *competencies: Any) -> Any:
        options = [("benar", True), ("salah", False)]
        return question_save(
            actor=None, library=library, kind="single", text=text, options=options, competencies=list(competencies)
        )

    a1, a2, b1, ab, u = question("a1", a), question("a2", a), question("b1", b), question("ab", a, b), question("u")
    tests = {
        kind: exams.test_set_open(
            actor=None,
            test=exams.test_create(actor=None, cohort=cohort, kind=kind, title=kind, questions=[a1, a2, b1, ab, u]),
            is_open=True,
        )
        for kind in ("pre", "post")
    }
    people = [EnrolmentFactory(cohort=cohort).user for _ in range(3)]

    def take(kind: str, person: Any, right: set[Any]) -> None:
        attempt = exams.attempt_start(user=person, test=tests[kind])
        for q in (a1, a2, b1, ab, u):
            exams.answer_save(
                attempt=attempt, question=q, chosen=[c.pk for c in q.choices.all() if c.is_correct == (q in right)]
            )
        exams.attempt_submit(attempt=attempt)

    take("pre", people[0], {a1})
    take("post", people[0], {a1, a2, ab})
    take("pre", people[1], {a1, a2, ab, b1})
    take("post", people[1], {a1, b1})
    take("pre", people[2], set())
    (ga, gb) = cohort_report(cohort=cohort).learning.competencies
    assert (ga.competency, gb.competency) == (a, b)
    assert ga.pre_mean == pytest.approx((100 / 3 + 100 + 0) / 3) and ga.post_mean == pytest.approx((100 + 100 / 3) / 2)
    assert gb.pre_mean == pytest.approx(100 / 3) and gb.post_mean == pytest.approx(50.0)
    assert (ga.gain.n, ga.gain.pre_mean, ga.gain.post_mean) == (1, pytest.approx(100 / 3), pytest.approx(100.0))
    assert ga.gain.g == pytest.approx(1.0) and gb.gain.g == pytest.approx(0.5)
    assert ga.gain.excluded_full_pre == gb.gain.excluded_full_pre == [people[1].pk]
    assert ga.gain.excluded_missing == gb.gain.excluded_missing == [people[2].pk]

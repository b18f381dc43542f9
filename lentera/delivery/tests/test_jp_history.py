"""A participant's own JP history: by year in the library's time zone, against the target, as a page and a PDF.

The clock is pinned to 10 March 2026 (Jakarta), so "has started" never depends on the day the tests run.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from lentera.accounts.models import Role, User
from lentera.accounts.tests.factories import MembershipFactory, UserFactory
from lentera.curriculum.tests.factories import SessionPlanFactory
from lentera.delivery.models import Attendance, Cohort, ScheduledSession
from lentera.delivery.tests.factories import WIB, CohortFactory, EnrolmentFactory, ScheduledSessionFactory
from tests.browser.delivery_helpers import pdf_text

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=WIB)
MY_JP = "delivery:my_jp"
MY_JP_PDF = "delivery:my_jp_pdf"
# session, role, the participant's memberships (the role check); then the sessions and their attendance
PAGE_QUERIES = 3 + 2


@pytest.fixture(autouse=True)
def _pinned_clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _session(cohort: Cohort, starts_at: datetime, minutes: int = 90, title: str = "") -> ScheduledSession:
    plan = SessionPlanFactory(module__programme=cohort.programme, **({"title": title} if title else {}))
    return ScheduledSessionFactory(
        cohort=cohort, plan=plan, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes)
    )


def _mark(session: ScheduledSession, user: User, status: str) -> None:
    Attendance.objects.create(library=session.library, session=session, user=user, status=status)


@pytest.fixture
def history(participant: Any) -> dict[str, Any]:
    """Two cohorts: December 2025 across the new year (Jakarta), and March 2026 with every status."""
    library = participant.library
    me = participant.user
    peer = UserFactory(full_name="Teman Sekelas")
    MembershipFactory(user=peer, library=library, role=Role.PARTICIPANT)
    december = CohortFactory(programme__library=library, name="Angkatan Desember")
    march = CohortFactory(programme=december.programme, name="Angkatan Maret")
    for cohort in (december, march):
        EnrolmentFactory(cohort=cohort, user=me)
        EnrolmentFactory(cohort=cohort, user=peer)
    sessions = {
        # 31 Dec 2025 23:00 WIB is 16:00 UTC; 1 Jan 2026 00:30 WIB is still 31 Dec in UTC
        "new_years_eve": _session(december, datetime(2025, 12, 31, 21, 0, tzinfo=WIB), 135, "Malam tahun baru"),
        "new_year": _session(december, datetime(2026, 1, 1, 0, 30, tzinfo=WIB), 90, "Awal tahun"),
        "present": _session(march, datetime(2026, 3, 2, 8, 0, tzinfo=WIB), 180, "Katalogisasi <b>SLiMS</b>"),
        "late": _session(march, datetime(2026, 3, 3, 8, 0, tzinfo=WIB), 90, "Klasifikasi DDC"),
        "absent": _session(march, datetime(2026, 3, 4, 8, 0, tzinfo=WIB), 90, "Layanan prima"),
        "excused": _session(march, datetime(2026, 3, 5, 8, 0, tzinfo=WIB), 90, "Promosi layanan"),
        "unmarked": _session(march, datetime(2026, 3, 6, 8, 0, tzinfo=WIB), 90, "Literasi informasi"),
        "future": _session(march, datetime(2026, 3, 20, 8, 0, tzinfo=WIB), 90, "Sesi yang akan datang"),
    }
    _mark(sessions["new_years_eve"], me, "present")  # 3 JP in 2025
    _mark(sessions["new_year"], me, "present")  # 2 JP in 2026
    _mark(sessions["present"], me, "present")  # 4 JP
    _mark(sessions["late"], me, "late")  # 2 JP
    _mark(sessions["absent"], me, "absent")
    _mark(sessions["excused"], me, "excused")
    for key in ("new_year", "present", "late", "absent", "excused", "unmarked"):
        _mark(sessions[key], peer, "present")  # the peer's marks never show in my history
    return {"sessions": sessions, "peer": peer}


def test_the_participant_sees_their_sessions_by_year_against_the_target(participant: Any, history: Any) -> None:
    response = participant.client.get(reverse(MY_JP))
    assert response.status_code == 200
    years = response.context["years"]
    assert [y.year for y in years] == [2026, 2025]
    this_year, last_year = years
    assert [line.session for line in last_year.lines] == ["Malam tahun baru"]
    assert (last_year.total, last_year.target, last_year.reached) == (3, 20, False)
    assert [(line.session, line.status, line.jp_counted) for line in this_year.lines] == [
        ("Awal tahun", "present", 2),
        ("Katalogisasi <b>SLiMS</b>", "present", 4),
        ("Klasifikasi DDC", "late", 2),
        ("Layanan prima", "absent", 0),
        ("Promosi layanan", "excused", 0),
        ("Literasi informasi", "", 0),  # started, nothing recorded; the future session is not listed
    ]
    assert (this_year.total, this_year.missing, this_year.percent) == (8, 12, 40)
    html = response.content.decode()
    assert "Katalogisasi &lt;b&gt;SLiMS&lt;/b&gt;" in html and "<b>SLiMS</b>" not in html
    with translation.override("id"):
        assert translation.gettext("Not recorded") in html and "Belum dicatat" in html
    assert "8 dari 20 JP" in html and "kurang 12 JP" in html


def test_the_year_reaches_the_target(participant: Any) -> None:
    cohort = CohortFactory(programme__library=participant.library)
    EnrolmentFactory(cohort=cohort, user=participant.user)
    for day in range(2, 7):
        _mark(_session(cohort, datetime(2026, 3, day, 8, 0, tzinfo=WIB), 180), participant.user, "present")
    (year,) = participant.client.get(reverse(MY_JP)).context["years"]
    assert (year.total, year.reached, year.missing, year.percent) == (20, True, 0, 100)


def test_another_participant_sees_only_their_own(participant: Any, history: Any) -> None:
    peer = history["peer"]
    participant.client.force_login(peer)
    years = participant.client.get(reverse(MY_JP)).context["years"]
    assert [(y.year, y.total) for y in years] == [(2026, 14), (2025, 0)]  # six sessions of 2026, all present
    (new_years_eve,) = years[1].lines  # enrolled, started, nothing recorded for them (the present was mine)
    assert (new_years_eve.session, new_years_eve.status, new_years_eve.counts) == ("Malam tahun baru", "", False)


def test_a_participant_of_another_library_sees_none_of_it(participant: Any, history: Any, library_b: Any) -> None:
    other = UserFactory()
    MembershipFactory(user=other, library=library_b, role=Role.PARTICIPANT)
    # and the history's owner, also a participant in library B, sees nothing of A while in B
    participant.client.force_login(other)
    response = participant.client.get(reverse(MY_JP))
    assert response.status_code == 200 and response.context["years"] == []
    assert "Malam tahun baru" not in response.content.decode()
    assert b"Malam tahun baru" not in participant.client.get(reverse(MY_JP_PDF)).content


@pytest.mark.parametrize("persona", ["coordinator_a", "instructor_a", "partner_a", "coordinator_b"])
def test_other_roles_may_not(persona: str, personas: dict[str, Any]) -> None:
    client = personas[persona].client
    assert client.get(reverse(MY_JP)).status_code == 403
    assert client.get(reverse(MY_JP_PDF)).status_code == 403


def test_anonymous_is_sent_to_the_login(anon: Any) -> None:
    for name in (MY_JP, MY_JP_PDF):
        response = anon.client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_pdf_for_the_dossier(participant: Any, history: Any) -> None:
    User.objects.filter(pk=participant.user.pk).update(full_name="Dewi <i>Sekar</i>", nip="198706152010012003")
    response = participant.client.get(reverse(MY_JP_PDF))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="riwayat-jp-dewi-isekari.pdf"' in response["Content-Disposition"]
    assert b"/FontFile2" in response.content and b"Helvetica" not in response.content
    text = " ".join(pdf_text(response.content).split())
    for shown in ("RIWAYAT JP", "Dewi <i>Sekar</i>", "198706152010012003", "2026: 8 dari 20 JP", "2025: 3 dari 20 JP"):
        assert shown in text, shown
    assert "Katalogisasi <b>SLiMS</b>" in text and "Belum dicatat" in text
    assert "Teman Sekelas" not in text
    assert text.index("2026: 8") < text.index("2025: 3")  # the latest year first


def test_the_pdf_of_one_year(participant: Any, history: Any) -> None:
    response = participant.client.get(reverse(MY_JP_PDF), {"tahun": "2025"})
    assert "riwayat-jp-" in response["Content-Disposition"] and "-2025.pdf" in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content).split())
    assert "2025: 3 dari 20 JP" in text and "2026:" not in text and "Malam tahun baru" in text


def test_the_dashboard_links_to_it(participant: Any) -> None:
    html = participant.client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse(MY_JP)}"' in html


@pytest.mark.parametrize("size", [2, 12])
def test_the_page_has_a_fixed_number_of_queries(participant: Any, size: int, django_assert_num_queries: Any) -> None:
    cohort = CohortFactory(programme__library=participant.library)
    EnrolmentFactory(cohort=cohort, user=participant.user)
    for n in range(size):
        session = _session(cohort, datetime(2025 + n % 2, 3, 2 + n // 2, 8, 0, tzinfo=WIB))
        if n % 3:
            _mark(session, participant.user, "present")
    participant.client.get(reverse(MY_JP))  # the session and the library chooser are warm
    with django_assert_num_queries(PAGE_QUERIES):
        response = participant.client.get(reverse(MY_JP))
    assert sum(len(y.lines) for y in response.context["years"]) == size

"""The calendar: month and week arithmetic, the iCalendar text, the calendar page and the feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar.parser import unescape_backslash

from lentera.delivery import calendar as cal
from lentera.delivery.models import CalendarFeed, Cohort, Enrolment, ScheduledSession
from lentera.delivery.tests.factories import WIB, CohortFactory, EnrolmentFactory, ScheduledSessionFactory

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=WIB)


# Month and week arithmetic ----------------------------------------------------------------------


class TestMonthWeeks:
    def test_weeks_start_on_monday_and_cover_the_month(self) -> None:
        weeks = cal.month_weeks(2026, 3)  # 1 March 2026 is a Sunday, 31 March a Tuesday
        assert weeks[0][0] == date(2026, 2, 23) and weeks[0][-1] == date(2026, 3, 1)
        assert weeks[-1][0] == date(2026, 3, 30) and weeks[-1][-1] == date(2026, 4, 5)
        assert len(weeks) == 6
        assert all(len(week) == 7 and week[0].weekday() == 0 for week in weeks)
        days = [day for week in weeks for day in week]
        assert days == [date(2026, 2, 23) + timedelta(days=n) for n in range(42)]

    def test_a_month_that_starts_on_monday(self) -> None:
        weeks = cal.month_weeks(2027, 2)  # 1 February 2027 is a Monday; 28 days
        assert weeks[0][0] == date(2027, 2, 1)
        assert weeks[-1][-1] == date(2027, 2, 28)
        assert len(weeks) == 4

    def test_a_leap_february(self) -> None:
        days = [d for week in cal.month_weeks(2028, 2) for d in week if d.month == 2]
        assert days[-1] == date(2028, 2, 29)

    def test_an_impossible_month_is_a_value_error(self) -> None:
        with pytest.raises(ValueError):
            cal.month_weeks(2026, 13)


class TestShiftMonth:
    @pytest.mark.parametrize(
        ("year", "month", "delta", "expected"),
        [
            (2026, 3, 0, (2026, 3)),
            (2026, 3, 1, (2026, 4)),
            (2026, 12, 1, (2027, 1)),
            (2026, 1, -1, (2025, 12)),
            (2026, 11, -23, (2024, 12)),
            (2026, 6, 24, (2028, 6)),
            (2026, 12, 13, (2028, 1)),
        ],
    )
    def test_across_years(self, year: int, month: int, delta: int, expected: tuple[int, int]) -> None:
        assert cal.shift_month(year, month, delta) == expected


class TestWeeks:
    def test_monday_of_any_day(self) -> None:
        assert cal.monday_of(date(2026, 3, 4)) == date(2026, 3, 2)  # a Wednesday
        assert cal.monday_of(date(2026, 3, 2)) == date(2026, 3, 2)
        assert cal.monday_of(date(2026, 3, 1)) == date(2026, 2, 23)  # a Sunday: the week before
        assert cal.monday_of(date(2027, 1, 1)) == date(2026, 12, 28)

    def test_week_days(self) -> None:
        assert cal.week_days(date(2026, 12, 28)) == [date(2026, 12, 28) + timedelta(days=n) for n in range(7)]
        assert cal.week_days(date(2026, 12, 28))[-1] == date(2027, 1, 3)


# The iCalendar text ----------------------------------------------------------------------------


def event(**overrides: Any) -> cal.Event:
    starts_at = datetime(2026, 3, 2, 8, 0, tzinfo=WIB)
    data: dict[str, Any] = {
        "uid": "sesi-1@lentera",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=90),
        "summary": "Klasifikasi DDC",
    }
    return cal.Event(**{**data, **overrides})


def unfolded(text: str) -> list[str]:
    """The logical lines of an iCalendar text (RFC 5545 §3.1: CRLF followed by a space continues a line)."""
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def octets(text: str) -> list[int]:
    return [len(line.encode()) for line in text.split("\r\n")]


class TestIcs:
    def test_a_calendar_with_one_event_in_utc(self) -> None:
        text = cal.ics(
            name="Lentera · Siti",
            events=[event(location="Aula", description="Ceramah · 2 JP", url="https://lentera.example/sesi/1/")],
            now=NOW,
        )
        lines = unfolded(text)
        assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
        assert "VERSION:2.0" in lines and "X-WR-CALNAME:Lentera · Siti" in lines
        start = lines.index("BEGIN:VEVENT")
        assert lines[start : lines.index("END:VEVENT") + 1] == [
            "BEGIN:VEVENT",
            "UID:sesi-1@lentera",
            "DTSTAMP:20261125T020000Z",
            "DTSTART:20260302T010000Z",  # 08:00 in Jakarta
            "DTEND:20260302T023000Z",
            "SUMMARY:Klasifikasi DDC",
            "LOCATION:Aula",
            "DESCRIPTION:Ceramah · 2 JP",
            "URL:https://lentera.example/sesi/1/",
            "END:VEVENT",
        ]
        assert "\n" not in text.replace("\r\n", "")  # every line ends with CRLF

    def test_empty_optional_fields_are_left_out(self) -> None:
        lines = unfolded(cal.ics(name="x", events=[event()], now=NOW))
        assert not any(line.startswith(("LOCATION", "DESCRIPTION", "URL")) for line in lines)

    def test_no_events(self) -> None:
        lines = unfolded(cal.ics(name="x", events=[], now=NOW))
        assert "BEGIN:VEVENT" not in lines and lines[-1] == "END:VCALENDAR"

    def test_commas_semicolons_backslashes_and_newlines_are_escaped(self) -> None:
        summary = "Rapat, evaluasi; folder C:\\data\nbaris dua\r\nbaris tiga"
        lines = unfolded(cal.ics(name="Jadwal; Siti, Budi", events=[event(summary=summary)], now=NOW))
        assert "SUMMARY:Rapat\\, evaluasi\\; folder C:\\\\data\\nbaris dua\\nbaris tiga" in lines
        assert "X-WR-CALNAME:Jadwal\\; Siti\\, Budi" in lines

    def test_long_multibyte_lines_are_folded_at_75_octets_between_characters(self) -> None:
        summary = "Literasi informasi untuk pustakawan 📚 — “Perpustakaan Ramah Anak” ✨ sesi lanjutan " * 4
        location = "Ruang Serbaguna Lantai 3, Gedung Layanan Perpustakaan Daerah Provinsi Jawa Timur (é à ü)"
        text = cal.ics(name="Lentera", events=[event(summary=summary, location=location)], now=NOW)
        assert max(octets(text)) <= 75
        physical = text.split("\r\n")
        assert any(line.startswith(" ") for line in physical)  # something was folded
        lines = unfolded(text)
        # unfolding (removing CRLF + one space) restores the text: no character was cut, none added
        # (a fold may fall just before a space of the text, so a continuation may start with two spaces)
        assert f"SUMMARY:{summary}" in lines
        assert f"LOCATION:{location.replace(',', chr(92) + ',')}" in lines

    def test_a_line_that_fits_is_not_folded_and_one_octet_more_is(self) -> None:
        # icalendar keeps a first line under 75 octets (RFC 5545: at most 75), so 74 is the longest unfolded line
        summary = "x" * (74 - len("SUMMARY:"))
        text = cal.ics(name="x", events=[event(summary=summary)], now=NOW)
        assert f"\r\nSUMMARY:{summary}\r\n" in text
        longer = cal.ics(name="x", events=[event(summary=summary + "y")], now=NOW)
        assert f"\r\nSUMMARY:{summary}\r\n y\r\n" in longer
        assert max(octets(longer)) <= 75

    def test_the_first_fold_keeps_75_octets_and_continuations_74_plus_the_space(self) -> None:
        summary = "é" * 100  # two octets each
        physical = cal.ics(name="x", events=[event(summary=summary)], now=NOW).split("\r\n")
        first = physical.index(next(line for line in physical if line.startswith("SUMMARY:")))
        assert len(physical[first].encode()) == 74  # "SUMMARY:" (8) + 33 × 2: a 34th would make 76
        assert all(len(line.encode()) <= 75 for line in physical[first + 1 : first + 3])
        assert physical[first + 1].startswith(" é")

    def test_separators_newlines_and_a_long_room_round_trip_through_a_parser(self) -> None:
        title = "Rapat; evaluasi, tahap 2\nbaris dua"
        room = ("Ruang Baca Anak; Lantai 2, Sayap Timur " * 3)[:100]
        text = cal.ics(name="Jadwal; Siti, Budi", events=[event(summary=title, location=room)], now=NOW)
        assert max(octets(text)) <= 75 and len(room) == 100

        parsed = icalendar.Calendar.from_ical(text)

        [vevent] = parsed.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == title
        assert str(vevent["LOCATION"]) == room
        assert str(vevent["UID"]) == "sesi-1@lentera"
        assert vevent.decoded("DTSTART") == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 in Jakarta
        assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == timedelta(minutes=90)
        assert vevent.decoded("DTSTAMP") == NOW
        # the parser keeps an X- property raw; calendar apps read the name as TEXT, escapes undone
        assert unescape_backslash(str(parsed["X-WR-CALNAME"])) == "Jadwal; Siti, Budi"


# The calendar page ------------------------------------------------------------------------------


def flashed(response: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def session_at(cohort: Cohort, starts_at: datetime, minutes: int = 90, **kwargs: Any) -> ScheduledSession:
    return ScheduledSessionFactory(
        cohort=cohort, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **kwargs
    )


def march(day: int, hour: int = 8) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=WIB)


@pytest.fixture
def cohort(participant: Any) -> Cohort:
    """The participant persona's cohort."""
    cohort = CohortFactory(programme__library=participant.library, name="Angkatan Melati")
    EnrolmentFactory(cohort=cohort, user=participant.user)
    return cohort


@pytest.fixture
def others(participant: Any) -> Cohort:
    """Another cohort of library A, without the participant persona."""
    return CohortFactory(programme__library=participant.library, name="Angkatan Mawar")


def sessions_by_day(response: Any) -> dict[date, list[str]]:
    return {day: [s.plan.title for s in sessions] for day, sessions in response.context["by_day"].items()}


@pytest.mark.django_db
class TestCalendarPage:
    def test_the_month_lists_the_persons_sessions_on_their_days(
        self, participant: Any, cohort: Cohort, others: Cohort
    ) -> None:
        early = session_at(cohort, march(2, 6), plan__title="Pagi Sekali")  # 23:00 UTC on 1 March
        session_at(cohort, march(2, 13), plan__title="Siang")
        session_at(cohort, march(31, 23), plan__title="Larut Malam")  # 16:00 UTC, still 31 March in Jakarta
        session_at(cohort, datetime(2026, 4, 10, 8, tzinfo=WIB), plan__title="Bulan Depan")
        session_at(others, march(3), plan__title="Bukan Sesi Saya")

        response = participant.client.get(reverse("delivery:calendar"), {"bulan": "2026-03"})

        assert response.context["mode"] == "month"
        assert response.context["month"] == date(2026, 3, 1)
        assert (response.context["previous"], response.context["following"]) == (date(2026, 2, 1), date(2026, 4, 1))
        assert sessions_by_day(response) == {
            date(2026, 3, 2): ["Pagi Sekali", "Siang"],
            date(2026, 3, 31): ["Larut Malam"],
        }
        html = response.content.decode()
        assert reverse("delivery:session_detail", args=[early.pk]) in html
        assert "06:00 Pagi Sekali" in html  # local time
        assert "Bukan Sesi Saya" not in html and "Bulan Depan" not in html

    def test_the_month_grid_shows_the_neighbouring_days_sessions(self, participant: Any, cohort: Cohort) -> None:
        session_at(cohort, datetime(2026, 4, 3, 8, tzinfo=WIB), plan__title="Awal April")  # in the last week shown
        response = participant.client.get(reverse("delivery:calendar"), {"bulan": "2026-03"})
        assert sessions_by_day(response) == {date(2026, 4, 3): ["Awal April"]}

    def test_december_links_to_january_of_the_next_year(self, participant: Any) -> None:
        response = participant.client.get(reverse("delivery:calendar"), {"bulan": "2026-12"})
        assert (response.context["previous"], response.context["following"]) == (date(2026, 11, 1), date(2027, 1, 1))
        assert "?bulan=2027-01" in response.content.decode()

    def test_without_a_month_it_is_this_month(self, participant: Any) -> None:
        response = participant.client.get(reverse("delivery:calendar"))
        today = timezone.localdate()
        assert response.context["month"] == date(today.year, today.month, 1)

    def test_the_week_view(self, participant: Any, cohort: Cohort) -> None:
        session_at(cohort, march(1, 20), plan__title="Minggu Lalu")
        session_at(cohort, march(2, 6), plan__title="Senin Pagi")
        session_at(cohort, march(8, 20), plan__title="Minggu Malam")
        session_at(cohort, march(9, 6), plan__title="Senin Berikutnya")

        response = participant.client.get(reverse("delivery:calendar"), {"minggu": "2026-03-04"})

        assert response.context["mode"] == "week"
        assert response.context["days"] == [date(2026, 3, 2) + timedelta(days=n) for n in range(7)]
        assert (response.context["previous"], response.context["following"]) == (date(2026, 2, 23), date(2026, 3, 9))
        assert sessions_by_day(response) == {date(2026, 3, 2): ["Senin Pagi"], date(2026, 3, 8): ["Minggu Malam"]}
        html = response.content.decode()
        assert "Senin Pagi" in html and "Minggu Lalu" not in html and "Senin Berikutnya" not in html

    @pytest.mark.parametrize(
        "query", [{"minggu": "2026-02-30"}, {"minggu": "kemarin"}, {"bulan": "2026-13"}, {"bulan": "2026"}]
    )
    def test_a_bad_date_goes_back_to_this_month_with_a_message(self, participant: Any, query: dict[str, str]) -> None:
        response = participant.client.get(reverse("delivery:calendar"), query)
        assert response.status_code == 302
        assert response["Location"] == reverse("delivery:calendar")
        with translation.override("id"):
            message = translation.gettext("That date is not valid; here is this month.")
        assert message != "That date is not valid; here is this month."
        assert flashed(response) == [("error", message)]

    def test_the_coordinator_sees_every_session_of_the_library(
        self, coordinator: Any, cohort: Cohort, others: Cohort, library_b: Any
    ) -> None:
        session_at(cohort, march(2), plan__title="Melati")
        session_at(others, march(3), plan__title="Mawar")
        session_at(CohortFactory(programme__library=library_b), march(4), plan__title="Perpustakaan Lain")
        response = coordinator.client.get(reverse("delivery:calendar"), {"bulan": "2026-03"})
        assert sessions_by_day(response) == {date(2026, 3, 2): ["Melati"], date(2026, 3, 3): ["Mawar"]}

    def test_a_participant_sees_only_their_cohorts_sessions(
        self, participant: Any, cohort: Cohort, others: Cohort
    ) -> None:
        session_at(cohort, march(2), plan__title="Melati")
        session_at(others, march(3), plan__title="Mawar")
        waiting = CohortFactory(programme__library=participant.library)
        EnrolmentFactory(cohort=waiting, user=participant.user, status=Enrolment.Status.WAITLISTED)
        session_at(waiting, march(4), plan__title="Masih Menunggu")
        response = participant.client.get(reverse("delivery:calendar"), {"bulan": "2026-03"})
        assert sessions_by_day(response) == {date(2026, 3, 2): ["Melati"]}

    def test_an_instructor_sees_the_sessions_they_teach(self, instructor: Any, others: Cohort) -> None:
        session_at(others, march(2), plan__title="Saya Mengajar", instructors=[instructor.user])
        session_at(others, march(3), plan__title="Orang Lain Mengajar")
        response = instructor.client.get(reverse("delivery:calendar"), {"bulan": "2026-03"})
        assert sessions_by_day(response) == {date(2026, 3, 2): ["Saya Mengajar"]}

    @pytest.mark.parametrize("size", [2, 15])
    def test_the_month_has_a_fixed_number_of_queries(
        self, participant: Any, cohort: Cohort, size: int, django_assert_num_queries: Any
    ) -> None:
        for n in range(size):
            session_at(cohort, march(1 + n, 8))
        CalendarFeed.objects.create(user=participant.user)
        participant.client.get(reverse("dashboard"))
        # access (3) + the sessions with their plans and cohorts + the feed
        with django_assert_num_queries(5):
            response = participant.client.get(reverse("delivery:calendar"), {"bulan": "2026-03"})
        assert sum(len(s) for s in response.context["by_day"].values()) == size


# The feed --------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestFeedAddress:
    def test_getting_an_address_shows_it_on_the_calendar(self, participant: Any) -> None:
        response = participant.client.post(reverse("delivery:calendar_feed"), {"action": "renew"})
        assert response["Location"] == reverse("delivery:calendar")
        feed = CalendarFeed.objects.get(user=participant.user, revoked_at__isnull=True)
        page = participant.client.get(reverse("delivery:calendar"))
        url = f"http://testserver{reverse('delivery:ical_feed', args=[feed.token])}"
        assert page.context["feed_url"] == url
        assert f'value="{url}"' in page.content.decode()
        assert Client().get(url).status_code == 200

    def test_a_new_address_switches_the_old_one_off(self, participant: Any) -> None:
        participant.client.post(reverse("delivery:calendar_feed"), {"action": "renew"})
        old = CalendarFeed.objects.get(user=participant.user)
        participant.client.post(reverse("delivery:calendar_feed"), {"action": "renew"})
        new = CalendarFeed.objects.get(user=participant.user, revoked_at__isnull=True)
        assert new.token != old.token
        assert Client().get(reverse("delivery:ical_feed", args=[old.token])).status_code == 404
        assert Client().get(reverse("delivery:ical_feed", args=[new.token])).status_code == 200

    def test_switching_off_stops_the_address(self, participant: Any) -> None:
        participant.client.post(reverse("delivery:calendar_feed"), {"action": "renew"}, follow=True)
        feed = CalendarFeed.objects.get(user=participant.user)
        response = participant.client.post(reverse("delivery:calendar_feed"), {"action": "revoke"})
        assert response["Location"] == reverse("delivery:calendar")
        assert [level for level, _text in flashed(response)] == ["info"]
        feed.refresh_from_db()
        assert feed.revoked_at is not None
        assert Client().get(reverse("delivery:ical_feed", args=[feed.token])).status_code == 404
        page = participant.client.get(reverse("delivery:calendar"))
        assert page.context["feed_url"] == ""
        assert feed.token not in page.content.decode()


@pytest.mark.django_db
class TestIcalFeed:
    def test_the_feed_has_one_event_per_session_in_utc(self, participant: Any, cohort: Cohort, others: Cohort) -> None:
        now = timezone.now().replace(microsecond=0)
        soon = session_at(cohort, now + timedelta(days=2), room="Aula", plan__title="Klasifikasi DDC")
        later = session_at(cohort, now + timedelta(days=9), minutes=135, plan__title="Katalogisasi")
        session_at(cohort, now - timedelta(days=120), plan__title="Terlalu Lama")
        session_at(others, now + timedelta(days=3), plan__title="Bukan Sesi Saya")
        feed = CalendarFeed.objects.create(user=participant.user)

        response = Client().get(reverse("delivery:ical_feed", args=[feed.token]))

        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        text = response.content.decode()
        assert max(len(line) for line in response.content.split(b"\r\n")) <= 75
        lines = unfolded(text)
        assert lines.count("BEGIN:VEVENT") == 2
        assert [line for line in lines if line.startswith("UID:")] == [
            f"UID:sesi-{soon.pk}@lentera",
            f"UID:sesi-{later.pk}@lentera",
        ]
        starts = [line for line in lines if line.startswith("DTSTART:")]
        assert starts == [f"DTSTART:{s.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" for s in (soon, later)]
        assert "SUMMARY:Klasifikasi DDC (Angkatan Melati)" in lines
        assert "LOCATION:Aula\\, Perpustakaan A" in lines
        assert f"URL:http://testserver{reverse('delivery:session_detail', args=[soon.pk])}" in lines
        assert "Bukan Sesi Saya" not in text and "Terlalu Lama" not in text

    def test_long_titles_are_folded(self, participant: Any, cohort: Cohort) -> None:
        title = "Pengembangan Koleksi Perpustakaan Ramah Anak dan Disabilitas 📚✨ — Tingkat Lanjut"
        session_at(cohort, timezone.now() + timedelta(days=1), plan__title=title)
        feed = CalendarFeed.objects.create(user=participant.user)
        response = Client().get(reverse("delivery:ical_feed", args=[feed.token]))
        assert max(len(line) for line in response.content.split(b"\r\n")) <= 75
        assert f"SUMMARY:{title} (Angkatan Melati)" in unfolded(response.content.decode())

    def test_a_coordinator_feed_has_every_session_of_their_library(
        self, coordinator: Any, cohort: Cohort, others: Cohort, library_b: Any
    ) -> None:
        now = timezone.now()
        session_at(cohort, now + timedelta(days=1))
        session_at(others, now + timedelta(days=2))
        session_at(CohortFactory(programme__library=library_b), now + timedelta(days=3))
        feed = CalendarFeed.objects.create(user=coordinator.user)
        text = Client().get(reverse("delivery:ical_feed", args=[feed.token])).content.decode()
        assert unfolded(text).count("BEGIN:VEVENT") == 2

    def test_a_revoked_or_unknown_token_is_404(self, participant: Any) -> None:
        feed = CalendarFeed.objects.create(user=participant.user, revoked_at=timezone.now())
        assert Client().get(reverse("delivery:ical_feed", args=[feed.token])).status_code == 404
        assert Client().get(reverse("delivery:ical_feed", args=["tidak-ada"])).status_code == 404

    def test_a_person_who_left_the_library_no_longer_sees_its_sessions(self, participant: Any, cohort: Cohort) -> None:
        session_at(cohort, timezone.now() + timedelta(days=1))
        feed = CalendarFeed.objects.create(user=participant.user)
        participant.user.memberships.update(is_active=False)
        text = Client().get(reverse("delivery:ical_feed", args=[feed.token])).content.decode()
        assert "BEGIN:VEVENT" not in text

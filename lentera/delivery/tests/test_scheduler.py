"""The whole-programme scheduler without a database: laying plans on slots, and marking clashes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from lentera.delivery import scheduler
from lentera.delivery.scheduler import Busy, Item, Kind, Plan, Slots

WIB = ZoneInfo("Asia/Jakarta")
MON = date(2026, 3, 2)  # a Monday
WEEK = frozenset({0, 1, 2, 3, 4})
COHORT = (date(2026, 3, 2), date(2026, 3, 13))


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def plans(*minutes: int, instructors: tuple[int, ...] = ()) -> list[Plan]:
    return [Plan(key=n, title=f"Sesi {n}", minutes=m, instructors=instructors) for n, m in enumerate(minutes, 1)]


def slots(**kwargs: Any) -> Slots:
    values: dict[str, Any] = {
        "weekdays": WEEK,
        "starts": (time(8), time(13)),
        "rooms": ("Aula",),
        "first_day": MON,
    }
    values.update(kwargs)
    return Slots(**values)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=WIB)


def placed(items: list[Item]) -> list[tuple[int, date, time, str]]:
    return [(i.plan.key, i.day, i.start, i.room) for i in items]


class TestLayOut:
    def test_plans_fill_the_slots_in_order_two_a_day(self) -> None:
        items = scheduler.lay_out(plans(90, 90, 90, 90, 90), slots(), busy=[], tz=WIB)
        assert placed(items) == [
            (1, date(2026, 3, 2), time(8), "Aula"),
            (2, date(2026, 3, 2), time(13), "Aula"),
            (3, date(2026, 3, 3), time(8), "Aula"),
            (4, date(2026, 3, 3), time(13), "Aula"),
            (5, date(2026, 3, 4), time(8), "Aula"),
        ]

    def test_weekends_unchosen_weekdays_and_days_off_are_skipped(self) -> None:
        items = scheduler.lay_out(
            plans(90, 90, 90),
            slots(weekdays=frozenset({0, 4}), starts=(time(8),), days_off=frozenset({date(2026, 3, 6)}), first_day=MON),
            busy=[],
            tz=WIB,
        )
        # Monday 2 March, (Friday 6 March is a day off), Monday 9, Friday 13
        assert [i.day for i in items] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 13)]

    def test_a_long_session_takes_the_next_slot_too(self) -> None:
        items = scheduler.lay_out(plans(360, 90), slots(), busy=[], tz=WIB)  # 08:00-14:00 overlaps 13:00
        assert placed(items) == [(1, MON, time(8), "Aula"), (2, date(2026, 3, 3), time(8), "Aula")]

    def test_each_session_takes_the_first_room_free_then(self) -> None:
        booked = Busy(at(2, 8), at(2, 10), "aula ", frozenset(), "“Lain” (Angkatan II)")
        items = scheduler.lay_out(plans(90, 90), slots(rooms=("Aula", "Lab")), busy=[booked], tz=WIB)
        assert [i.room for i in items] == ["Lab", "Aula"]

    def test_when_every_room_is_taken_the_first_is_kept_and_check_marks_it(self) -> None:
        booked = Busy(at(2, 8), at(2, 10), "Aula", frozenset(), "“Lain” (Angkatan II)")
        items = scheduler.lay_out(plans(90), slots(), busy=[booked], tz=WIB)
        assert items[0].room == "Aula"
        [row] = scheduler.check(items, busy=[booked], slots=slots(), cohort_days=COHORT, names={}, tz=WIB)
        assert [c.kind for c in row.clashes] == [Kind.ROOM]

    def test_no_rooms_leaves_the_room_empty(self) -> None:
        items = scheduler.lay_out(plans(90), slots(rooms=()), busy=[], tz=WIB)
        assert items[0].room == ""

    def test_the_first_day_need_not_be_a_chosen_weekday(self) -> None:
        items = scheduler.lay_out(plans(90), slots(first_day=date(2026, 3, 1)), busy=[], tz=WIB)  # a Sunday
        assert items[0].day == MON


class TestCheck:
    def check(self, items: list[Item], busy: Sequence[Busy] = (), **kwargs: Any) -> list[scheduler.Checked]:
        return scheduler.check(
            items, busy=list(busy), slots=slots(**kwargs), cohort_days=COHORT, names={7: "Bu Sari"}, tz=WIB
        )

    def test_a_clean_draft_has_no_clashes(self) -> None:
        items = scheduler.lay_out(plans(90, 90, instructors=(7,)), slots(), busy=[], tz=WIB)
        rows = self.check(items)
        assert [r.clashes for r in rows] == [[], []]
        assert (rows[0].starts_at, rows[0].ends_at) == (at(2, 8), at(2, 9, 30))

    def test_an_instructor_teaching_elsewhere_then_is_a_blocking_clash(self) -> None:
        other = Busy(at(2, 9), at(2, 11), "Lab", frozenset({7}), "“Katalogisasi” (Angkatan II), Sen, 2 Mar 2026")
        [row] = self.check([Item(plans(90, instructors=(7,))[0], MON, time(8), "Aula")], [other])
        [clash] = row.clashes
        assert clash.kind == Kind.INSTRUCTOR and clash.blocks and row.blocks
        assert clash.message == "Bu Sari already teaches “Katalogisasi” (Angkatan II), Sen, 2 Mar 2026."

    def test_back_to_back_is_not_a_clash(self) -> None:
        other = Busy(at(2, 9, 30), at(2, 11), "Aula", frozenset({7}), "x")
        [row] = self.check([Item(plans(90, instructors=(7,))[0], MON, time(8), "Aula")], [other])
        assert row.clashes == []

    def test_two_rows_of_the_draft_at_once_both_overlap(self) -> None:
        first, second = plans(90, 90)
        rows = self.check([Item(first, MON, time(8), "Aula"), Item(second, MON, time(9), "Lab")])
        assert [[c.message for c in r.clashes] for r in rows] == [
            ["At the same time as row 2, “Sesi 2”."],
            ["At the same time as row 1, “Sesi 1”."],
        ]

    @pytest.mark.parametrize(
        ("day", "start", "minutes"),
        [(date(2026, 3, 1), time(8), 90), (date(2026, 3, 16), time(8), 90), (date(2026, 3, 13), time(23), 90)],
    )
    def test_outside_the_cohort_dates_blocks(self, day: date, start: time, minutes: int) -> None:
        [row] = self.check([Item(plans(minutes)[0], day, start, "")], weekdays=frozenset(range(7)))
        assert [c.kind for c in row.clashes] == [Kind.OUTSIDE]
        assert row.blocks

    def test_a_day_off_or_an_unchosen_weekday_is_only_a_note(self) -> None:
        items = [
            Item(plans(90)[0], date(2026, 3, 7), time(8), ""),
            Item(plans(90, 90)[1], date(2026, 3, 5), time(8), ""),
        ]
        rows = self.check(items, days_off=frozenset({date(2026, 3, 5)}))
        assert [[c.message for c in r.clashes] for r in rows] == [
            ["On a weekday you did not choose."],
            ["On a day off you excluded."],
        ]
        assert not any(r.blocks for r in rows)

    def test_room_names_match_whatever_the_case_and_spaces(self) -> None:
        other = Busy(at(2, 8), at(2, 9), " ruang baca ", frozenset(), "x")
        [row] = self.check([Item(plans(90)[0], MON, time(8), "Ruang Baca")], [other])
        assert [c.kind for c in row.clashes] == [Kind.ROOM]

    def test_an_empty_room_never_clashes_on_the_room(self) -> None:
        other = Busy(at(2, 8), at(2, 9), "", frozenset(), "x")
        [row] = self.check([Item(plans(90)[0], MON, time(8), "")], [other])
        assert row.clashes == []

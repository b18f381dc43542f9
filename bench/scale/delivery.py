"""Scale data, part two: cohorts on the calendar, enrolments, scheduled sessions and attendance."""

# the seeded generator makes repeatable load-test data, never secrets
# ruff: noqa: S311

from __future__ import annotations

import base64
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from bench.scale.db import Writer
from bench.scale.people import LibraryData
from bench.scale.plan import COMPLETION_SHARE
from lentera.curriculum.jp import jp_for_minutes
from lentera.delivery.models import (
    Attendance,
    Cohort,
    DiscussionGroup,
    Enrolment,
    GroupMember,
    ScheduledSession,
    SessionInstructor,
)
from lentera.demo.delivery import weekdays

ROMAN = ["I", "II", "III", "IV", "V", "VI"]
ROOMS = {"practice": "Laboratorium Komputer", "role_play": "Ruang Layanan (simulasi)"}
DEFAULT_ROOM = "Ruang Pelatihan"
SPACING_DAYS = 182  # two cohorts a year

COMPLETE, LOW_ATTENDANCE, LOW_POST = "complete", "low_attendance", "low_post"


@dataclass
class SessionRow:
    id: int
    starts_at: datetime
    ends_at: datetime
    jp: int
    instructor_id: int
    held: bool  # ended before now


@dataclass
class CohortRow:
    id: int
    lib: LibraryData
    year: int
    name: str
    starts_on: date
    ends_on: date
    running: bool
    tested: bool
    session_feedback: bool  # every session had a feedback round
    follow_up: bool = False  # its follow-up round (L3) came due and has closed
    sessions: list[SessionRow] = field(default_factory=list)
    enrolled: list[int] = field(default_factory=list)
    outcome: dict[int, str] = field(default_factory=dict)
    attended: dict[int, set[int]] = field(default_factory=dict)  # user -> indexes of sessions present or late
    jp: dict[int, int] = field(default_factory=dict)


def weekdays_back(end: date, count: int) -> date:
    """The weekday ``count`` weekdays before ``end``."""
    day = end
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _calendar(lib: LibraryData, sessions: int, today: date, rng: random.Random) -> list[tuple[date, bool]]:
    """(first day, running) of each of the library's cohorts, oldest first."""
    count = lib.plan.cohorts
    starts = []
    for k in range(count):
        back = count - 1 - k
        if lib.plan.has_running and back == 0:
            starts.append((weekdays_back(today, sessions // 2), True))
            continue
        ends_ago = 21 + rng.randint(0, 20) + SPACING_DAYS * back
        end = today - timedelta(days=ends_ago)
        starts.append((weekdays_back(end, sessions - 1), False))
    return starts


def years_of(libraries: list[LibraryData], plan_sessions: int, now: datetime, seed: int) -> dict[int, set[int]]:
    today = timezone.localtime(now).date()
    result = {}
    for lib in libraries:
        rng = random.Random(f"{seed}-calendar-{lib.plan.index}")
        result[lib.plan.index] = {start.year for start, _running in _calendar(lib, plan_sessions, today, rng)}
    return result


def build_delivery(
    writer: Writer,
    libraries: list[LibraryData],
    *,
    sessions: int,
    enrolled: int,
    now: datetime,
    seed: int,
    rng: random.Random,
) -> list[CohortRow]:
    today = timezone.localtime(now).date()
    rows: list[CohortRow] = []
    objects: list[Cohort] = []
    for lib in libraries:
        calendar = _calendar(lib, sessions, today, random.Random(f"{seed}-calendar-{lib.plan.index}"))
        count_in_year: dict[int, int] = {}
        newest_finished = (
            max(k for k, (_s, running) in enumerate(calendar) if not running)
            if any(not running for _s, running in calendar)
            else -1
        )
        for k, (start, running) in enumerate(calendar):
            days = weekdays(start, sessions)
            year = start.year
            count_in_year[year] = count_in_year.get(year, 0) + 1
            name = f"Angkatan {ROMAN[min(count_in_year[year], len(ROMAN)) - 1]} {year}"
            programme = lib.programmes[year].programme
            tested = k >= len(calendar) - lib.plan.tested
            rows.append(
                CohortRow(0, lib, year, name, days[0], days[-1], running, tested, running or k == newest_finished)
            )
            objects.append(
                Cohort(
                    library=lib.library,
                    programme=programme,
                    name=name,
                    starts_on=days[0],
                    ends_on=days[-1],
                    venue=lib.library.name,
                    capacity=max(enrolled, 1) + 5,
                    status=Cohort.Status.RUNNING if running else Cohort.Status.FINISHED,
                )
            )
    for lib in libraries:
        # the newest finished cohort whose follow-up has come and gone (75 days, then open for 21)
        done = [r for r in rows if r.lib is lib and not r.running and r.ends_on + timedelta(days=96) < today]
        if done:
            max(done, key=lambda r: r.ends_on).follow_up = True
    made = writer.bulk("cohorts", objects)
    for row, cohort in zip(rows, made, strict=True):
        row.id = cohort.pk
    _enrol(writer, rows, enrolled, rng)
    _schedule(writer, rows, sessions, now, rng)
    _attendance(writer, rows, now, rng)
    _groups(writer, [r for r in rows if r.running])
    return rows


def _enrol(writer: Writer, rows: list[CohortRow], enrolled: int, rng: random.Random) -> None:
    objects: list[Enrolment] = []
    for row in rows:
        people = row.lib.participant_ids
        chosen = sorted(rng.sample(people, min(enrolled, len(people))))
        if row.running and people[0] not in chosen:
            chosen[0] = people[0]  # the benchmark participant is in the running cohort
            chosen.sort()
        row.enrolled = chosen
        objects.extend(
            Enrolment(library=row.lib.library, cohort_id=row.id, user_id=user_id, status=Enrolment.Status.ENROLLED)
            for user_id in chosen
        )
    writer.bulk("enrolments", objects)


def _schedule(writer: Writer, rows: list[CohortRow], sessions: int, now: datetime, rng: random.Random) -> None:
    objects: list[ScheduledSession] = []
    meta: list[tuple[CohortRow, int]] = []
    local_now = timezone.localtime(now)
    for row in rows:
        plans = row.lib.programmes[row.year].plans
        instructors = row.lib.instructor_ids
        for day, plan in zip(weekdays(row.starts_on, sessions), plans, strict=False):
            start = at(day, time(8, 30))
            if row.running and day == local_now.date():
                quarter = local_now.replace(second=0, microsecond=0)
                start = quarter - timedelta(minutes=quarter.minute % 15 + 15)  # running now: check-in is open
            end = start + timedelta(minutes=plan.minutes)
            instructor = instructors[(plan.module_order - 1) % len(instructors)]
            objects.append(
                ScheduledSession(
                    library=row.lib.library,
                    cohort_id=row.id,
                    plan_id=plan.id,
                    starts_at=start,
                    ends_at=end,
                    room=ROOMS.get(plan.method, DEFAULT_ROOM),
                    jp=jp_for_minutes(plan.minutes),
                    checkin_secret=f"{rng.getrandbits(128):032x}",
                )
            )
            meta.append((row, instructor))
    made = writer.bulk("sessions", objects)
    links = []
    for session, (row, instructor) in zip(made, meta, strict=True):
        row.sessions.append(
            SessionRow(session.pk, session.starts_at, session.ends_at, session.jp, instructor, session.ends_at < now)
        )
        links.append(SessionInstructor(library_id=session.library_id, session_id=session.pk, user_id=instructor))
    writer.bulk("session_instructors", links)


def _outcome(rng: random.Random, row: CohortRow) -> str:
    if rng.random() < COMPLETION_SHARE:
        return COMPLETE
    return LOW_POST if row.tested and rng.random() < 0.4 else LOW_ATTENDANCE


def _attendance(writer: Writer, rows: list[CohortRow], now: datetime, rng: random.Random) -> None:
    updated = writer.dt(now)
    present, late, excused, absent = (s.value for s in Attendance.Status)
    qr, code, manual = (m.value for m in Attendance.Method)
    random_ = rng.random

    def generate() -> Iterator[tuple[Any, ...]]:
        for row in rows:
            held = [s for s in row.sessions if s.held]
            if not held:
                continue
            need = math.ceil(0.8 * len(held))
            times = [writer.dt_offsets(s.starts_at, range(-20, 41)) for s in held]
            library_id = row.lib.library.pk
            for user_id in row.enrolled:
                outcome = COMPLETE if row.running else _outcome(rng, row)
                row.outcome[user_id] = outcome
                if row.running:
                    count = sum(1 for _s in held if random_() < 0.9)
                elif outcome == LOW_ATTENDANCE:
                    count = rng.randint(len(held) // 2, need - 1) if need > 1 else 0
                else:
                    count = rng.randint(need, len(held))
                came = set(rng.sample(range(len(held)), count))
                row.attended[user_id] = came
                row.jp[user_id] = sum(held[i].jp for i in came)
                for i, session in enumerate(held):
                    r = random_()
                    if i in came:
                        # one draw gives the status, the minute and the way of checking in
                        if r < 0.88:
                            status, minute = present, int(r / 0.88 * 31)  # 20 minutes early to 10 late
                        else:
                            status, minute = late, 36 + int((r - 0.88) / 0.12 * 25)  # 16 to 40 minutes late
                        method = qr if int(r * 1e6) % 10 < 7 else code
                        yield (library_id, session.id, user_id, status, method, times[i][minute], "", None, updated)
                    else:
                        status = excused if r < 0.35 else absent
                        yield (
                            library_id,
                            session.id,
                            user_id,
                            status,
                            manual,
                            None,
                            "",
                            session.instructor_id,
                            updated,
                        )

    columns = [
        "library_id",
        "session_id",
        "user_id",
        "status",
        "method",
        "checked_in_at",
        "note",
        "marked_by_id",
        "updated_at",
    ]
    with writer.without_indexes(Attendance):
        writer.insert("attendance", Attendance, columns, generate())


def _groups(writer: Writer, rows: list[CohortRow]) -> None:
    for row in rows:
        groups = writer.bulk(
            "discussion_groups",
            [DiscussionGroup(library=row.lib.library, cohort_id=row.id, name=f"Kelompok {n}") for n in range(1, 5)],
        )
        writer.bulk(
            "group_members",
            [
                GroupMember(library=row.lib.library, cohort_id=row.id, group=groups[k % 4], user_id=user_id)
                for k, user_id in enumerate(row.enrolled)
            ],
        )


def token(rng: random.Random) -> str:
    """A certificate token from the seeded generator (the data set is repeatable); 96 bits like ``new_token``."""
    return base64.urlsafe_b64encode(rng.getrandbits(96).to_bytes(12, "big")).decode()

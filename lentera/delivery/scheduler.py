"""Laying a whole programme on weekly slots, and marking the clashes of the draft (no database).

The coordinator gives weekdays, start times, rooms, a first day and days off; the programme's
session plans (module order, then plan order) take the free slots one after another. A draft is
only a proposal: :func:`check` marks what is wrong with each item (instructor or room already
booked, two items of the draft at once, outside the cohort's dates, on a day off), and the
coordinator moves items before anything is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from django.utils.formats import date_format
from django.utils.translation import gettext as _

MAX_DAYS = 730  # a programme that does not fit in two years of slots is a mistake in the slots


@dataclass(frozen=True)
class Plan:
    """A session plan to place: its key (pk), title, minutes and the instructors of its module."""

    key: int
    title: str
    minutes: int
    instructors: tuple[int, ...] = ()


@dataclass(frozen=True)
class Slots:
    weekdays: frozenset[int]  # 0 = Monday
    starts: tuple[time, ...]
    rooms: tuple[str, ...]
    first_day: date
    days_off: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Busy:
    """A session already on the calendar (any cohort of the library)."""

    starts_at: datetime
    ends_at: datetime
    room: str
    instructors: frozenset[int]
    label: str  # “Title” (Cohort), when


@dataclass
class Item:
    """One session of the draft."""

    plan: Plan
    day: date
    start: time
    room: str

    def span(self, tz: tzinfo) -> tuple[datetime, datetime]:
        starts_at = datetime.combine(self.day, self.start, tzinfo=tz)
        return starts_at, starts_at + timedelta(minutes=self.plan.minutes)


class Kind(StrEnum):
    INSTRUCTOR = "instructor"
    ROOM = "room"
    OVERLAP = "overlap"
    OUTSIDE = "outside"
    DAY_OFF = "day_off"


BLOCKING = frozenset({Kind.INSTRUCTOR, Kind.ROOM, Kind.OVERLAP, Kind.OUTSIDE})


@dataclass(frozen=True)
class Clash:
    kind: Kind
    message: str

    @property
    def blocks(self) -> bool:
        """A blocking clash must be moved before saving; a day off is only a warning."""
        return self.kind in BLOCKING


@dataclass
class Checked:
    item: Item
    starts_at: datetime
    ends_at: datetime
    clashes: list[Clash] = field(default_factory=list)

    @property
    def blocks(self) -> bool:
        return any(clash.blocks for clash in self.clashes)


def _overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _room_free(room: str, span: tuple[datetime, datetime], taken: Iterable[tuple[str, datetime, datetime]]) -> bool:
    key = room.strip().lower()
    return not any(key == other and _overlaps(span, (s, e)) for other, s, e in taken)


def lay_out(plans: Sequence[Plan], slots: Slots, *, busy: Sequence[Busy], tz: tzinfo) -> list[Item]:
    """The plans in order on the slots from the first day on, one at a time (never two at once).

    A plan longer than the gap to the next start time takes that slot too. Each item gets the first
    room of the list that is free then (the first room when none is). Days off and weekdays not
    chosen are skipped; nothing else is avoided: :func:`check` shows what is left to move.
    """
    taken = [(b.room.strip().lower(), b.starts_at, b.ends_at) for b in busy if b.room.strip()]
    items: list[Item] = []
    queue = list(plans)
    day = slots.first_day
    starts = sorted(set(slots.starts))
    while queue and starts and day <= slots.first_day + timedelta(days=MAX_DAYS):
        if day.weekday() in slots.weekdays and day not in slots.days_off:
            free_from: datetime | None = None
            for start in starts:
                if not queue:
                    break
                span_start = datetime.combine(day, start, tzinfo=tz)
                if free_from is not None and span_start < free_from:
                    continue
                plan = queue.pop(0)
                span = (span_start, span_start + timedelta(minutes=plan.minutes))
                fallback = slots.rooms[0] if slots.rooms else ""
                room = next((r for r in slots.rooms if _room_free(r, span, taken)), fallback)
                if room:
                    taken.append((room.strip().lower(), *span))
                items.append(Item(plan=plan, day=day, start=start, room=room))
                free_from = span[1]
        day += timedelta(days=1)
    return items


def when(span: tuple[datetime, datetime], tz: tzinfo) -> str:
    """“Sen, 2 Mar 2026 08:00–09:30”: how a busy session is named in a clash."""
    start, end = span[0].astimezone(tz), span[1].astimezone(tz)
    return f"{date_format(start, 'D, j M Y')} {start:%H:%M}–{end:%H:%M}"


def check(
    items: Sequence[Item],
    *,
    busy: Sequence[Busy],
    slots: Slots,
    cohort_days: tuple[date, date],
    names: dict[int, str],
    tz: tzinfo,
) -> list[Checked]:
    """Each item with its clashes: against the calendar, against the rest of the draft, and the dates."""
    spans = [item.span(tz) for item in items]
    checked: list[Checked] = []
    for index, (item, span) in enumerate(zip(items, spans, strict=True)):
        clashes: list[Clash] = []
        room = item.room.strip().lower()
        people = set(item.plan.instructors)
        for other in busy:
            if not _overlaps(span, (other.starts_at, other.ends_at)):
                continue
            if room and other.room.strip().lower() == room:
                clashes.append(
                    Clash(
                        Kind.ROOM,
                        _("Room %(room)s is already booked for %(other)s.") % {"room": item.room, "other": other.label},
                    )
                )
            for person in sorted(people & other.instructors, key=lambda p: names.get(p, "")):
                clashes.append(
                    Clash(
                        Kind.INSTRUCTOR,
                        _("%(name)s already teaches %(other)s.")
                        % {"name": names.get(person, "?"), "other": other.label},
                    )
                )
        for number, (other_item, other_span) in enumerate(zip(items, spans, strict=True), start=1):
            if number - 1 != index and _overlaps(span, other_span):
                clashes.append(
                    Clash(
                        Kind.OVERLAP,
                        _("At the same time as row %(number)d, “%(title)s”.")
                        % {"number": number, "title": other_item.plan.title},
                    )
                )
        first, last = cohort_days
        if item.day < first or span[1].astimezone(tz).date() > last:
            clashes.append(
                Clash(
                    Kind.OUTSIDE,
                    _("Outside the cohort's dates (%(first)s – %(last)s).")
                    % {"first": date_format(first, "j M Y"), "last": date_format(last, "j M Y")},
                )
            )
        if item.day in slots.days_off:
            clashes.append(Clash(Kind.DAY_OFF, _("On a day off you excluded.")))
        elif item.day.weekday() not in slots.weekdays:
            clashes.append(Clash(Kind.DAY_OFF, _("On a weekday you did not choose.")))
        checked.append(Checked(item=item, starts_at=span[0], ends_at=span[1], clashes=clashes))
    return checked

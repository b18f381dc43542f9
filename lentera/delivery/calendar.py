"""Calendar arithmetic and the iCalendar (RFC 5545) text of a feed. Pure functions, no database."""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar


def month_weeks(year: int, month: int) -> list[list[date]]:
    """The weeks (Monday first) covering a month, with the days of neighbouring months to fill them."""
    return stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=i) for i in range(7)]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""


def ics(*, name: str, events: Iterable[Event], now: datetime) -> str:
    """The feed as RFC 5545 text, times in UTC; the icalendar package escapes and folds the lines."""
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Lentera//Jadwal pelatihan//ID")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", icalendar.vText(name))  # an X- property is only escaped as TEXT when told
    calendar.add("x-wr-timezone", "Asia/Jakarta")
    stamp = now.astimezone(UTC)
    for event in events:
        vevent = icalendar.Event()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", event.starts_at.astimezone(UTC))
        vevent.add("dtend", event.ends_at.astimezone(UTC))
        vevent.add("summary", event.summary)
        if event.location:
            vevent.add("location", event.location)
        if event.description:
            vevent.add("description", event.description)
        if event.url:
            vevent.add("url", event.url)
        calendar.add_component(vevent)
    return calendar.to_ical(sorted=False).decode()  # sorted=False: the properties in the order added

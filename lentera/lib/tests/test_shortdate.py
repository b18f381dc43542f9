"""The ``shortdate`` filter: the year only when it is not the current one, in the library's time zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.utils import translation

from lentera.lib.templatetags.lentera import shortdate

NOW = datetime(2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture(autouse=True)
def _clock_and_language() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (date(2026, 3, 2), "j M", "2 Mar"),
        (date(2025, 3, 2), "j M", "2 Mar 2025"),
        (date(2027, 1, 5), "j M", "5 Jan 2027"),
        (date(2026, 3, 2), "D, j M", "Mon, 2 Mar"),
        (date(2025, 8, 4), "D, j M", "Mon, 4 Aug 2025"),
        (None, "j M", ""),
    ],
)
def test_the_year_shows_only_when_it_is_not_this_year(value: date | None, fmt: str, shown: str) -> None:
    assert shortdate(value, fmt) == shown


def test_a_datetime_is_dated_in_jakarta_not_utc() -> None:
    # 31 Dec 2025 20:00 UTC is already 1 Jan 2026 03:00 in Jakarta: this year, so no year
    late = datetime(2025, 12, 31, 20, 0, tzinfo=ZoneInfo("UTC"))
    rendered = Template('{% load lentera %}{{ when|shortdate:"j M H:i" }}').render(Context({"when": late}))
    assert rendered == "1 Jan 03:00"


def test_the_current_year_follows_the_clock() -> None:
    with time_machine.travel(datetime(2027, 2, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False):
        assert shortdate(date(2026, 3, 2)) == "2 Mar 2026"
        assert shortdate(date(2027, 3, 2)) == "2 Mar"


def test_indonesian_month_and_day_names() -> None:
    with translation.override("id"):
        assert shortdate(date(2025, 3, 2), "D, j M") == "Min, 2 Mar 2025"

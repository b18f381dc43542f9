"""JP (jam pelajaran): the unit Indonesian civil-service training is counted in.

One JP is 45 minutes; a session's JP is floor(minutes / 45). Pure functions, no database.
"""

from __future__ import annotations

from collections.abc import Iterable

JP_MINUTES = 45


def jp_for_minutes(minutes: int, *, jp_minutes: int = JP_MINUTES) -> int:
    """Whole JP in ``minutes``: 89 minutes is 1 JP, 90 is 2."""
    if minutes < 0:
        raise ValueError("minutes cannot be negative")
    if jp_minutes <= 0:
        raise ValueError("a JP must last at least one minute")
    return minutes // jp_minutes


def total_jp(minutes_per_session: Iterable[int], *, jp_minutes: int = JP_MINUTES) -> int:
    """JP of several sessions: each session is rounded down on its own, then summed."""
    return sum(jp_for_minutes(m, jp_minutes=jp_minutes) for m in minutes_per_session)


def format_duration(minutes: int, *, jp_minutes: int = JP_MINUTES) -> tuple[int, int, int]:
    """(hours, minutes, JP) for showing a duration as "1 h 30 min · 2 JP"."""
    return minutes // 60, minutes % 60, jp_for_minutes(minutes, jp_minutes=jp_minutes)

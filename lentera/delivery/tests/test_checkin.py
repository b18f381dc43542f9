"""Rotating codes: every 30 s a new one; one that rotated away < 90 s ago still counts."""

from datetime import UTC, datetime, timedelta

import pytest

from lentera.delivery.checkin import (
    Window,
    arrival,
    code_for,
    code_is_valid,
    current_code,
    seconds_to_next_code,
    step_at,
    window,
)

SECRET = "0123456789abcdef0123456789abcdef"
T0 = datetime(2026, 3, 2, 1, 0, 0, tzinfo=UTC)  # a step boundary: 08:00 WIB


def test_code_is_six_digits_and_changes_every_30_seconds() -> None:
    first = current_code(SECRET, T0)
    assert len(first) == 6 and first.isdigit()
    assert current_code(SECRET, T0 + timedelta(seconds=29)) == first
    assert current_code(SECRET, T0 + timedelta(seconds=30)) != first
    assert seconds_to_next_code(T0 + timedelta(seconds=10)) == 20


def test_codes_differ_between_sessions() -> None:
    assert code_for(SECRET, 100) != code_for("another-secret", 100)


@pytest.mark.parametrize(
    ("seconds_after_rotation", "accepted"),
    [(0, True), (59, True), (89, True), (90, False), (120, False)],
)
def test_a_code_is_accepted_until_90_seconds_after_it_rotated(seconds_after_rotation: int, accepted: bool) -> None:
    code = current_code(SECRET, T0)  # current from T0 to T0+30 s, rotates away at T0+30 s
    moment = T0 + timedelta(seconds=30 + seconds_after_rotation)
    assert code_is_valid(SECRET, code, moment) is accepted


def test_a_future_code_and_a_foreign_code_are_refused() -> None:
    assert not code_is_valid(SECRET, code_for(SECRET, step_at(T0) + 1), T0)
    foreign = current_code("another-secret", T0)
    assert foreign != current_code(SECRET, T0)
    assert not code_is_valid(SECRET, foreign, T0)


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef", ""])
def test_malformed_codes_are_refused(typed: str) -> None:
    assert not code_is_valid(SECRET, typed, T0)


def test_spaces_in_a_typed_code_are_ignored() -> None:
    code = current_code(SECRET, T0)
    assert code_is_valid(SECRET, f"{code[:3]} {code[3:]}", T0)


def test_window_opens_30_minutes_before_and_closes_at_the_end() -> None:
    start, end = T0, T0 + timedelta(minutes=90)
    assert window(start, end, start - timedelta(minutes=31)) is Window.NOT_YET
    assert window(start, end, start - timedelta(minutes=30)) is Window.OPEN
    assert window(start, end, end) is Window.OPEN
    assert window(start, end, end + timedelta(seconds=1)) is Window.CLOSED


def test_late_after_the_grace_period() -> None:
    assert not arrival(T0, T0 + timedelta(minutes=15), grace_minutes=15).late
    assert arrival(T0, T0 + timedelta(minutes=15, seconds=1), grace_minutes=15).late

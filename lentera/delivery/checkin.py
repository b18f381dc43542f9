"""Rotating check-in codes for the projector page. Pure functions, no database.

The code changes every 30 seconds (a time step). It is derived from the session's secret and
the step with HMAC-SHA256, so it cannot be guessed from earlier codes. A code that rotated
away less than 90 seconds ago is still accepted, because people scan late. Check-in is open
from 30 minutes before the start until the end of the session.

About four codes are valid at once, so a million codes could be tried at four in a million a
guess: after MAX_WRONG_CODES wrong codes at one session a person cannot check in there any more
(even with the right code) and the instructor marks them by hand.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

STEP_SECONDS = 30
GRACE_SECONDS = 90
DIGITS = 6
OPENS_BEFORE = timedelta(minutes=30)
MAX_WRONG_CODES = 10


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_for(secret: str, step: int) -> str:
    digest = hmac.new(secret.encode(), str(step).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") % 10**DIGITS
    return f"{number:0{DIGITS}d}"


def current_code(secret: str, moment: datetime) -> str:
    return code_for(secret, step_at(moment))


def seconds_to_next_code(moment: datetime) -> int:
    return STEP_SECONDS - int(moment.timestamp()) % STEP_SECONDS


def code_is_valid(secret: str, code: str, moment: datetime) -> bool:
    """The current code, or one that stopped being current less than GRACE_SECONDS ago."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != DIGITS:
        return False
    now = moment.timestamp()
    step = step_at(moment)
    for candidate in range(step, step - GRACE_SECONDS // STEP_SECONDS - 1, -1):
        rotated_away_at = (candidate + 1) * STEP_SECONDS
        if (candidate == step or now - rotated_away_at < GRACE_SECONDS) and hmac.compare_digest(
            code_for(secret, candidate), code
        ):
            return True
    return False


class Window(Enum):
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"


def window(starts_at: datetime, ends_at: datetime, moment: datetime) -> Window:
    if moment < starts_at - OPENS_BEFORE:
        return Window.NOT_YET
    if moment > ends_at:
        return Window.CLOSED
    return Window.OPEN


@dataclass(frozen=True)
class Arrival:
    late: bool


def arrival(starts_at: datetime, moment: datetime, *, grace_minutes: int) -> Arrival:
    """Late once the grace period after the start has passed."""
    return Arrival(late=moment > starts_at + timedelta(minutes=grace_minutes))

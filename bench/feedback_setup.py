"""A cohort of N participants whose 5 session feedback rounds are open now (the feedback burst).

The library has the ready-made forms; the cohort has 5 sessions that ended within the last hour,
each taught by 2 instructors, and a 6th session tomorrow (so the end-of-cohort round is not due
yet). ``surveys_ensure`` opens the 5 session rounds and invites everyone enrolled: 5 × N
invitations, the submissions the load generator makes.

Prints, as its last line, JSON with the rounds (per round: its id and the form fields a full
answer fills: every Likert item rated, for the session and for each instructor, and one
comment), and the participants (user id and signed-in session cookie, in the same order).
"""

from __future__ import annotations

import json
import sys
import time

import django_env  # noqa: F401 - sets up Django
from factories import feedback_cohort, session_cookies

PEOPLE = int(sys.argv[1]) if len(sys.argv) > 1 else 200
SESSIONS = 5


def main() -> None:
    world = feedback_cohort(people=PEOPLE, sessions=SESSIONS, tag=f"bench-feedback-{time.time_ns()}")
    cookies = session_cookies(world.participants, world.library)
    print(json.dumps({"rounds": world.rounds, "users": [u.pk for u in world.participants], "cookies": cookies}))


if __name__ == "__main__":
    main()

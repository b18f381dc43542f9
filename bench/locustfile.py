"""Locust users of the page-throughput benchmark (bench/run.py runs them headless).

- ``FeedbackSender``: a signed-in participant sends a full feedback form (the form's POST with
  its CSRF token, as the browser sends it), each POST to a fresh, not yet answered invitation
  taken from the pool bench/pages_setup.py made. A POST counts as a success only when it is
  answered with the redirect to the same form (the thank-you page), which the product gives
  once the response is stored; the redirect itself is not followed (not part of the figure).
- ``CeilingVisitor``: GET / of the bare-Django ceiling app (bench/ceiling/), to measure the
  ceiling with the same load generator as the POSTs.

Environment: BENCH_PAGES_SETUP, the path of pages_setup.py's JSON (for ``FeedbackSender``).
When the pool runs out a user stops; the count of POSTs says how far it went.
"""

from __future__ import annotations

import json
import os
from collections import deque
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, task
from locust.exception import StopUser

CSRF = "b" * 32  # the same fixed token as bench/run.py: cookie and form field match


def _load() -> tuple[list[dict[str, Any]], deque[tuple[str, int]]]:
    path = os.environ.get("BENCH_PAGES_SETUP")
    if not path:
        return [], deque()
    with open(path) as handle:
        setup = json.load(handle)
    return setup["rounds"], deque((cookie, index) for cookie, index in setup["pool"])


ROUNDS, POOL = _load()


def answer_body(round_: dict[str, Any], person: int) -> str:
    """A full answer: every Likert item rated (a pattern per person) and one comment (as bench/run.py)."""
    ratings = [(name, str(1 + (person + n) % 5)) for n, name in enumerate(round_["ratings"])]
    fields = [("csrfmiddlewaretoken", CSRF), *ratings, (round_["comment"], f"Praktiknya kurang lama ({person})")]
    return urlencode(fields)


class FeedbackSender(FastHttpUser):
    """One phone after another sending its form: no think time, 32 of them at once."""

    @task
    def send(self) -> None:
        if not POOL:
            raise StopUser
        cookie, index = POOL.popleft()
        round_ = ROUNDS[index]
        path = f"/umpan-balik/isi/{round_['survey']}/"
        with self.client.post(
            path,
            data=answer_body(round_, len(POOL)),
            headers={
                "Cookie": f"sessionid={cookie}; csrftoken={CSRF}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            allow_redirects=False,
            catch_response=True,
            name="feedback POST",
        ) as response:
            where = response.headers.get("Location") or ""
            if response.status_code == 302 and where.endswith(path):
                response.success()
            else:
                response.failure(f"{response.status_code} to {where}")


class CeilingVisitor(FastHttpUser):
    """GET / of the bare-Django ceiling, back to back."""

    @task
    def hello(self) -> None:
        self.client.get("/", name="ceiling GET")

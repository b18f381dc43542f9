"""Where a page's time goes: pyinstrument on in-process requests, split by what costs what.

Usage (from the project root, against the scratch database in the environment, see bench/run.py):
    python bench/profile_page.py SETUP_JSON [PAGE_KEY ...]

SETUP_JSON is bench/pages_setup.py's JSON (a file); PAGE_KEY among its pages' keys ("dashboard",
"session", "feedback form", "cohort page", "evaluation report") and "feedback post" (each POST
to a fresh invitation of the pool); default: the participant pages. Each page is requested
with Django's test Client and the same session cookie as the load test: 3 warm-up requests,
then REQUESTS (BENCH_PROFILE_REQUESTS, 30) timed ones, then as many under pyinstrument. For each page it prints:

- CPU ms per request (process time, so other work on the machine hardly changes it) and wall ms;
- the queries of one request: how many, the database driver's time, repeated shapes, the 2 slowest;
- the split of the sampled time: session load and save, user load (auth), the database (the
  ORM building queries, the driver running them, rows into objects, wherever it happens:
  middleware, view or template), template rendering (without its queries), the view's own
  Python, and the rest of the request cycle (middleware, URL resolving, response);
- the 12 Lentera functions with the most time (inclusive), to name what to change.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import django_env  # noqa: F401 - sets up Django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pyinstrument import Profiler

REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "30"))
CSRF = "b" * 32
PARTICIPANT_PAGES = ["dashboard", "session", "feedback form", "feedback post"]
# (category, does this frame belong to it: function, file); the first category found on a
# sample's stack, looking from the request down, wins for OUTER; the innermost frame for INNER
OUTER: list[tuple[str, Callable[[str, str], bool]]] = [
    ("session load and save", lambda fn, f: "django/contrib/sessions/" in f),
    ("user load (auth)", lambda fn, f: "django/contrib/auth/" in f),
    (
        "database: connecting (a new connection per request)",
        lambda fn, f: (
            "django/db/backends/" in f
            and fn in {"connect", "get_new_connection", "init_connection_state", "ensure_connection"}
        ),
    ),
]
INNER: list[tuple[str, Callable[[str, str], bool]]] = [
    ("database: driver (execute, fetch)", lambda fn, f: "django/db/backends/" in f or "psycopg" in f),
    ("database: ORM building SQL", lambda fn, f: "django/db/models/sql/" in f or "django/db/models/expressions" in f),
    ("database: ORM querysets, rows to objects", lambda fn, f: "django/db/" in f),
    ("template rendering (without its queries)", lambda fn, f: "django/template/" in f or "template_partials" in f),
]


def _category(stack: list[tuple[str, str]], view: bool) -> str:
    for name, belongs in OUTER:
        if any(belongs(function, path) for function, path in stack):
            return name
    for function, path in reversed(stack):
        for name, belongs in INNER:
            if belongs(function, path):
                return name
    return "view code (Python)" if view else "request cycle (middleware, URL resolving, response)"


def split(frame: Any, stack: list[tuple[str, str]], view: bool, into: Counter[str], own: Counter[str]) -> None:
    """Add each frame's own time to its category, and each Lentera function's inclusive time to ``own``."""
    here = (frame.function or "", (frame.file_path or "").replace("\\", "/"))
    stack = [*stack, here]
    in_view = view or here[0] == "_get_response"
    self_time = frame.time - sum(child.time for child in frame.children)
    into[_category(stack, in_view)] += self_time
    path = here[1]
    if "/lentera/" in path and not any(p == here for p in stack[:-1]):
        short = path.split("/lentera/", 1)[1]
        own[f"{short}:{frame.line_no} {here[0]}"] += frame.time
    for child in frame.children:
        split(child, stack, in_view, into, own)


def shape(sql: str) -> str:
    """A query without its values, to count repeats."""
    return re.sub(r"\b\d+\b|'[^']*'|%s", "?", sql)


def pool_posts(setup: dict[str, Any]) -> Callable[[Client], Any]:
    """A POST to the pool's next fresh invitation per call (the pool's unused end)."""
    pool = list(setup["pool"])

    def post(client: Client) -> Any:
        cookie, index = pool.pop()
        round_ = setup["rounds"][index]
        ratings = [(name, str(1 + n % 5)) for n, name in enumerate(round_["ratings"])]
        body = urlencode([("csrfmiddlewaretoken", CSRF), *ratings, (round_["comment"], "Bagus")])
        client.cookies["sessionid"] = cookie
        response = client.post(
            f"/umpan-balik/isi/{round_['survey']}/", body, content_type="application/x-www-form-urlencoded"
        )
        if response.status_code != 302:
            raise SystemExit(f"feedback POST: {response.status_code}")
        return response

    return post


def requester(setup: dict[str, Any], key: str) -> Callable[[Client], Any]:
    if key == "feedback post":
        return pool_posts(setup)
    page = next(p for p in setup["pages"] if p["key"] == key)

    def get(client: Client) -> Any:
        client.cookies["sessionid"] = page["cookie"]
        response = client.get(page["path"])
        if response.status_code != 200:
            raise SystemExit(f"{key} {page['path']}: {response.status_code}")
        return response

    return get


def profile(setup: dict[str, Any], key: str) -> str:
    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF
    request = requester(setup, key)
    for _n in range(3):
        request(client)
    spent: list[tuple[float, str]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((time.perf_counter() - started, sql))

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
        request(client)
    count = len(queries.captured_queries)  # read now: each request empties the log
    driver_ms = 1000 * sum(seconds for seconds, _sql in spent)
    slowest = sorted(spent, reverse=True)[:2]
    repeated = Counter(shape(q["sql"]) for q in queries.captured_queries).most_common(3)
    # timed without the profiler (which slows call-heavy Python, the ORM and templates, the most);
    # the profile's shares are then applied to this time
    cpu, wall = time.process_time(), time.perf_counter()
    for _n in range(REQUESTS):
        request(client)
    cpu_ms = 1000 * (time.process_time() - cpu) / REQUESTS
    wall_ms = 1000 * (time.perf_counter() - wall) / REQUESTS
    profiler = Profiler()
    profiler.start()
    for _n in range(REQUESTS):
        request(client)
    profiler.stop()
    into: Counter[str] = Counter()
    own: Counter[str] = Counter()
    root = profiler.last_session.root_frame() if profiler.last_session else None
    if root is not None:
        split(root, [], False, into, own)
    total = sum(into.values()) or 1.0
    lines = [
        f"== {key}: {cpu_ms:.1f} ms CPU, {wall_ms:.1f} ms wall per request (in-process, {REQUESTS} requests)",
        f"   queries: {count} per request, {driver_ms:.1f} ms wall in the database driver",
    ]
    lines += [f"     ×{n} queries of one shape (values aside): {sql[:150]}" for sql, n in repeated if n > 1]
    lines += [f"     slowest: {1000 * seconds:.1f} ms {sql[:300]}" for seconds, sql in slowest]
    lines.append("   where the time goes (share of the profile's samples; that share of the CPU ms per request):")
    for name, seconds in into.most_common():
        lines.append(f"     {100 * seconds / total:5.1f} %  {cpu_ms * seconds / total:6.1f} ms  {name}")
    lines.append("   Lentera functions with the most time (inclusive, ms of CPU per request):")
    for name, seconds in own.most_common(12):
        lines.append(f"     {cpu_ms * seconds / total:6.1f} ms  {name}")
    return "\n".join(lines)


def main() -> None:
    with open(sys.argv[1]) as handle:
        setup = json.load(handle)
    keys = sys.argv[2:] or PARTICIPANT_PAGES
    for key in keys:
        print(profile(setup, key))


if __name__ == "__main__":
    main()

"""`make bench`: the benchmarks of the delivery and assessment issues, on SQLite and (when reachable) PostgreSQL.

- ``import``: enrolment import of 10,000 rows from .xlsx: rows per second, checking and applying;
- ``checkin``: check-in burst: 300 participants check in within 60 s against gunicorn with 2 workers:
  p50/p95/p99 latency, and a count proving 300 rows, 0 lost, 0 duplicated (plus the all-at-once
  capacity variant);
- ``posttest``: 200 participants take a 30-question post-test against gunicorn with 2 workers, the
  way the phone page does it. First they answer: open the test page (which opens the attempt)
  and save each of the 30 answers as the page's HTMX does, all phones at once (32 connections:
  the server's capacity for answer saves; a real test spreads them over 20-30 minutes). Then
  they submit "within 60 s": each phone double-taps submit (two submits at once) and opens its
  result, arriving evenly over the first 50 s; and again with everyone at once (capacity).
  p50/p95/p99 of the submits and the answer saves, the whole submit burst, and a count in the
  database proving 200 submitted attempts, 0 lost, 0 duplicated, 30 answers each and every score
  as answered;
- ``certificates``: bench/certificate_bench.py 500 issues 500 certificates and packs them into one
  ZIP: seconds to issue, seconds to zip (skipped with a note while that script does not exist);
- ``feedback``: 200 participants send their 5 session feedback forms (1,000 submissions) against
  gunicorn with 2 workers, one client per participant: each opens a form, double-taps send (two
  POSTs at once) and opens the thank-you page the redirect leads to. All 200 clients at once (the
  server's capacity) and the 1,000 submissions arriving evenly over 60 s (the realistic load, to
  which the 200 ms p95 target applies). p50/p95/p99 of the submits, server CPU per request, and a
  count in the database proving 1,000 responses, 0 lost, 0 duplicated, every response complete;
- ``report``: bench/report_bench.py seeds 100,000 responses (~1.1M answers) of one cohort and
  renders the cohort report and one round's results (6,900 responses) in-process as the
  coordinator: cold, warm p50 (target 500 ms), the queries of a warm request;
- ``pages``: page throughput at 32 connections against the bare-Django ceiling. seed_demo, then
  ``manage.py seed_scale --factor $BENCH_SCALE_FACTOR`` (default 1.0: 40 libraries, 2M attendance
  rows; its seconds and rows/s are a row), then bench/pages_setup.py picks by query what to open.
  The ceiling, bench/ceiling/ (one view, no middleware, no apps, no database), is served by the
  same gunicorn command (2 sync workers) and measured with wrk and with locust; then against the
  product's server: the participant dashboard, the participant's session page and a feedback
  form GET (wrk, a signed-in session cookie), the coordinator's cohort page and the cohort's
  evaluation (Kirkpatrick) report (wrk), and feedback POSTs (locust, bench/locustfile.py: CSRF,
  each to a fresh invitation, verified in the database afterwards). Each: requests/s, p50, p95,
  p99, and requests/s as a ratio of the ceiling's with the same load generator. Targets:
  participant pages ≥ 0.30 of the ceiling and p95 < 50 ms; the coordinator's pages p95 < 500 ms.
  A page that misses a target is profiled in-process (bench/profile_page.py) and the split of
  its time printed (BENCH_PAGES_PROFILE=0 skips that). BENCH_SCALE_FACTOR=0.05 makes a quick
  run; BENCH_PAGES_SECONDS (15), BENCH_PAGES_LOCUST_SECONDS (20) and BENCH_PAGES_PEOPLE (1,200
  participants × 5 open rounds: the POST pool) change the run's length and pool.

Run a subset with ``BENCH_ONLY=posttest`` (a comma list of the names above; default all). A
partial run merges into bench/results/latest.{md,json}: rows of benchmarks not run this time are
kept from the previous file with the date they were measured (the "measured" column), so a
partial run never drops or silently refreshes the other rows. Only a full run writes the dated
copy bench/results/<date>.{md,json}. No timed assertions anywhere.
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import BENCHMARKS, ROOT, free_port, record, scratch_env, write_results  # noqa: E402

from lentera.delivery.checkin import current_code  # noqa: E402

PY = sys.executable
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
CHECKIN_PEOPLE = int(os.environ.get("BENCH_CHECKIN_PEOPLE", "300"))
POSTTEST_PEOPLE = int(os.environ.get("BENCH_POSTTEST_PEOPLE", "200"))
POSTTEST_SPREAD = float(os.environ.get("BENCH_POSTTEST_SPREAD", "60"))
POSTTEST_TAIL = 10.0  # the last phone arrives this long before the window closes, to finish in it
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "500"))
FEEDBACK_PEOPLE = int(os.environ.get("BENCH_FEEDBACK_PEOPLE", "200"))
FEEDBACK_SPREAD = float(os.environ.get("BENCH_FEEDBACK_SPREAD", "60"))
CONCURRENCY = 32
CSRF = "b" * 32


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def last_json(output: str) -> dict[str, Any]:
    return json.loads(output.strip().splitlines()[-1])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def wait_ready(
    port: int, server: subprocess.Popen[bytes] | None = None, timeout: float = 30, path: str = "/akun/masuk/"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start")


@dataclass
class Server:
    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn and its workers (Linux /proc; 0 elsewhere).

        Unlike latencies, this does not grow when something else on the machine takes the cores.
        """
        tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        total = 0.0
        for entry in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = entry.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if entry.parent.name == str(self.pid) or fields[1] == str(self.pid):
                total += (int(fields[11]) + int(fields[12])) / tick
        return total


def gunicorn_command(app: str, port: int) -> list[str]:
    """The server command of every benchmark, the product's and the ceiling's: 2 sync workers."""
    return [PY, "-m", "gunicorn", app, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"]


@contextmanager
def gunicorn(
    env: dict[str, str], *, app: str = "lentera.wsgi", ready: str = "/akun/masuk/", extra: list[str] | None = None
) -> Iterator[Server]:
    """A real server (gunicorn, 2 sync workers) on a free port for the duration of the block."""
    port = free_port()
    server = subprocess.Popen([*gunicorn_command(app, port), *(extra or [])], cwd=ROOT, env=env)
    try:
        wait_ready(port, server, path=ready)
        yield Server(port, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)


def checkin_burst(env: dict[str, str], database: str, results: list[dict[str, Any]], *, spread: float = 0) -> None:
    """300 check-ins: all at once (``spread`` 0, the server's capacity) or arriving evenly over ``spread`` s."""
    setup = last_json(run([PY, "bench/checkin_setup.py", str(CHECKIN_PEOPLE)], env))
    with gunicorn(env) as server:
        port = server.port
        csrf = CSRF

        def check_in(cookie: str) -> tuple[float, int]:
            code = current_code(setup["secret"], datetime.now(UTC))
            body = f"code={code}"
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            started = time.perf_counter()
            conn.request(
                "POST",
                f"/hadir/{setup['session']}/",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"sessionid={cookie}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                },
            )
            status = conn.getresponse().status
            return (time.perf_counter() - started) * 1000, status

        started = time.perf_counter()
        gap = spread / max(1, len(setup["cookies"]))

        def arrive(indexed: tuple[int, str]) -> tuple[float, int]:
            index, cookie = indexed
            delay = started + index * gap - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            return check_in(cookie)

        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            outcomes = list(pool.map(arrive, enumerate(setup["cookies"])))
        wall = time.perf_counter() - started
    latencies = [ms for ms, _status in outcomes]
    acknowledged = sum(1 for _ms, status in outcomes if status == 302)
    counts = last_json(run([PY, "bench/checkin_verify.py", str(setup["session"])], env))
    how = f"arriving over {spread:.0f} s" if spread else f"{CONCURRENCY} at once"
    name = f"check-in ({CHECKIN_PEOPLE} people {how}, gunicorn 2 workers)"
    record(
        results,
        name=name,
        database=database,
        metric="p50",
        value=statistics.median(latencies),
        unit="ms",
        target=None,
        higher_is_better=False,
    )
    record(
        results,
        name=name,
        database=database,
        metric="p95",
        value=percentile(latencies, 95),
        unit="ms",
        target=100 if spread else 1000,
        higher_is_better=False,
    )
    record(
        results,
        name=name,
        database=database,
        metric="p99",
        value=percentile(latencies, 99),
        unit="ms",
        target=None,
        higher_is_better=False,
    )
    record(
        results,
        name=name,
        database=database,
        metric="whole burst",
        value=wall,
        unit="s",
        target=60,
        higher_is_better=False,
    )
    record(
        results,
        name=name,
        database=database,
        metric="acknowledged",
        value=acknowledged,
        unit="requests",
        target=CHECKIN_PEOPLE,
        higher_is_better=True,
    )
    record(
        results,
        name=name,
        database=database,
        metric="attendance rows",
        value=counts["rows"],
        unit="rows",
        target=CHECKIN_PEOPLE,
        higher_is_better=True,
    )
    record(
        results,
        name=name,
        database=database,
        metric="lost",
        value=CHECKIN_PEOPLE - counts["people"],
        unit="rows",
        target=0,
        higher_is_better=False,
    )
    record(
        results,
        name=name,
        database=database,
        metric="duplicated",
        value=counts["duplicates"],
        unit="rows",
        target=0,
        higher_is_better=False,
    )


@dataclass
class Phone:
    """What one participant's phone saw: latencies (ms) per kind of request, and what went wrong."""

    page: list[float] = field(default_factory=list)
    saves: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    result: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    expected_correct: int = 0


def http_call(
    port: int, method: str, path: str, cookie: str, fields: list[tuple[str, str]] | None = None, *, htmx: bool = False
) -> tuple[float, int, str, str]:
    """One request as the browser sends it: (milliseconds, status, body, Location)."""
    headers = {"Cookie": f"sessionid={cookie}; csrftoken={CSRF}"}
    body = None
    if fields is not None:
        body = urlencode(fields)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if htmx:
        headers.update({"HX-Request": "true", "X-CSRFToken": CSRF})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    ms = (time.perf_counter() - started) * 1000
    conn.close()
    return ms, response.status, text, response.getheader("Location") or ""


def answer_fields(key: dict[str, Any], right: bool) -> list[tuple[str, str]]:
    """The form the page's HTMX posts for one question: the CSRF token, the question, the choice(s) or text."""
    fields = [("csrfmiddlewaretoken", CSRF), ("question", str(key["question"]))]
    if key["kind"] == "short":
        return [*fields, ("text", key["right_text"] if right else key["wrong_text"])]
    if key["kind"] == "multiple":
        chosen = key["correct"] if right else key["correct"][:1]
    else:
        chosen = key["correct"] if right else [next(c for c in key["choices"] if c not in key["correct"])]
    return fields + [("choice", str(pk)) for pk in chosen]


def answer_posttest(port: int, setup: dict[str, Any], index: int, cookie: str, phone: Phone) -> None:
    """During the test: open it and save the 30 answers one by one, as the page's HTMX does."""
    test = setup["test"]
    keys = setup["key"]
    one_per_screen = setup.get("layout") == "one"
    ms, status, text, _where = http_call(port, "GET", f"/bank-soal/tes/{test}/", cookie)
    phone.page.append(ms)
    shown = text.count('name="question"')
    if status != 200 or shown != (1 if one_per_screen else len(keys)):
        phone.problems.append(f"page {status} with {shown} questions")
    for number, key in enumerate(keys, start=1):
        if one_per_screen and number > 1:
            ms, status, _text, _where = http_call(port, "GET", f"/bank-soal/tes/{test}/?no={number}", cookie)
            phone.page.append(ms)
            if status != 200:
                phone.problems.append(f"page {number} {status}")
        right = (index + number) % 4 != 0  # three in four right, a different pattern per person
        phone.expected_correct += right
        ms, status, text, _where = http_call(
            port, "POST", f"/bank-soal/tes/{test}/jawab/", cookie, answer_fields(key, right), htmx=True
        )
        phone.saves.append(ms)
        if status != 200:
            phone.problems.append(f"save {status} {text[:80]}")


def submit_posttest(port: int, setup: dict[str, Any], cookie: str, phone: Phone) -> None:
    """At the end: the double tap (the second submit leaves before the first is answered), then the result."""
    test = setup["test"]
    taps = []
    for _tap in range(2):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = urlencode([("csrfmiddlewaretoken", CSRF)])
        headers = {
            "Cookie": f"sessionid={cookie}; csrftoken={CSRF}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        started = time.perf_counter()
        conn.request("POST", f"/bank-soal/tes/{test}/kumpulkan/", body=body, headers=headers)
        taps.append((conn, started))
    for conn, started in taps:
        response = conn.getresponse()
        response.read()
        phone.submits.append((time.perf_counter() - started) * 1000)
        where = response.getheader("Location") or ""
        conn.close()
        if response.status != 302 or not where.endswith(f"/tes/{test}/hasil/"):
            phone.problems.append(f"submit {response.status} to {where}")
    ms, status, _text, _where = http_call(port, "GET", f"/bank-soal/tes/{test}/hasil/", cookie)
    phone.result.append(ms)
    if status != 200:
        phone.problems.append(f"result {status}")


def _phase(
    people: list[tuple[int, tuple[int, str]]], phones: list[Phone], step: Any, *, spread: float, workers: int
) -> float:
    """Run ``step(index, cookie, phone)`` for everyone, arriving evenly over ``spread`` s; the wall time."""
    gap = spread / max(1, len(people) - 1) if spread else 0.0
    started = time.perf_counter()

    def arrive(person: tuple[int, tuple[int, str]]) -> None:
        index, (_user, cookie) = person
        delay = started + index * gap - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        try:
            step(index, cookie, phones[index])
        except OSError as error:  # a refused or dropped connection is a lost participant, not a crash
            phones[index].problems.append(f"connection: {error}")

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(arrive, people))
    return time.perf_counter() - started


def posttest_burst(env: dict[str, str], database: str, results: list[dict[str, Any]], *, spread: float = 0) -> None:
    """200 phones take the post-test. They answer first (the server's capacity for answer saves, all
    phones at once); then everyone submits: arriving evenly within ``spread`` s, or all at once (0)."""
    layout = os.environ.get("BENCH_POSTTEST_LAYOUT", "all")
    setup = last_json(run([PY, "bench/posttest_setup.py", str(POSTTEST_PEOPLE), layout], env))
    setup["layout"] = layout
    people = list(enumerate(zip(setup["users"], setup["cookies"], strict=True)))
    phones = [Phone() for _person in people]
    with gunicorn(env) as server:
        port = server.port
        cpu_before = server.cpu_seconds()
        answering = _phase(
            people,
            phones,
            lambda index, cookie, phone: answer_posttest(port, setup, index, cookie, phone),
            spread=0,
            workers=CONCURRENCY,
        )
        answer_cpu = server.cpu_seconds() - cpu_before
        cpu_before = server.cpu_seconds()
        submitting = _phase(
            people,
            phones,
            lambda _index, cookie, phone: submit_posttest(port, setup, cookie, phone),
            spread=max(0.0, spread - POSTTEST_TAIL) if spread else 0.0,
            workers=CONCURRENCY if not spread else max(CONCURRENCY, 64),
        )
        submit_cpu = server.cpu_seconds() - cpu_before
    counts = last_json(run([PY, "bench/posttest_verify.py", str(setup["test"])], env))
    problems = Counter(" ".join(p.split()[:2]) for phone in phones for p in phone.problems)
    if problems:
        print(f"  problems seen by the phones: {dict(problems)}")
    saves = [ms for phone in phones for ms in phone.saves] or [float("nan")]
    submits = [ms for phone in phones for ms in phone.submits] or [float("nan")]
    answer_requests = sum(len(p.saves) + len(p.page) for p in phones) or 1
    submit_requests = sum(len(p.submits) + len(p.result) for p in phones) or 1
    recorded = counts["correct"]
    wrong_scores = sum(
        1
        for (user, _cookie), phone in zip(zip(setup["users"], setup["cookies"], strict=True), phones, strict=True)
        if str(user) in recorded and recorded[str(user)] != phone.expected_correct
    )
    questions = len(setup["key"])
    how = f"arriving within {spread:.0f} s" if spread else f"{CONCURRENCY} at once"
    name = f"post-test submit ({POSTTEST_PEOPLE} people, double tap, {how}, gunicorn 2 workers)"
    rows: list[tuple[str, str, float, str, float | None, bool]] = [
        (name, "submit p50", statistics.median(submits), "ms", None, False),
        (name, "submit p95", percentile(submits, 95), "ms", 1000 if spread else None, False),
        (name, "submit p99", percentile(submits, 99), "ms", None, False),
        (name, "whole burst", submitting, "s", 60, False),
        (name, "server CPU per request", 1000 * submit_cpu / submit_requests, "ms", None, False),
        (name, "acknowledged", sum(1 for phone in phones if not phone.problems), "people", POSTTEST_PEOPLE, True),
        (name, "submitted attempts", counts["submitted_people"], "people", POSTTEST_PEOPLE, True),
        (name, "lost", POSTTEST_PEOPLE - counts["submitted_people"], "people", 0, False),
        (name, "duplicated", counts["duplicated"], "attempts", 0, False),
        (name, "answers stored", counts["answers"], "answers", POSTTEST_PEOPLE * questions, True),
        (name, "attempts without all answers", counts["incomplete"], "attempts", 0, False),
        (name, "scores not as answered", wrong_scores, "attempts", 0, False),
    ]
    if spread:  # the answering phase is the same in both variants: record it once
        answering_name = (
            f"post-test answering ({POSTTEST_PEOPLE} people × {questions} answers, {CONCURRENCY} at once, capacity)"
        )
        rows += [
            (answering_name, "answer save p50", statistics.median(saves), "ms", None, False),
            (answering_name, "answer save p95", percentile(saves, 95), "ms", None, False),
            # 200 people × 30 answers within 10 minutes of a test is 10 saves a second
            (answering_name, "requests served", answer_requests / answering, "requests/s", 10, True),
            (answering_name, "server CPU per request", 1000 * answer_cpu / answer_requests, "ms", None, False),
        ]
    for row_name, metric, value, unit, target, higher in rows:
        record(
            results,
            name=row_name,
            database=database,
            metric=metric,
            value=value,
            unit=unit,
            target=target,
            higher_is_better=higher,
        )


def certificates_bench(env: dict[str, str], database: str, results: list[dict[str, Any]]) -> None:
    """bench/certificate_bench.py N: issue N certificates and pack them into one ZIP (contract: last line JSON)."""
    script = ROOT / "bench" / "certificate_bench.py"
    if not script.exists():
        print("  bench/certificate_bench.py does not exist yet: the certificates benchmark is skipped.")
        return
    figures = last_json(run([PY, "bench/certificate_bench.py", str(CERTIFICATES)], env))
    name = f"{CERTIFICATES} certificates to one ZIP"
    rows: list[tuple[str, float, str, float | None, bool]] = [
        ("certificates", figures["certificates"], "certificates", CERTIFICATES, True),
        ("issue", figures["issue_seconds"], "s", None, False),
        ("zip", figures["zip_seconds"], "s", 10, False),
        ("zip size", figures["zip_bytes"] / 1_048_576, "MB", None, False),
    ]
    for metric, value, unit, target, higher in rows:
        record(
            results,
            name=name,
            database=database,
            metric=metric,
            value=value,
            unit=unit,
            target=target,
            higher_is_better=higher,
        )


def import_bench(env: dict[str, str], database: str, results: list[dict[str, Any]]) -> None:
    figures = last_json(run([PY, "bench/import_bench.py", str(IMPORT_ROWS)], env))
    name = f"enrolment import ({figures['rows']:,} rows, .xlsx {figures['file_bytes'] // 1024} KB)"
    record(
        results,
        name=name,
        database=database,
        metric="check (preview)",
        value=figures["rows"] / figures["check_seconds"],
        unit="rows/s",
        target=2000,
        higher_is_better=True,
    )
    record(
        results,
        name=name,
        database=database,
        metric="apply",
        value=figures["rows"] / figures["apply_seconds"],
        unit="rows/s",
        target=1000,
        higher_is_better=True,
    )
    record(
        results,
        name=name,
        database=database,
        metric="total",
        value=figures["check_seconds"] + figures["apply_seconds"],
        unit="s",
        target=None,
        higher_is_better=False,
    )


@dataclass
class FeedbackPhone:
    """What one participant's phone saw in the feedback burst."""

    forms: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    thanks: list[float] = field(default_factory=list)
    acknowledged: int = 0
    problems: list[str] = field(default_factory=list)


def feedback_fields(round_: dict[str, Any], person: int) -> list[tuple[str, str]]:
    """A full answer: every Likert item rated (a pattern of its own per person) and one comment."""
    ratings = [(name, str(1 + (person + n) % 5)) for n, name in enumerate(round_["ratings"])]
    return [("csrfmiddlewaretoken", CSRF), *ratings, (round_["comment"], f"Praktiknya kurang lama ({person})")]


def answer_feedback(port: int, round_: dict[str, Any], person: int, cookie: str, client: FeedbackPhone) -> None:
    """One form: open it, double-tap send (two POSTs at once), then the page the redirect leads to."""
    path = f"/umpan-balik/isi/{round_['survey']}/"
    ms, status, text, _where = http_call(port, "GET", path, cookie)
    client.forms.append(ms)
    if status != 200 or "data-draft-key" not in text:
        client.problems.append(f"form {status}")
        return
    body = urlencode(feedback_fields(round_, person))
    headers = {"Cookie": f"sessionid={cookie}; csrftoken={CSRF}", "Content-Type": "application/x-www-form-urlencoded"}
    taps = []
    for _tap in range(2):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        conn.request("POST", path, body=body, headers=headers)
        taps.append((conn, started))
    good = 0
    for conn, started in taps:
        response = conn.getresponse()
        response.read()
        client.submits.append((time.perf_counter() - started) * 1000)
        where = response.getheader("Location") or ""
        conn.close()
        if response.status == 302 and where.endswith(path):
            good += 1
        else:
            client.problems.append(f"submit {response.status} to {where}")
    ms, status, text, _where = http_call(port, "GET", path, cookie)
    client.thanks.append(ms)
    if status != 200 or "data-clear-draft" not in text:
        client.problems.append(f"thanks {status}")
    elif good == 2:
        client.acknowledged += 1


def feedback_burst(env: dict[str, str], database: str, results: list[dict[str, Any]], *, spread: float = 0) -> None:
    """200 participants send their 5 session forms: all at once (``spread`` 0: one client per person,
    each going through its forms back to back), or the 1,000 submissions arriving evenly over
    ``spread`` s (person i's form j at (j × people + i) × spread / 1,000)."""
    setup = last_json(run([PY, "bench/feedback_setup.py", str(FEEDBACK_PEOPLE)], env))
    rounds = setup["rounds"]
    people = list(enumerate(setup["cookies"]))
    clients = [FeedbackPhone() for _person in people]
    expected = len(rounds) * len(people)
    gap = spread / expected
    with gunicorn(env) as server:
        port = server.port
        cpu_before = server.cpu_seconds()
        started = time.perf_counter()

        def arrive(person: tuple[int, str]) -> None:
            index, cookie = person
            for number, round_ in enumerate(rounds):
                delay = started + (number * len(people) + index) * gap - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                try:
                    answer_feedback(port, round_, index, cookie, clients[index])
                except OSError as error:  # refused or dropped: a lost submission, not a crash
                    clients[index].problems.append(f"connection: {error}")

        with ThreadPoolExecutor(max_workers=len(people)) as pool:
            list(pool.map(arrive, people))
        wall = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu_before
    surveys = ",".join(str(r["survey"]) for r in rounds)
    per_round = ",".join(str(len(r["ratings"]) + 1) for r in rounds)
    counts = last_json(run([PY, "bench/feedback_verify.py", surveys, per_round], env))
    problems = Counter(" ".join(p.split()[:2]) for c in clients for p in c.problems)
    if problems:
        print(f"  problems seen by the phones: {dict(problems)}")
    submits = [ms for c in clients for ms in c.submits] or [float("nan")]
    forms = [ms for c in clients for ms in c.forms] or [float("nan")]
    requests = sum(len(c.forms) + len(c.submits) + len(c.thanks) for c in clients) or 1
    if spread:
        name = f"feedback submit ({expected:,} forms, double tap, arriving over {spread:.0f} s, gunicorn 2 workers)"
    else:
        name = f"feedback submit ({expected:,} forms, double tap, {len(people)} clients at once, gunicorn 2 workers)"
    # the 200 ms p95 applies to the realistic load (arrivals over a minute); at once is the capacity
    p95_target = 200 if spread else None
    answers = sum(len(r["ratings"]) + 1 for r in rounds) * len(people)
    rows: list[tuple[str, float, str, float | None, bool]] = [
        ("submit p50", statistics.median(submits), "ms", None, False),
        ("submit p95", percentile(submits, 95), "ms", p95_target, False),
        ("submit p99", percentile(submits, 99), "ms", None, False),
        ("form page p95", percentile(forms, 95), "ms", None, False),
        ("whole burst", wall, "s", None, False),
        ("server CPU per request", 1000 * cpu / requests, "ms", None, False),
        ("server CPU per form sent (page, 2 taps, thanks)", 1000 * cpu / expected, "ms", None, False),
        ("acknowledged", sum(c.acknowledged for c in clients), "forms", expected, True),
        ("responses stored", counts["responses"], "responses", expected, True),
        ("lost", expected - counts["answered"], "forms", 0, False),
        ("duplicated", counts["duplicated"], "responses", 0, False),
        ("answered without a response", counts["unanswered_responses"], "invitations", 0, False),
        ("responses with a wrong answer count", counts["inconsistent"], "responses", 0, False),
        ("answers stored", counts["answers"], "answers", answers, True),
    ]
    for metric, value, unit, target, higher in rows:
        record(
            results,
            name=name,
            database=database,
            metric=metric,
            value=value,
            unit=unit,
            target=target,
            higher_is_better=higher,
        )


def feedback_bench(env: dict[str, str], database: str, results: list[dict[str, Any]]) -> None:
    feedback_burst(env, database, results)
    feedback_burst(env, database, results, spread=FEEDBACK_SPREAD)


def report_bench(env: dict[str, str], database: str, results: list[dict[str, Any]]) -> None:
    """bench/report_bench.py: the cohort report and one round's results with 100,000 responses stored."""
    figures = last_json(run([PY, "bench/report_bench.py"], env))
    seeded = f"{figures['responses']:,} responses, {figures['answers']:,} answers"
    record(
        results,
        name=f"feedback seeding ({seeded}, bulk_create)",
        database=database,
        metric="rows inserted",
        value=figures["seed_rows_per_second"],
        unit="rows/s",
        target=None,
        higher_is_better=True,
    )
    pages = [("report", f"cohort report ({seeded})"), ("results", "round results")]
    for key, title in pages:
        page = figures.get(key)
        if page is None:
            print(f"  {figures.get(key + '_note', key + ' not measured')}")
            continue
        if key == "results":
            title = f"round results ({page['responses']:,} responses, {page['comments']:,} comments)"
        if page["timed_out"]:
            print(f"  {title}: cancelled after {page['limit_s']:.0f} s in {page['slowest_query'][:200]}")
            record(
                results,
                name=f"{title}, coordinator, in-process",
                database=database,
                metric=f"cold (cancelled at the {page['limit_s']:.0f} s limit: not finished)",
                value=page["cold_ms"],
                unit="ms",
                target=500,
                higher_is_better=False,
            )
            continue
        rows: list[tuple[str, float, str, float | None, bool]] = [
            ("cold", page["cold_ms"], "ms", None, False),
            ("warm p50", page["warm_ms_p50"], "ms", 500, False),
            ("warm max", page["warm_ms_max"], "ms", None, False),
            ("queries", page["queries"], "queries", None, False),
            ("page size", page["bytes"] / 1024, "KB", None, False),
            ("slowest query", page["slowest_query_ms"], "ms", None, False),
        ]
        for metric, value, unit, target, higher in rows:
            record(
                results,
                name=f"{title}, coordinator, in-process",
                database=database,
                metric=metric,
                value=value,
                unit=unit,
                target=target,
                higher_is_better=higher,
            )


# --- pages: page throughput at 32 connections against the bare-Django ceiling ---------------------

PAGES_SECONDS = int(os.environ.get("BENCH_PAGES_SECONDS", "15"))  # each wrk measurement
PAGES_WARMUP = int(os.environ.get("BENCH_PAGES_WARMUP", "3"))  # wrk, before each measurement
PAGES_LOCUST_SECONDS = int(os.environ.get("BENCH_PAGES_LOCUST_SECONDS", "20"))
PAGES_PEOPLE = int(os.environ.get("BENCH_PAGES_PEOPLE", "1200"))  # × 5 rounds: the POST pool
SCALE_FACTOR = os.environ.get("BENCH_SCALE_FACTOR", "1.0")
WARM_POSTS = 16  # sent one by one before the load: they warm the POST path and prove it works
# (key, title, p95 target in ms, ratio-to-ceiling target); participant pages: ≥ 0.30 and < 50 ms
PAGES: list[tuple[str, str, float, float | None]] = [
    ("dashboard", "participant dashboard (/)", 50, 0.30),
    ("session", "participant's session page", 50, 0.30),
    ("feedback form", "feedback form GET", 50, 0.30),
    ("feedback post", "feedback POST (CSRF, a fresh invitation each, locust)", 50, 0.30),
    ("cohort page", "coordinator's cohort page", 500, None),
    ("evaluation report", "cohort evaluation (Kirkpatrick) report", 500, None),
]
# wrk's own summary has no p95: this script prints the figures as one JSON line when wrk is done
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class Load:
    """One measurement at 32 connections: throughput, latency percentiles, server CPU, failures."""

    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    failures: int
    cpu_ms: float = 0.0


def drained(server: Server, limit: float = 120) -> None:
    """Wait until the server is idle: the requests a load generator left in flight are done."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = server.cpu_seconds()
        time.sleep(0.5)
        if server.cpu_seconds() - before < 0.05:
            return


def wrk_load(server: Server, path: str, cookie: str | None, seconds: int, connections: int = CONCURRENCY) -> Load:
    """wrk, 2 threads, 32 connections, for ``seconds``; a request may take up to 30 s (else a timeout).

    The server CPU per request counts until the server is idle again, over the requests answered
    plus the one each connection still had in flight when wrk stopped (the server finishes them).
    """
    script = Path(tempfile.mkdtemp(prefix="lentera-wrk-")) / "report.lua"
    script.write_text(WRK_REPORT)
    headers = ["-H", f"Cookie: sessionid={cookie}; csrftoken={CSRF}"] if cookie else []
    threads = min(2, connections)
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(script),
    ]
    cpu = server.cpu_seconds()
    done = subprocess.run(
        [*args, *headers, f"http://127.0.0.1:{server.port}{path}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
    )
    drained(server)
    cpu = server.cpu_seconds() - cpu
    shutil.rmtree(script.parent, ignore_errors=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    figures = json.loads(lines[-1])
    failures = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Load(
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        p50=figures["p50_us"] / 1000,
        p95=figures["p95_us"] / 1000,
        p99=figures["p99_us"] / 1000,
        requests=figures["requests"],
        failures=failures,
        cpu_ms=1000 * cpu / (figures["requests"] + connections),
    )


def locust_load(server: Server, user_class: str, name: str, env: dict[str, str]) -> Load:
    """locust headless: 32 users started at once, each sending back to back for PAGES_LOCUST_SECONDS."""
    folder = Path(tempfile.mkdtemp(prefix="lentera-locust-"))
    args = [
        *(PY, "-m", "locust", "-f", "bench/locustfile.py", user_class, "--headless"),
        *("-u", str(CONCURRENCY), "-r", str(CONCURRENCY), "-t", f"{PAGES_LOCUST_SECONDS}s"),
        *("--host", f"http://127.0.0.1:{server.port}", "--csv", str(folder / "run")),
        *("--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"),
    ]
    cpu = server.cpu_seconds()
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=PAGES_LOCUST_SECONDS + 120
    )
    drained(server)
    cpu = server.cpu_seconds() - cpu
    stats = folder / "run_stats.csv"
    if done.returncode != 0 or not stats.exists():
        raise SystemExit(f"locust failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    with stats.open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == name)
    failures = folder / "run_failures.csv"
    if failures.exists():
        with failures.open() as handle:
            seen = [f"{r['Error']} ×{r['Occurrences']}" for r in csv.DictReader(handle)]
        if seen:
            print(f"  locust failures: {'; '.join(seen[:5])}")
    shutil.rmtree(folder, ignore_errors=True)
    requests = int(row["Request Count"])
    return Load(
        rps=float(row["Requests/s"]),
        p50=float(row["50%"]),
        p95=float(row["95%"]),
        p99=float(row["99%"]),
        requests=requests,
        failures=int(row["Failure Count"]),
        cpu_ms=1000 * cpu / (requests + CONCURRENCY),
    )


def record_load(
    results: list[dict[str, Any]],
    *,
    name: str,
    database: str,
    load: Load,
    p95_target: float | None = None,
    ceiling: float | None = None,
    ratio_target: float | None = None,
) -> None:
    rows: list[tuple[str, float, str, float | None, bool]] = [
        ("requests/s", load.rps, "requests/s", None, True),
        ("p50", load.p50, "ms", None, False),
        ("p95", load.p95, "ms", p95_target, False),
        ("p99", load.p99, "ms", None, False),
        ("requests answered in the measurement", load.requests, "requests", None, True),
    ]
    if ceiling:
        rows.append(("ratio to the ceiling's requests/s", load.rps / ceiling, "×", ratio_target, True))
    rows += [
        ("server CPU per request", load.cpu_ms, "ms", None, False),
        ("failed or non-2xx", load.failures, "requests", 0, False),
    ]
    for metric, value, unit, target, higher in rows:
        record(
            results,
            name=name,
            database=database,
            metric=metric,
            value=value,
            unit=unit,
            target=target,
            higher_is_better=higher,
        )


def seed_province(env: dict[str, str], database: str, results: list[dict[str, Any]]) -> str:
    """seed_demo, then seed_scale's province data set when it exists; what the pages run against."""
    run([PY, "manage.py", "seed_demo"], env)
    if not (ROOT / "lentera" / "demo" / "management" / "commands" / "seed_scale.py").exists():
        print("  manage.py seed_scale does not exist yet: the pages are measured on seed_demo alone.")
        return "seed_demo only"
    figures = last_json(run([PY, "manage.py", "seed_scale", "--factor", SCALE_FACTOR], env))
    name = f"seed_scale (province data set, factor {SCALE_FACTOR})"
    rows: list[tuple[str, float, str]] = [
        ("rows", figures["rows"], "rows"),
        ("seconds", figures["seconds"], "s"),
        ("rows inserted", figures["rows_per_second"], "rows/s"),
    ]
    for metric, value, unit in rows:
        record(
            results,
            name=name,
            database=database,
            metric=metric,
            value=value,
            unit=unit,
            target=None,
            higher_is_better=unit == "rows/s",
        )
    return f"province data, factor {SCALE_FACTOR}"


def ceiling_bench(env: dict[str, str], database: str, results: list[dict[str, Any]]) -> tuple[float, float]:
    """The bare-Django ceiling (bench/ceiling/) under the same gunicorn command: wrk and locust."""
    ceiling_env = {**env, "DJANGO_SETTINGS_MODULE": "ceiling.settings"}
    with gunicorn(ceiling_env, app="ceiling.wsgi", ready="/", extra=["--pythonpath", "bench"]) as server:
        wrk_load(server, "/", None, PAGES_WARMUP, connections=2)
        by_wrk = wrk_load(server, "/", None, PAGES_SECONDS)
        by_locust = locust_load(server, "CeilingVisitor", "ceiling GET", env)
    title = f"bare-Django ceiling (one view, no middleware, no database; gunicorn 2 workers, {CONCURRENCY} connections"
    record_load(results, name=f"{title}, wrk)", database=database, load=by_wrk)
    record_load(results, name=f"{title}, locust)", database=database, load=by_locust)
    return by_wrk.rps, by_locust.rps


def floor_bench(
    env: dict[str, str], database: str, results: list[dict[str, Any]], *, cookie: str, ceiling: float
) -> None:
    """The signed-in floor (bench/ceiling/floor_*.py): Lentera's settings and middleware, a view doing nothing.

    It is what any signed-in page costs on this stack before its own queries and template, so it
    tells how much of a page's distance to the ceiling the page itself can still win back.
    """
    floor_env = {**env, "DJANGO_SETTINGS_MODULE": "ceiling.floor_settings"}
    with gunicorn(floor_env, extra=["--pythonpath", "bench"]) as server:
        _ms, status, text, where = http_call(server.port, "GET", "/bench-floor/", cookie)
        if status != 200 or not text.startswith("Hello, "):
            print(f"  signed-in floor: {status} {where}: skipped")
            return
        wrk_load(server, "/bench-floor/", cookie, PAGES_WARMUP, connections=2)
        load = wrk_load(server, "/bench-floor/", cookie, PAGES_SECONDS)
    name = (
        "signed-in floor (Lentera's middleware, session, user and library; a view that does nothing; "
        f"gunicorn 2 workers, {CONCURRENCY} connections, wrk)"
    )
    record_load(results, name=name, database=database, load=load, ceiling=ceiling)


def warm_posts(server: Server, setup: dict[str, Any]) -> int:
    """Send the pool's first WARM_POSTS forms one by one (they leave the pool); how many were acknowledged."""
    good = 0
    for cookie, index in setup["pool"][:WARM_POSTS]:
        round_ = setup["rounds"][index]
        path = f"/umpan-balik/isi/{round_['survey']}/"
        _ms, status, _text, where = http_call(server.port, "POST", path, cookie, feedback_fields(round_, index))
        if status == 302 and where.endswith(path):
            good += 1
        else:
            print(f"  warm-up POST {path}: {status} to {where}")
    del setup["pool"][:WARM_POSTS]
    return good


def pages_bench(env: dict[str, str], database: str, results: list[dict[str, Any]]) -> None:
    """The pages people open most, at 32 connections against gunicorn, beside the bare-Django ceiling."""
    if not shutil.which("wrk"):
        print("  wrk is not installed (Debian's package 'wrk'; `make bench` installs it as root): pages skipped.")
        return
    data = seed_province(env, database, results)
    ceiling_wrk, ceiling_locust = ceiling_bench(env, database, results)
    setup = last_json(run([PY, "bench/pages_setup.py", str(PAGES_PEOPLE)], env))
    print(
        f"  library {setup['library']}: participant {setup['participant']} of cohort {setup['cohort']}, "
        f"session {setup['session']}; coordinator {setup['coordinator']}, report of cohort "
        f"{setup['report_cohort']} ({setup['report_enrolments']:,} enrolled, {setup['report_responses']:,} responses); "
        f"{len(setup['pool']):,} invitations in the POST pool"
    )
    suffix = f"{data}; gunicorn 2 workers, {CONCURRENCY} connections"
    titles = {key: (title, p95, ratio) for key, title, p95, ratio in PAGES}
    missed: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="lentera-pages-"))
    floor_bench(env, database, results, cookie=setup["pages"][0]["cookie"], ceiling=ceiling_wrk)
    with gunicorn(env) as server:
        for page in setup["pages"]:
            title, p95_target, ratio_target = titles[page["key"]]
            _ms, status, text, where = http_call(server.port, "GET", page["path"], page["cookie"])
            if status != 200 or page["marker"] not in text:
                print(f"  {title} {page['path']}: {status} {where} (marker {page['marker']!r} missing?): skipped")
                continue
            wrk_load(server, page["path"], page["cookie"], PAGES_WARMUP, connections=2)  # warm, no backlog
            load = wrk_load(server, page["path"], page["cookie"], PAGES_SECONDS)
            if load.requests < 2 * CONCURRENCY:
                print(
                    f"  {title}: only {load.requests} requests answered in {PAGES_SECONDS} s; its percentiles "
                    "cover those, not the ones still waiting when wrk stopped"
                )
            record_load(
                results,
                name=f"{title} ({suffix}, wrk)",
                database=database,
                load=load,
                p95_target=p95_target,
                ceiling=ceiling_wrk,
                ratio_target=ratio_target,
            )
            if load.p95 > p95_target or (ratio_target and load.rps / ceiling_wrk < ratio_target):
                missed.append(page["key"])
        title, p95_target, ratio_target = titles["feedback post"]
        warmed = warm_posts(server, setup)
        pool_file = folder / "setup.json"
        pool_file.write_text(json.dumps(setup))
        load = locust_load(server, "FeedbackSender", "feedback POST", {**env, "BENCH_PAGES_SETUP": str(pool_file)})
    name = f"{title} ({suffix}, locust)"
    record_load(
        results,
        name=name,
        database=database,
        load=load,
        p95_target=p95_target,
        ceiling=ceiling_locust,
        ratio_target=ratio_target,
    )
    if load.p95 > p95_target or load.rps / ceiling_locust < (ratio_target or 0):
        missed.append("feedback post")
    if load.requests >= len(setup["pool"]):
        print("  the POST pool ran out before the end: raise BENCH_PAGES_PEOPLE")
    surveys = ",".join(str(r["survey"]) for r in setup["rounds"])
    per_round = ",".join(str(len(r["ratings"]) + 1) for r in setup["rounds"])
    counts = last_json(run([PY, "bench/feedback_verify.py", surveys, per_round], env))
    # locust counts the POSTs answered before it stopped; the ones in flight then may be stored too
    acknowledged = warmed + load.requests - load.failures
    checks: list[tuple[str, float, str, float | None, bool]] = [
        ("responses stored", counts["responses"], "responses", None, True),
        ("acknowledged but not stored", max(0, acknowledged - counts["answered"]), "POSTs", 0, False),
        ("duplicated", counts["duplicated"], "responses", 0, False),
        ("answered without a response", counts["unanswered_responses"], "invitations", 0, False),
        ("responses with a wrong answer count", counts["inconsistent"], "responses", 0, False),
    ]
    for metric, value, unit, target, higher in checks:
        record(
            results,
            name=name,
            database=database,
            metric=metric,
            value=value,
            unit=unit,
            target=target,
            higher_is_better=higher,
        )
    if missed and os.environ.get("BENCH_PAGES_PROFILE", "1") != "0":
        pages_file = folder / "setup.json"
        pages_file.write_text(json.dumps({**setup, "pool": setup["pool"][load.requests :]}))
        print(f"  profiling what missed its target ({', '.join(missed)}): bench/profile_page.py")
        print(run([PY, "bench/profile_page.py", str(pages_file), *missed], env))
    shutil.rmtree(folder, ignore_errors=True)


def postgres_url() -> str | None:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if not shutil.which("psql"):
        return None
    name = f"lentera_bench_{os.getpid()}"
    made = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", f"CREATE DATABASE {name}"],
        capture_output=True,
        check=False,
    )
    return f"postgresql://postgres@127.0.0.1:5432/{name}" if made.returncode == 0 else None


def checkin_bench(env: dict[str, str], database: str, results: list[dict[str, Any]]) -> None:
    checkin_burst(env, database, results)
    checkin_burst(env, database, results, spread=float(os.environ.get("BENCH_CHECKIN_SPREAD", "60")))


def posttest_bench(env: dict[str, str], database: str, results: list[dict[str, Any]]) -> None:
    posttest_burst(env, database, results)
    posttest_burst(env, database, results, spread=POSTTEST_SPREAD)


def selected() -> list[str]:
    """The benchmarks to run: BENCH_ONLY (a comma list of names) or all of them."""
    chosen = [name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        raise SystemExit(f"BENCH_ONLY: unknown {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return [name for name in BENCHMARKS if name in chosen] if chosen else list(BENCHMARKS)


def main() -> None:
    only = selected()
    runs: dict[str, Callable[[dict[str, str], str, list[dict[str, Any]]], None]] = {
        "import": import_bench,
        "checkin": checkin_bench,
        "posttest": posttest_bench,
        "certificates": certificates_bench,
        "feedback": feedback_bench,
        "report": report_bench,
        "pages": pages_bench,
    }
    results: list[dict[str, Any]] = []
    targets = [("sqlite", None)]
    pg = postgres_url()
    if pg:
        targets.append(("postgresql", pg))
    else:
        print("PostgreSQL is not reachable: only SQLite is measured.")
    try:
        for database, url in targets:
            print(f"== {database}: {', '.join(only)}")
            env = scratch_env(url)
            run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], env)
            for bench in only:
                first = len(results)
                runs[bench](env, database, results)
                for row in results[first:]:
                    row["bench"] = bench
            shutil.rmtree(env["LENTERA_DATA_DIR"], ignore_errors=True)
    finally:
        if pg and not os.environ.get("BENCH_DATABASE_URL"):
            name = pg.rsplit("/", 1)[1]
            subprocess.run(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-qc",
                    f"DROP DATABASE IF EXISTS {name}",
                ],
                check=False,
            )
    write_results(results, ran=only)
    print("Written to bench/results/latest.md and latest.json" + ("" if only == list(BENCHMARKS) else " (merged)"))


if __name__ == "__main__":
    main()

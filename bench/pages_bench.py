"""``pages``: page throughput at 32 connections against the bare-Django ceiling (see bench/run.py)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import ROOT, record_rows
from server import CONCURRENCY, CSRF, PY, Server, feedback_fields, gunicorn, http_call, last_json, run

PAGES_SECONDS = int(os.environ.get("BENCH_PAGES_SECONDS", "15"))  # each wrk measurement
PAGES_WARMUP = int(os.environ.get("BENCH_PAGES_WARMUP", "3"))  # wrk, before each measurement
PAGES_LOCUST_SECONDS = int(os.environ.get("BENCH_PAGES_LOCUST_SECONDS", "20"))
PAGES_PEOPLE = int(os.environ.get("BENCH_PAGES_PEOPLE", "1200"))  # × 5 rounds: the POST pool
SCALE_FACTOR = os.environ.get("BENCH_SCALE_FACTOR", "1.0")
PAGE_KB = 60  # "well under 60 KB of HTML" a page
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
    record_rows(results, name=name, database=database, rows=rows)


def seed_province(env: dict[str, str], database: str, results: list[dict[str, Any]]) -> str:
    """seed_demo, then the province data set (bench/seed_scale.py); what the pages run against."""
    run([PY, "manage.py", "seed_demo"], env)
    figures = last_json(run([PY, "bench/seed_scale.py", "--factor", SCALE_FACTOR], env))
    name = f"seed_scale (province data set, factor {SCALE_FACTOR})"
    rows: list[tuple[str, float, str, float | None, bool]] = [
        ("rows", figures["rows"], "rows", None, True),
        ("seconds", figures["seconds"], "s", None, False),
        ("rows inserted", figures["rows_per_second"], "rows/s", None, True),
    ]
    record_rows(results, name=name, database=database, rows=rows)
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
            # the brief's budget for a page's HTML, checked on the province data
            record_rows(
                results,
                name=f"{title} ({suffix}, wrk)",
                database=database,
                rows=[("HTML size", len(text.encode()) / 1024, "KB", PAGE_KB, False)],
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
    record_rows(results, name=name, database=database, rows=checks)
    if missed and os.environ.get("BENCH_PAGES_PROFILE", "1") != "0":
        pages_file = folder / "setup.json"
        pages_file.write_text(json.dumps({**setup, "pool": setup["pool"][load.requests :]}))
        print(f"  profiling what missed its target ({', '.join(missed)}): bench/profile_page.py")
        print(run([PY, "bench/profile_page.py", str(pages_file), *missed], env))
    shutil.rmtree(folder, ignore_errors=True)

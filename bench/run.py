"""`make bench`: the benchmarks of the delivery issue, on SQLite and (when reachable) PostgreSQL.

- enrolment import of 10,000 rows from .xlsx: rows per second, checking and applying;
- check-in burst: 300 participants check in within 60 s against gunicorn with 2 workers:
  p50/p95/p99 latency, and a count proving 300 rows, 0 lost, 0 duplicated.

Results go to bench/results/latest.{md,json} and a dated copy. No timed assertions anywhere.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import ROOT, free_port, record, scratch_env, write_results  # noqa: E402

from lentera.delivery.checkin import current_code  # noqa: E402

PY = sys.executable
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
CHECKIN_PEOPLE = int(os.environ.get("BENCH_CHECKIN_PEOPLE", "300"))
CONCURRENCY = 32


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


def wait_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/akun/masuk/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def checkin_burst(env: dict[str, str], database: str, results: list[dict[str, Any]], *, spread: float = 0) -> None:
    """300 check-ins: all at once (``spread`` 0, the server's capacity) or arriving evenly over ``spread`` s."""
    setup = last_json(run([PY, "bench/checkin_setup.py", str(CHECKIN_PEOPLE)], env))
    port = free_port()
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "lentera.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_ready(port)
        csrf = "b" * 32

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
    finally:
        server.terminate()
        server.wait(timeout=10)
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


def main() -> None:
    results: list[dict[str, Any]] = []
    targets = [("sqlite", None)]
    pg = postgres_url()
    if pg:
        targets.append(("postgresql", pg))
    else:
        print("PostgreSQL is not reachable: only SQLite is measured.")
    for database, url in targets:
        print(f"== {database}")
        env = scratch_env(url)
        run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], env)
        import_bench(env, database, results)
        checkin_burst(env, database, results)
        checkin_burst(env, database, results, spread=float(os.environ.get("BENCH_CHECKIN_SPREAD", "60")))
        shutil.rmtree(env["LENTERA_DATA_DIR"], ignore_errors=True)
    if pg and not os.environ.get("BENCH_DATABASE_URL"):
        name = pg.rsplit("/", 1)[1]
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"],
            check=False,
        )
    write_results(results)
    print("Written to bench/results/latest.md and latest.json")


if __name__ == "__main__":
    main()

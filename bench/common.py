"""Shared helpers for the benchmarks: machine facts, a scratch database, results files."""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# the benchmarks in the order they run and are listed; BENCH_ONLY picks among these names
BENCHMARKS = ("import", "checkin", "posttest", "certificates", "feedback", "report", "pages")
# rows written before rows carried their benchmark's name: told apart by the start of their title
_TITLE_STARTS = {"enrolment import": "import", "check-in": "checkin", "post-test": "posttest"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def machine() -> dict[str, Any]:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            memory = handle.readline().split(":")[1].strip()
    except OSError:
        pass
    pg = ""
    if shutil.which("psql"):
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    import sqlite3

    return {
        "cores": os.cpu_count(),
        "memory": memory,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql_client": pg,
    }


def scratch_env(database_url: str | None) -> dict[str, str]:
    """Environment for a benchmark run: its own data folder, SQLite unless a PostgreSQL URL is given."""
    data = tempfile.mkdtemp(prefix="lentera-bench-")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        {
            "LENTERA_DATA_DIR": data,
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + "x" * 60,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DJANGO_SETTINGS_MODULE": "lentera.settings",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def record(
    results: list[dict[str, Any]],
    *,
    name: str,
    database: str,
    metric: str,
    value: float,
    unit: str,
    target: float | None,
    higher_is_better: bool,
) -> None:
    met = None if target is None else (value >= target if higher_is_better else value <= target)
    results.append(
        {
            "name": name,
            "database": database,
            "metric": metric,
            # 2 decimals, or 3 significant digits below 1 (a ratio of 0.004 stays readable)
            "value": round(value, 2) if abs(value) >= 1 or value == 0 else float(f"{value:.3g}"),
            "unit": unit,
            "target": target,
            "met": met,
        }
    )
    shown = f"{value:.2f}" if abs(value) >= 1 else f"{value:.3g}"
    print(f"  {name} [{database}] {metric}: {shown} {unit}" + (f" (target {target})" if target else ""))


def record_rows(
    results: list[dict[str, Any]],
    *,
    name: str,
    database: str,
    rows: list[tuple[str, float, str, float | None, bool]],
) -> None:
    """Several figures of one benchmark: (metric, value, unit, target, higher is better) each."""
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


def bench_of(row: dict[str, Any]) -> str:
    """Which benchmark a results row belongs to."""
    if row.get("bench"):
        return str(row["bench"])
    for start, bench in _TITLE_STARTS.items():
        if row["name"].startswith(start):
            return bench
    return "certificates" if "certificates" in row["name"] else ""


def merged(results: list[dict[str, Any]], ran: list[str], when: str) -> list[dict[str, Any]]:
    """This run's rows plus, for the benchmarks not run this time, the previous latest.json's rows.

    Every row carries the time it was measured, so a row kept from an earlier run says so.
    """
    for row in results:
        row.setdefault("measured", when)
    kept: list[dict[str, Any]] = []
    previous = RESULTS / "latest.json"
    if previous.exists():
        old = json.loads(previous.read_text())
        for row in old.get("results", []):
            bench = bench_of(row)
            if bench not in ran:
                kept.append({**row, "bench": bench, "measured": row.get("measured", old.get("when", "?"))})
    order = {bench: i for i, bench in enumerate(BENCHMARKS)}
    databases = {"sqlite": 0, "postgresql": 1}
    rows = kept + results
    position = {id(row): i for i, row in enumerate(rows)}
    return sorted(
        rows,
        key=lambda r: (databases.get(r["database"], 9), order.get(bench_of(r), 9), position[id(r)]),
    )


def write_results(results: list[dict[str, Any]], ran: list[str] | None = None) -> None:
    """Write latest.{md,json}: a full run replaces them (and writes a dated copy); a partial run merges."""
    ran = list(BENCHMARKS) if ran is None else ran
    full = set(ran) == set(BENCHMARKS)
    RESULTS.mkdir(parents=True, exist_ok=True)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    rows = merged(results, ran, when)
    payload = {"machine": machine(), "when": when, "ran": ran, "results": rows}
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    paths = [RESULTS / "latest"] + ([RESULTS / stamp] if full else [])
    for path in paths:
        path.with_suffix(".json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    lines = ["# Benchmark results", "", f"Run: {when}" + ("" if full else f" (only {', '.join(ran)})"), ""]
    if not full:
        lines += [
            "Rows of the benchmarks not run this time are kept from an earlier run: "
            "their date in the *measured* column is earlier.",
            "",
        ]
    lines += ["## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in payload["machine"].items()]
    lines += [
        "",
        "## Figures",
        "",
        "| benchmark | database | metric | value | unit | target | met | measured |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
        measured = str(r["measured"])[:16].replace("T", " ")
        lines.append(
            f"| {r['name']} | {r['database']} | {r['metric']} | {r['value']} | {r['unit']} | "
            f"{r['target'] if r['target'] is not None else ''} | {met} | {measured} |"
        )
    text = "\n".join(lines) + "\n"
    for path in paths:
        path.with_suffix(".md").write_text(text)

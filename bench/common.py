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
            "value": round(value, 2),
            "unit": unit,
            "target": target,
            "met": met,
        }
    )
    print(f"  {name} [{database}] {metric}: {value:.2f} {unit}" + (f" (target {target})" if target else ""))


def write_results(results: list[dict[str, Any]]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"machine": machine(), "when": datetime.now(UTC).isoformat(timespec="seconds"), "results": results}
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    for path in (RESULTS / "latest.json", RESULTS / f"{stamp}.json"):
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    lines = ["# Benchmark results", "", f"Run: {payload['when']}", "", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in payload["machine"].items()]
    lines += [
        "",
        "## Figures",
        "",
        "| benchmark | database | metric | value | unit | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
        lines.append(
            f"| {r['name']} | {r['database']} | {r['metric']} | {r['value']} | {r['unit']} | "
            f"{r['target'] if r['target'] is not None else ''} | {met} |"
        )
    text = "\n".join(lines) + "\n"
    for path in (RESULTS / "latest.md", RESULTS / f"{stamp}.md"):
        path.write_text(text)

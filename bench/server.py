"""What every load benchmark shares: a real server (gunicorn, 2 sync workers) on a free port, its CPU
time, one request as the browser sends it, and the answer a participant gives a feedback form."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from common import ROOT, free_port

PY = sys.executable
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


def feedback_fields(round_: dict[str, Any], person: int) -> list[tuple[str, str]]:
    """A full answer: every Likert item rated (a pattern of its own per person) and one comment."""
    ratings = [(name, str(1 + (person + n) % 5)) for n, name in enumerate(round_["ratings"])]
    return [("csrfmiddlewaretoken", CSRF), *ratings, (round_["comment"], f"Praktiknya kurang lama ({person})")]

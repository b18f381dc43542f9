"""A gunicorn worker killed with SIGKILL in the middle of a feedback burst loses nothing that was acknowledged.

A real gunicorn with 2 sync workers serves a scratch database (SQLite in a temporary folder, or a
scratch PostgreSQL database when DATABASE_URL is set). Participants double-tap "send" on their
session feedback forms from a thread pool; meanwhile one worker is killed with ``kill -9`` and
gunicorn starts another. Afterwards, counted in the database per invitation: every submission the
phone saw acknowledged is stored exactly once, nothing is stored twice, and an invitation is marked
answered exactly when its one response (with all its answers) exists, and each round's anonymous
aggregates (the counters and comment lists every report reads) hold each answered invitation once:
its count of responses, every rating field's total and its number of comments all equal the
invitations answered. A phone that saw its connection fail sends once more; that retry must not
add a second response.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 30  # 3 rounds each: 90 submissions, each sent twice at once (a double tap)
CSRF = "r" * 32
BURST_SECONDS = 25  # the burst gives up after this: the test stays bounded even if the server hangs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _world(env: dict[str, str], *args: str) -> dict[str, Any]:
    output = _run([sys.executable, "-m", "tests.reliability.feedback_world", *args], env)
    return json.loads(output.strip().splitlines()[-1])


def _scratch_postgres(url: str) -> Iterator[str]:
    """A database of its own on the server DATABASE_URL points to, dropped afterwards."""
    import psycopg

    parts = urlsplit(url)
    name = f"lentera_rel_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def scratch_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Production-like settings over a scratch database (never the test database)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        {
            "LENTERA_DATA_DIR": str(tmp_path),
            "DEBUG": "0",
            "SECRET_KEY": "reliability-" + "q" * 60,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DJANGO_SETTINGS_MODULE": "lentera.settings",
        }
    )
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        yield env
        return
    scratch = _scratch_postgres(url)
    env["DATABASE_URL"] = next(scratch)
    env["DB_CONN_MAX_AGE"] = "0"
    try:
        yield env
    finally:
        next(scratch, None)


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(pid) and fields[0] != "Z":  # a killed worker not yet reaped is no worker
            found.add(int(stat.parent.name))
    return found


def _wait_for_workers(master: subprocess.Popen[bytes], port: int, count: int, timeout: float = 30) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert master.poll() is None, f"gunicorn exited with {master.returncode}"
        workers = _children(master.pid)
        if len(workers) >= count:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/akun/masuk/")
                if conn.getresponse().status == 200:
                    return workers
            except OSError:
                pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start its workers")


@dataclass
class Served:
    master: subprocess.Popen[bytes]
    port: int
    world: dict[str, Any]


@pytest.fixture
def served(scratch_env: dict[str, str]) -> Iterator[Served]:
    """gunicorn with 2 workers over the scratch database, migrated and seeded while the workers start."""
    port = _free_port()
    master = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lentera.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=scratch_env,
    )
    try:
        world = _world(scratch_env, "seed", str(PEOPLE))
        _wait_for_workers(master, port, 2)
        yield Served(master, port, world)
    finally:
        master.terminate()
        try:
            master.wait(timeout=15)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait(timeout=5)


def _post(port: int, path: str, body: str, session: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


def test_killed_worker_loses_and_duplicates_nothing(scratch_env: dict[str, str], served: Served) -> None:
    master, port, world = served.master, served.port, served.world
    rounds, users, sessions = world["rounds"], world["users"], world["sessions"]
    jobs = [(person, round_) for round_ in rounds for person in range(PEOPLE)]
    acknowledged: set[tuple[int, int]] = set()
    connection_errors: list[str] = []
    other: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + BURST_SECONDS

    def send(job: tuple[int, dict[str, Any]]) -> None:
        person, round_ = job
        if time.monotonic() > deadline:
            return
        path = f"/umpan-balik/isi/{round_['survey']}/"
        fields = [("csrfmiddlewaretoken", CSRF)]
        fields += [(name, str(1 + (person + n) % 5)) for n, name in enumerate(round_["ratings"])]
        fields.append((round_["comment"], f"Sesi yang baik ({person})"))
        body = urlencode(fields)

        def tap() -> tuple[int, str] | None:
            for attempt in range(2):  # a phone that saw its connection fail sends once more
                try:
                    return _post(port, path, body, sessions[person])
                except OSError as error:
                    with lock:
                        connection_errors.append(f"{type(error).__name__} (attempt {attempt + 1})")
            return None

        with ThreadPoolExecutor(max_workers=2) as taps:  # the double tap: two POSTs at once
            outcomes = list(taps.map(lambda _n: tap(), range(2)))
        with lock:
            for outcome in outcomes:
                if outcome is None:
                    continue
                status, where = outcome
                if status == 302 and where.endswith(path):
                    acknowledged.add((round_["survey"], users[person]))
                else:
                    other.append(f"{status} {where}")

    before = _children(master.pid)
    assert len(before) == 2, before
    victim = min(before)
    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(send, job) for job in jobs]
        # the kill comes once a quarter of the burst is acknowledged, while requests are in flight
        while len(acknowledged) < len(jobs) // 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(victim, signal.SIGKILL)
        killed_at = len(acknowledged)
        for future in futures:
            future.result(timeout=max(1, deadline - time.monotonic() + 20))
    assert 0 < killed_at < len(jobs), "the worker was not killed in the middle of the burst"
    after = _wait_for_workers(master, port, 2)
    assert victim not in after and after - before, "gunicorn did not replace the killed worker"

    counts = _world(scratch_env, "count", ",".join(str(r["survey"]) for r in rounds))
    expected_answers = {r["survey"]: r["answers"] for r in rounds}
    per_person = counts["responses_per_person"]
    answered = {(i["survey"], i["user"]) for i in counts["invitations"] if i["answered"]}
    assert len(counts["invitations"]) == len(jobs)
    # nothing stored twice: at most one response per invitation, and only for invited people
    duplicated = {key: n for key, n in per_person.items() if n != 1}
    assert not duplicated, f"responses stored more than once: {duplicated}"
    invited = {f"{i['survey']}:{i['user']}" for i in counts["invitations"]}
    assert set(per_person) <= invited
    # an invitation is answered exactly when its one response exists: nothing half-written
    stored = {tuple(int(x) for x in key.split(":")) for key in per_person}
    assert stored == answered, {"answered, no response": answered - stored, "response, not answered": stored - answered}
    wrong = [(survey, n) for survey, n in counts["answers_per_response"] if n != expected_answers[survey]]
    assert not wrong, f"responses with a wrong number of answers: {wrong}"
    # the aggregates count each answered invitation exactly once, every field of it
    for round_ in rounds:
        n = sum(1 for survey, _user in answered if survey == round_["survey"])
        aggregate = counts["aggregates"][str(round_["survey"])]
        assert aggregate["responses"] == aggregate["comments"] == n, (round_["survey"], aggregate, n)
        expected_totals = [n] * len(round_["ratings"]) if n else []
        assert aggregate["rating_totals"] == expected_totals, (round_["survey"], aggregate)
    # every acknowledged submission is stored
    assert acknowledged <= stored, f"acknowledged but lost: {sorted(acknowledged - stored)}"
    # the burst went on after the kill: the other worker and the new one kept serving
    assert len(acknowledged) > killed_at
    assert len(acknowledged) >= len(jobs) * 0.9, (len(acknowledged), connection_errors, other[:5])
    assert not other, f"unexpected answers: {other[:10]}"

"""The command line of the scale data set: ``python bench/seed_scale.py [--factor F] [--seed N] [--reset] [--now T]``.

``main`` takes the arguments and where to write, so the tests call it in-process; Django must be set
up already (bench/seed_scale.py does that).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

from django.utils import timezone

from bench.scale.build import SEED, seed_scale

DESCRIPTION = (
    "Build a province-sized data set on top of the Pasuruan demo (39 more East Java libraries, about "
    "2,000,000 attendance rows at --factor 1). Runs seed_demo first when the demo is missing; adds nothing "
    "when the scale data is already there unless --reset. The last line of output is a JSON summary."
)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench/seed_scale.py", description=DESCRIPTION)
    parser.add_argument("--factor", type=float, default=1.0, help="Scale every count (default 1.0; 0.002 is tiny).")
    parser.add_argument("--seed", type=int, default=SEED, help=f"Seed of the random generator (default {SEED}).")
    parser.add_argument(
        "--reset", action="store_true", help="Delete the scale libraries (only those) and build them again."
    )
    parser.add_argument(
        "--now", default="", help="Pretend it is this moment (ISO 8601), for repeatable runs; default: now."
    )
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Build (or find, or rebuild) the scale data and report it; the last line written is JSON."""
    out = out or sys.stdout
    arguments = parser()
    options = arguments.parse_args(argv)
    if not options.factor > 0:
        arguments.error("--factor must be positive.")
    now = None
    if options.now:
        try:
            now = datetime.fromisoformat(options.now)
        except ValueError:
            arguments.error(f"--now is not an ISO 8601 moment: {options.now}")
        if timezone.is_naive(now):
            now = timezone.make_aware(now)

    def write(text: str) -> None:
        out.write(text + "\n")

    result = seed_scale(factor=options.factor, seed=options.seed, reset=options.reset, now=now, log=write)
    if result.created:
        write(
            f"Scale data built: {result.rows:,} rows in {result.seconds:.1f} s "
            f"({result.rows / max(result.seconds, 1e-9):,.0f} rows/s)."
        )
        for name, n in sorted(result.tables.items(), key=lambda item: -item[1]):
            write(f"  {name:<24} {n:>10,}")
    else:
        write(result.message)
    bench = result.bench
    write(
        f"Benchmark objects: library {bench['library']}, cohort {bench['cohort']!r} (id {bench['cohort_id']}), "
        f"logins {bench['coordinator']} / {bench['instructor']} / {bench['participant']} "
        f"(password {bench['password']})."
    )
    write(json.dumps(result.as_json()))
    out.flush()
    return 0

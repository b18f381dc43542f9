import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lentera.demo.scale import SEED, seed_scale


class Command(BaseCommand):
    help = (
        "Build a province-sized data set on top of the Pasuruan demo (39 more East Java libraries, about "
        "2,000,000 attendance rows at --factor 1). Runs seed_demo first when the demo is missing; adds nothing "
        "when the scale data is already there unless --reset. The last line of output is a JSON summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--factor", type=float, default=1.0, help="Scale every count (default 1.0; 0.002 is tiny).")
        parser.add_argument("--seed", type=int, default=SEED, help=f"Seed of the random generator (default {SEED}).")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the scale libraries (only those) and build them again."
        )
        parser.add_argument(
            "--now", default="", help="Pretend it is this moment (ISO 8601), for repeatable runs; default: now."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["factor"] > 0:
            raise CommandError("--factor must be positive.")
        now = None
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as error:
                raise CommandError(f"--now is not an ISO 8601 moment: {options['now']}") from error
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = seed_scale(
            factor=options["factor"],
            seed=options["seed"],
            reset=options["reset"],
            now=now,
            log=self.stdout.write,
        )
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scale data built: {result.rows:,} rows in {result.seconds:.1f} s "
                    f"({result.rows / max(result.seconds, 1e-9):,.0f} rows/s)."
                )
            )
            for name, n in sorted(result.tables.items(), key=lambda item: -item[1]):
                self.stdout.write(f"  {name:<24} {n:>10,}")
        else:
            self.stdout.write(result.message)
        bench = result.bench
        self.stdout.write(
            f"Benchmark objects: library {bench['library']}, cohort {bench['cohort']!r} (id {bench['cohort_id']}), "
            f"logins {bench['coordinator']} / {bench['instructor']} / {bench['participant']} "
            f"(password {bench['password']})."
        )
        self.stdout.write(json.dumps(result.as_json()))

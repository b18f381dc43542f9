"""Enrolment import of N rows from .xlsx: checking (preview) and applying, in rows per second."""

from __future__ import annotations

import io
import json
import sys
import time

import django_env  # noqa: F401 - sets up Django
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from lentera.accounts.models import Library
from lentera.curriculum.models import Programme
from lentera.delivery import services

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
LEVELS = ["Ahli Pertama", "Ahli Muda", "Terampil", "Mahir", "Non-PNS"]


def workbook(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Nama", "Email", "NIP", "Unit kerja", "Jabatan fungsional", "Telepon"])
    for i in range(rows):
        sheet.append(
            [
                f"Peserta Uji {i}",
                f"peserta{i}@bench.example",
                f"19800101200501{i:04d}",
                f"Unit {i % 12}",
                LEVELS[i % len(LEVELS)],
                f"0812{i:08d}",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    library = Library.objects.create(name="Perpustakaan Bench", slug=f"bench-{time.time_ns()}", city="X", province="Y")
    programme = Programme.objects.create(library=library, year=2026, title="Bench")
    cohort = services.cohort_create(
        actor=None, programme=programme, name="Bench", starts_on="2026-01-05", ends_on="2026-02-05", capacity=ROWS
    )
    data = workbook(ROWS)
    upload = SimpleUploadedFile("bench.xlsx", data)
    started = time.perf_counter()
    roster_import = services.roster_import_preview(actor=None, cohort=cohort, upload=upload)
    checked = time.perf_counter() - started
    started = time.perf_counter()
    summary = services.roster_import_apply(actor=None, roster_import=roster_import)
    applied = time.perf_counter() - started
    assert summary["enrolled"] == ROWS, summary  # noqa: S101 - a benchmark that lost rows must not report
    print(json.dumps({"rows": ROWS, "file_bytes": len(data), "check_seconds": checked, "apply_seconds": applied}))


if __name__ == "__main__":
    main()

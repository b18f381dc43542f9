"""Two issuers at the same moment never give the same number, nor two valid certificates to one person.

Real threads with their own database connections (``transaction=True``): on PostgreSQL the counter
row is locked with SELECT … FOR UPDATE; on SQLite each write transaction takes the database lock at
BEGIN (IMMEDIATE), and a lost race is retried. The unique constraints are the last guard either way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from lentera.accounts.tests.factories import LibraryFactory
from lentera.certificates import services
from lentera.certificates.models import Certificate
from lentera.certificates.tests.factories import BASE_URL, finished_cohort

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def at_once(*work: Callable[[], Any]) -> list[BaseException]:
    """Run each callable in its own thread, released together; return the errors raised."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_two_cohorts_issued_at_once_never_share_a_number(monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "CHUNK", 5)  # many small transactions, so the two interleave
    library = LibraryFactory(slug="serentak")
    first, second = finished_cohort(library, people=20), finished_cohort(library, people=20)
    errors = at_once(
        lambda: services.certificates_issue(actor=None, cohort=first, base_url=BASE_URL),
        lambda: services.certificates_issue(actor=None, cohort=second, base_url=BASE_URL),
    )
    assert not errors, errors
    seqs = sorted(Certificate.objects.filter(library=library).values_list("seq", flat=True))
    assert seqs == list(range(1, 41))  # forty numbers, none twice, none skipped
    assert Certificate.objects.values("number").distinct().count() == 40


def test_the_same_cohort_issued_twice_at_once_gives_each_person_one_certificate(monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "CHUNK", 4)
    cohort = finished_cohort(LibraryFactory(), people=12)
    errors = at_once(*[lambda: services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)] * 3)
    assert not errors, errors
    per_person = list(Certificate.objects.filter(cohort=cohort).values_list("user_id", flat=True))
    assert len(per_person) == len(set(per_person)) == 12

"""The audit log reads as sentences: verbose field names, local times, counts, "Sistem"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from lentera.accounts.audit import audit_record, system_actions
from lentera.accounts.audit_display import describe
from lentera.accounts.models import AuditEntry

pytestmark = pytest.mark.django_db


def _line(entry: AuditEntry) -> Any:
    [line] = describe([AuditEntry.objects.select_related("actor").get(pk=entry.pk)])
    return line


def test_field_names_are_verbose_names_in_indonesian(coordinator: Any) -> None:
    entry = audit_record(
        actor=coordinator.user,
        library=coordinator.library,
        action="cohort.update",
        changes={"capacity": [20, 25], "venue": ["Aula", "Ruang Baca"]},
    )
    entry.object_type = "delivery.cohort"
    entry.save()
    with translation.override("id"):
        line = _line(entry)
        assert line.what == "Angkatan diubah"
        assert line.who == coordinator.user.full_name
        readable = {(c.label, c.old, c.new) for c in line.changes}
    assert ("kapasitas", "20", "25") in readable
    assert ("tempat", "Aula", "Ruang Baca") in readable


def test_times_are_in_the_librarys_time_zone(coordinator: Any) -> None:
    # 19:30 UTC on the 2nd is 02:30 on the 3rd in Jakarta (UTC+7)
    with time_machine.travel(datetime(2026, 3, 2, 19, 30, tzinfo=UTC), tick=False):
        entry = audit_record(
            actor=coordinator.user,
            library=coordinator.library,
            action="session.reschedule",
            changes={"starts_at": ["2026-03-02 01:00:00+00:00", "2026-03-02 19:30:00+00:00"]},
        )
    with translation.override("id"):
        line = _line(entry)
    assert line.when == "3 Mar 2026 02.30"
    [change] = line.changes
    assert (change.label, change.old, change.new) == ("mulai", "2 Mar 2026 08.00", "3 Mar 2026 02.30")


def test_an_imports_counts_are_kept_as_counts(coordinator: Any) -> None:
    entry = audit_record(
        actor=coordinator.user,
        library=coordinator.library,
        action="roster.import",
        changes={"new_people": 42, "existing_people": 3, "enrolled": 40, "waitlisted": 5, "skipped": 2},
    )
    with translation.override("id"):
        line = _line(entry)
    assert line.what == "Daftar peserta diimpor"
    assert [(c.label, c.new, c.count) for c in line.changes] == [
        ("orang baru", "42", True),
        ("orang yang sudah ada di Lentera", "3", True),
        ("terdaftar", "40", True),
        ("daftar tunggu", "5", True),
        ("baris dilewati", "2", True),
    ]


def test_what_the_system_did_is_credited_to_the_system(coordinator: Any) -> None:
    with system_actions():
        entry = audit_record(actor=coordinator.user, library=coordinator.library, action="programme.create")
    assert entry.actor is None
    outside = audit_record(actor=coordinator.user, library=coordinator.library, action="programme.update")
    assert outside.actor == coordinator.user  # the context ends with the block
    with translation.override("id"):
        assert _line(entry).who == "Sistem"


def test_values_read_as_words(coordinator: Any) -> None:
    entry = audit_record(
        actor=None,
        library=coordinator.library,
        action="membership.grant",
        changes={"role": [None, "instructor"], "is_active": [True, False]},
    )
    entry.object_type = "accounts.membership"
    entry.save()
    with translation.override("id"):
        changes = {c.label: (c.old, c.new) for c in _line(entry).changes}
    assert changes["peran"] == ("", "Instruktur")
    assert ("ya", "tidak") in changes.values()


def test_the_page_shows_sentences_and_the_system(coordinator: Any) -> None:
    with system_actions():
        audit_record(
            actor=coordinator.user, library=coordinator.library, action="roster.import", changes={"new_people": 7}
        )
    body = coordinator.client.get(reverse("accounts:audit_log"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    rows = body.split("<tbody>")[1]
    assert "Sistem" in rows
    assert "Orang baru: 7" in rows
    assert 'role="region"' in body and 'tabindex="0"' in body  # the scrollable table is focusable

"""Anonymous feedback stays anonymous to whoever reads the database or a backup.

Known people answer in a known order, at known times, through the real page (signed in, so
``last_login`` and the sessions move too). Then every join a server administrator could try:
row keys and their order, SQLite rowids or PostgreSQL ctids, PostgreSQL transaction ids (xmin),
timestamps, sign-in times, sessions, the audit and task tables, the logs. Nothing may tell who
gave which answer. The strongest form: the same people in the same order giving the answers in a
different assignment leave the aggregates exactly the same, byte for byte, keys included.

Runs on the suite's database: SQLite here, PostgreSQL in CI (DATABASE_URL), where the xmin and
ctid checks run too. Real commits (``transaction=True``): each submission is its own transaction.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from lentera.evaluation.models import Answer, Comments, Response, Survey, Tally
from lentera.evaluation.tests.factories import feedback_cohort

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # leaves no re-made content types behind

START = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)  # 08:00 in Pasuruan; each person answers 7 minutes after the last
# what each of the six people answers: ratings (for every rating field) and a comment
ANSWERS = [(5, "Sangat membantu"), (1, "Terlalu cepat"), (4, "Contohnya pas"), (2, "Ruangan panas"), (3, ""), (5, "")]


def _world(tag: str) -> Any:
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        return feedback_cohort(people=6, sessions=1, tag=tag, instructors_per_session=2, now=START)


def _physical(survey_id: int) -> list[tuple[Any, ...]]:
    """Each aggregate row as the database holds it: (table, physical key, pk, transaction id)."""
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for model in (Tally, Comments):
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT ctid::text, id, xmin::text FROM {table} WHERE survey_id = %s", [survey_id])  # noqa: S608
            else:
                cursor.execute(f"SELECT rowid, id, NULL FROM {table} WHERE survey_id = %s", [survey_id])  # noqa: S608
            rows += [(model.__name__, *row) for row in cursor.fetchall()]
    return rows


def _answer_all(world: Any, order: list[int], *, watch: Any = None) -> None:
    """Person ``i`` (in ``order``) answers with ``ANSWERS[i]``, signed in a minute before; ``watch``
    is called after every submission."""
    round_ = world.rounds[0]
    url = reverse("evaluation:answer", args=[round_["survey"]])
    for step, person in enumerate(order):
        rating, comment = ANSWERS[person]
        moment = START + timedelta(minutes=7 * step)
        client = Client()
        with time_machine.travel(moment, tick=False):
            client.force_login(world.participants[step])  # last_login: the step, not the answer
        data = {name: str(rating) for name in round_["ratings"]}
        if comment:
            data[round_["comment"]] = comment
        with time_machine.travel(moment + timedelta(minutes=1), tick=False):
            assert client.post(url, data).status_code == 302
        if watch is not None:
            watch(step)


def _normalised(world: Any) -> list[tuple[Any, ...]]:
    """Everything the aggregates hold, keys relative to the round's first row (two worlds compared)."""
    survey = world.rounds[0]["survey"]
    first_tally = Tally.objects.filter(survey_id=survey).order_by("pk").first()
    first_list = Comments.objects.filter(survey_id=survey).order_by("pk").first()
    assert first_tally is not None and first_list is not None
    items = {
        pk: n
        for n, pk in enumerate(
            Tally.objects.filter(survey_id=survey).order_by("pk").values_list("item_id", flat=True).distinct()
        )
    }
    rows = [
        ("tally", t.pk - first_tally.pk, t.role, items[t.item_id], t.instructor_id is not None, t.value, t.count)
        for t in Tally.objects.filter(survey_id=survey).order_by("pk")
    ]
    rows += [
        ("comments", c.pk - first_list.pk, c.role, c.entries)
        for c in Comments.objects.filter(survey_id=survey).order_by("pk")
    ]
    physical = _physical(survey)
    if connection.vendor == "sqlite":  # rowids, relative too
        low = min(r[1] for r in physical if r[0] == "Tally")
        rows += sorted(
            (
                r[0],
                r[1] - low if r[0] == "Tally" else None,
                r[2] - (first_tally.pk if r[0] == "Tally" else first_list.pk),
            )
            for r in physical
        )
    survey_row = Survey.objects.get(pk=survey)
    rows.append(("survey", survey_row.participant_responses, survey_row.supervisor_responses))
    return rows


def test_who_answered_what_cannot_be_joined(caplog: pytest.LogCaptureFixture) -> None:
    from django_tasks_db.models import DBTaskResult

    from lentera.accounts.models import AuditEntry

    caplog.set_level(logging.DEBUG)
    world = _world("anon-a")
    survey_id = world.rounds[0]["survey"]
    before = {(r[0], r[2]): r for r in _physical(survey_id)}
    audit_before, tasks_before = AuditEntry.objects.count(), DBTaskResult.objects.count()
    seen: list[set[Any]] = []
    previous = dict(before)

    def watch(step: int) -> None:
        now = {(r[0], r[2]): r for r in _physical(survey_id)}
        # no row made or removed by a submission: the keys and their order are those of the opening
        assert set(now) == set(before), f"rows changed at submission {step}"
        if connection.vendor == "postgresql":
            # every row of the round rewritten by this submission (a new ctid each), all in its one
            # transaction (one xmin): which counters went up is neither in the ctids nor in the xmins
            assert all(now[key][1] != previous[key][1] for key in now), f"a row not rewritten at {step}"
            assert len({r[3] for r in now.values()}) == 1
            seen.append({r[3] for r in now.values()})
        else:
            assert all(now[key][1] == before[key][1] for key in now), "a rowid moved"
        previous.update(now)

    _answer_all(world, list(range(6)), watch=watch)
    if connection.vendor == "postgresql":
        assert len(set().union(*seen)) == 6  # one transaction per submission, each covering every row
    else:  # secure_delete: a deleted row (a migrated per-person answer) leaves no bytes in free pages
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1

    # no per-person rows, no time on the aggregates, no key from them to a respondent
    assert not Response.objects.exists() and not Answer.objects.exists()
    for model in (Tally, Comments):
        fields = model._meta.get_fields()
        assert not any(isinstance(f, models.DateField) for f in fields), model  # DateTimeField is a DateField
    people = {p.pk for p in world.participants}
    assert not set(Tally.objects.exclude(instructor=None).values_list("instructor_id", flat=True)) & people
    # the comments: sorted by text, so their order is not the order they came in
    (comments,) = Comments.objects.filter(survey_id=survey_id).exclude(entries=[])
    assert [text for text, _review in comments.entries] == sorted(a[1] for a in ANSWERS if a[1])
    # nothing else pointing at the round's answers was written: no audit row, no task, no session content
    assert AuditEntry.objects.count() == audit_before and DBTaskResult.objects.count() == tasks_before
    for model in apps.get_models():
        if model._meta.db_table == "django_session":
            for data in model.objects.values_list("session_data", flat=True):
                decoded = model().get_decoder().decode(data) if hasattr(model(), "get_decoder") else {}
                assert not any(a[1] and a[1] in str(decoded) for a in ANSWERS)
    # the logs name nobody's answers
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not any(comment and comment in logged for _rating, comment in ANSWERS)
    # sign-in times follow the order of submission (known to the administrator): they must pair with nothing
    logins = sorted((p.last_login, p.pk) for p in type(world.participants[0]).objects.filter(pk__in=people))
    assert [pk for _when, pk in logins] == [p.pk for p in world.participants]


def test_the_same_people_giving_other_answers_leave_the_same_database() -> None:
    """Two rounds, the same six people answering in the same order at the same times, the answers
    assigned differently: the aggregates are identical, keys and rowids included. So nothing in
    them can say which person gave which answer, whatever else the administrator knows."""
    first, second = _world("anon-b"), _world("anon-c")
    _answer_all(first, [0, 1, 2, 3, 4, 5])
    _answer_all(second, [3, 5, 0, 4, 1, 2])
    assert _normalised(first) == _normalised(second)

"""Fast writes for the scale data: rows as tuples, COPY on PostgreSQL, executemany on SQLite.

Values come in as Python objects (aware datetimes, dates, UUIDs, JSON already dumped to text);
``Writer`` adapts them once per column kind for the database in use.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

BATCH = 5_000


class Writer:
    """Inserts rows into a model's table and counts them by a short name."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.counts: Counter[str] = Counter()
        self.answers_counted = 0  # feedback answers added into the aggregates (they are not rows)
        self.explicit_ids: set[type[models.Model]] = set()
        self._dt_cache: dict[datetime, Any] = {}

    # values ------------------------------------------------------------------------------------
    def dt(self, value: datetime | None) -> Any:
        if value is None or self.vendor == "postgresql":
            return value
        found = self._dt_cache.get(value)
        if found is None:
            found = connection.ops.adapt_datetimefield_value(value)
            if len(self._dt_cache) < 200_000:
                self._dt_cache[value] = found
        return found

    def dt_offsets(self, start: datetime, minutes: range) -> list[Any]:
        """``start`` plus each of ``minutes``, ready for the database (fast: one adaptation, then arithmetic)."""
        if self.vendor == "postgresql":
            return [start + timedelta(minutes=m) for m in minutes]
        base = start.astimezone(UTC).replace(tzinfo=None)  # SQLite keeps datetimes as naive UTC text
        return [str(base + timedelta(minutes=m)) for m in minutes]

    def day(self, value: date) -> Any:
        return value if self.vendor == "postgresql" else value.isoformat()

    def uid(self, value: uuid.UUID) -> Any:
        return value if self.vendor == "postgresql" else value.hex

    # writing -----------------------------------------------------------------------------------
    def insert(
        self, name: str, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        """Insert ``rows`` (tuples in the order of ``columns``, the database column names)."""
        table = model._meta.db_table
        if "id" in columns:
            self.explicit_ids.add(model)
        written = 0
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
            else:
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})"  # noqa: S608 - model names
                for chunk in _chunks(rows, BATCH):
                    cursor.executemany(sql, chunk)
                    written += len(chunk)
        self.counts[name] += written
        return written

    @contextmanager
    def without_indexes(self, *models_: type[models.Model]) -> Iterator[None]:
        """Drop the tables' secondary indexes during a load and build them again afterwards (same transaction).

        Building an index once over the loaded rows is several times faster than keeping it up to
        date row by row. Indexes that back a constraint on PostgreSQL are kept.
        """
        saved: list[str] = []
        with connection.cursor() as cursor:
            for model in models_:
                table = model._meta.db_table
                if self.vendor == "sqlite":
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master "
                        "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                        [table],
                    )
                else:
                    cursor.execute(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                        "(SELECT conname FROM pg_constraint)",
                        [table],
                    )
                for name, sql in cursor.fetchall():
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                    saved.append(sql)
        yield
        with connection.cursor() as cursor:
            if self.vendor == "postgresql" and saved:
                # PostgreSQL builds no index while deferred foreign-key checks are pending: run them now
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in saved:
                cursor.execute(sql)
            if self.vendor == "postgresql" and saved:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def bulk(self, name: str, objects: list[Any]) -> list[Any]:
        """ORM bulk_create for the smaller tables whose ids are needed afterwards."""
        if not objects:
            return objects
        made = type(objects[0]).objects.bulk_create(objects, batch_size=BATCH)
        self.counts[name] += len(made)
        return made

    def next_id(self, model: type[models.Model]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            (top,) = cursor.fetchone()
        return int(top or 0) + 1

    def skip_foreign_key_triggers(self) -> bool:
        """On PostgreSQL as a superuser, fire no foreign-key triggers until the transaction ends.

        What ``pg_restore --disable-triggers`` does: every row here points at ids just inserted, so
        checking 8 million references one by one only costs time. CHECK and UNIQUE constraints
        still apply; the tests check the references on SQLite, which enforces them.
        """
        if self.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            if not (row and row[0]):
                return False
            cursor.execute("SET LOCAL session_replication_role = replica")
        return True

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the ids given here."""
        if self.vendor != "postgresql" or not self.explicit_ids:
            return
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), sorted(self.explicit_ids, key=str)):
                cursor.execute(sql)


def _chunks(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SqliteLoadMode:
    """On SQLite, skip the fsync during the load (it is one transaction anyway); restored afterwards."""

    def __enter__(self) -> SqliteLoadMode:
        # (not inside an outer transaction, such as a test's: SQLite refuses to change it there)
        self.active = connection.vendor == "sqlite" and not connection.in_atomic_block
        if self.active:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous")
                self.synchronous = cursor.fetchone()[0]
                cursor.execute("PRAGMA cache_size")
                self.cache_size = cursor.fetchone()[0]
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-200000")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.active:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA synchronous={int(self.synchronous)}")
                cursor.execute(f"PRAGMA cache_size={int(self.cache_size)}")

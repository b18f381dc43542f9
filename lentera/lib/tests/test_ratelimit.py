"""Per-client rate limits (lib/ratelimit.py): the N+1-th request is refused with 429 and Retry-After,
another address is not, the window passes, the counts live in the shared database cache."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from lentera.lib import ratelimit

pytestmark = pytest.mark.django_db

# A Monday morning in Pasuruan, 09:00 WIB; the windows below are whole multiples of it.
MONDAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def request(address: str = "203.0.113.5", method: str = "get", **meta: Any) -> HttpRequest:
    factory = RequestFactory()
    made: HttpRequest = getattr(factory, method)("/sertifikat/cek/", REMOTE_ADDR=address, **meta)
    return made


@ratelimit.rate_limited("certificate-check")
def lookup(request: HttpRequest) -> HttpResponse:
    return HttpResponse("found")


@ratelimit.rate_limited("login", methods=("POST",))
def login_form(request: HttpRequest) -> HttpResponse:
    return HttpResponse("form")


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    settings.RATE_LIMITS = {"certificate-check": (3, 600), "login": (2, 600)}


class TestClientAddress:
    def test_remote_addr_without_a_proxy(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 0
        made = request("198.51.100.7", HTTP_X_FORWARDED_FOR="10.9.9.9")
        assert ratelimit.client_address(made) == "198.51.100.7"

    def test_behind_nginx_the_entry_nginx_added_not_what_the_client_wrote(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 1
        made = request("127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7")
        assert ratelimit.client_address(made) == "198.51.100.7"

    def test_two_proxies_count_from_the_right(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 2
        made = request("127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7, 192.0.2.1")
        assert ratelimit.client_address(made) == "198.51.100.7"

    def test_a_header_shorter_than_the_proxy_chain_falls_back_to_remote_addr(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 2
        assert ratelimit.client_address(request("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "127.0.0.1"

    def test_an_unreadable_address_is_one_bucket(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 1
        made = request("127.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
        assert ratelimit.client_address(made) == ratelimit.UNKNOWN_ADDRESS

    def test_an_ipv6_client_is_counted_by_its_64_network(self) -> None:
        one, other = request("2001:db8:1:2::1"), request("2001:db8:1:2:ffff::9")
        assert ratelimit.client_key(one) == ratelimit.client_key(other) == "2001:db8:1:2::/64"
        assert ratelimit.client_address(one) == "2001:db8:1:2::1"  # axes stores the address itself


class TestLimit:
    def test_the_request_past_the_limit_gets_the_indonesian_429_with_retry_after(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            assert [lookup(request()).status_code for _ in range(3)] == [200, 200, 200]
            refused = lookup(request())
        assert refused.status_code == 429
        assert refused["Retry-After"] == "600"  # the window started on the hour
        html = " ".join(refused.content.decode().split())
        assert "Terlalu banyak permintaan" in html and "tunggu 10 menit" in html

    def test_retry_after_counts_down_to_the_end_of_the_window(self) -> None:
        with time_machine.travel(MONDAY, tick=False) as clock:
            for _ in range(3):
                lookup(request())
            clock.shift(timedelta(minutes=7, seconds=30))
            refused = lookup(request())
        assert refused["Retry-After"] == "150"
        assert "tunggu 3 menit" in " ".join(refused.content.decode().split())

    def test_another_address_is_not_limited(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            for _ in range(4):
                lookup(request("203.0.113.5"))
            assert lookup(request("203.0.113.6")).status_code == 200

    def test_the_next_window_starts_again(self) -> None:
        with time_machine.travel(MONDAY, tick=False) as clock:
            for _ in range(4):
                lookup(request())
            clock.shift(timedelta(minutes=10))
            assert lookup(request()).status_code == 200

    def test_scopes_are_counted_apart(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            for _ in range(4):
                lookup(request())
            assert login_form(request(method="post")).status_code == 200

    def test_only_the_named_methods_count(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            for _ in range(5):
                assert login_form(request()).status_code == 200  # opening the form is free
            assert [login_form(request(method="post")).status_code for _ in range(3)] == [200, 200, 429]

    def test_a_key_of_its_own(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            for address in ["203.0.113.1", "203.0.113.2", "203.0.113.3"]:
                assert ratelimit.limit_exceeded(request(address), "certificate-check", key="dewi@example.org") is None
            refused = ratelimit.limit_exceeded(request("203.0.113.4"), "certificate-check", key="dewi@example.org")
        assert refused is not None and refused.status_code == 429


class TestSharedCache:
    def test_the_counts_live_in_the_database_cache_without_the_address(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            lookup(request("203.0.113.77"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM lentera_cache")
            keys = [row[0] for row in cursor.fetchall()]
        assert len(keys) == 1 and ":rl:certificate-check:" in keys[0]
        assert "203.0.113.77" not in keys[0]

    def test_another_process_sees_the_same_count(self) -> None:
        """A second cache object (what another gunicorn worker has) reads the count from the table."""
        from django.core.cache.backends.db import DatabaseCache

        with time_machine.travel(MONDAY, tick=False):
            for _ in range(3):
                lookup(request())
            other_worker = DatabaseCache("lentera_cache", {})
            [stored] = _cache_keys()
            assert other_worker.get(stored.removeprefix(":1:")) == 3
            assert other_worker is not caches["shared"]

    def test_the_migration_makes_the_table(self) -> None:
        """What `migrate` runs (RunPython both ways), with the schema editor's two calls it uses."""
        from importlib import import_module
        from types import SimpleNamespace

        migration = import_module("lentera.lib.migrations.0001_cache_table")
        with connection.cursor() as cursor:
            quote = connection.ops.quote_name
            editor = SimpleNamespace(connection=connection, execute=cursor.execute, quote_name=quote)
            migration.drop_cache_table(None, editor)
            assert "lentera_cache" not in connection.introspection.table_names(cursor)
            migration.create_cache_table(None, editor)
            assert "lentera_cache" in connection.introspection.table_names(cursor)


def _cache_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM lentera_cache")
        return [row[0] for row in cursor.fetchall()]

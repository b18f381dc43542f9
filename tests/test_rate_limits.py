"""Every public page that looks something up for a stranger is rate limited per client address.

Each page here, with a limit of two requests, answers the third from one address with 429 and
Retry-After, while another address still gets its answer; the public pages that look nothing up
are named with the reason. A new public page (tests/test_url_matrix.py, PUBLIC_PAGES) must be in
one of the two lists, so none is left unlimited by accident.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.test_url_matrix import PUBLIC_PAGES

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 WIB

# url name -> (method, URL kwargs, form data, the scope that limits it)
LOOKUPS: dict[str, tuple[str, dict[str, str], dict[str, str], str]] = {
    "accounts:login": ("post", {}, {"username": "siapa", "password": "salah"}, "login"),
    "accounts:password_reset": ("post", {}, {"email": "siapa@example.org"}, "password-reset"),
    "accounts:password_reset_confirm": ("get", {"uidb64": "MQ", "token": "abc-def"}, {}, "emailed-link"),
    "accounts:code_entry": ("post", {}, {"code": "ABCD-EFGH-JKMN"}, "sign-in-code"),
    "first_run": ("post", {}, {"token": "ABCD-EFGH-JKMN-PQRS"}, "first-run-setup"),
    "accounts:invitation": ("get", {"code": "ABCDEFGHJKMN"}, {}, "emailed-link"),
    "evaluation:supervisor_answer": ("get", {"token": "tebakan"}, {}, "supervisor-link"),
    "delivery:ical_feed": ("get", {"token": "tebakan"}, {}, "calendar-feed"),
    "certificates:verify": ("get", {}, {"nomor": "UJI/2025/0001"}, "certificate-check"),
    "certificates:verify_token": ("get", {"token": "tebakan"}, {}, "certificate-check"),
}
LOOKS_NOTHING_UP = {
    "dashboard": "sends a stranger to the login page",
    "media": "404 for everyone",
    "accounts:logout": "nothing to look up",
    "accounts:language": "sets a cookie",
    "accounts:password_reset_done": "a fixed message",
    "accounts:password_reset_complete": "a fixed message",
}


def test_every_public_page_is_limited_or_says_why_not() -> None:
    assert set(LOOKUPS) | set(LOOKS_NOTHING_UP) == set(PUBLIC_PAGES)
    assert not set(LOOKUPS) & set(LOOKS_NOTHING_UP)


@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_the_third_request_from_one_address_gets_429(name: str, settings: Any) -> None:
    method, kwargs, data, scope = LOOKUPS[name]
    settings.RATE_LIMITS = {scope: (2, 600)}
    url = reverse(name, kwargs=kwargs)
    one, other = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    with time_machine.travel(MONDAY, tick=False):
        answers = [getattr(one, method)(url, data) for _ in range(3)]
        elsewhere = getattr(other, method)(url, data)
    assert [a.status_code == 429 for a in answers] == [False, False, True], [a.status_code for a in answers]
    assert answers[2]["Retry-After"] == "600"
    assert "Terlalu banyak permintaan" in answers[2].content.decode()
    assert elsewhere.status_code != 429

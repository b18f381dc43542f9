"""The demo participant opens their JP history from the dashboard, on a phone, and downloads the PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lentera.accounts.models import User
from lentera.delivery.selectors import participant_jp_history
from tests.browser.delivery_helpers import pdf_text
from tests.browser.helpers import assert_accessible, login, path_of, shot

pytestmark = pytest.mark.browser


def _history(username: str) -> list[Any]:
    """What the page should show, read through the same selector (the demo's dates follow today)."""
    from lentera.accounts.access import LibraryAccess

    user = User.objects.get(username=username)
    library = user.memberships.get(role="participant").library
    return participant_jp_history(access=LibraryAccess(user=user, library=library, roles=frozenset({"participant"})))


def test_the_participant_reads_and_downloads_their_jp_history(page: Page, demo: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, demo, "peserta")
    page.get_by_role("link", name="Riwayat JP saya").click()
    assert path_of(page) == "/jp-saya/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Riwayat JP saya")
    years = _history("peserta")
    assert years, "the demo participant has sessions behind them"
    latest = years[0]
    card = page.locator(f"section[aria-labelledby='jp-{latest.year}']")
    expect(card.locator(".jp-total")).to_contain_text(f"{latest.total} dari {latest.target} JP")
    expect(card.locator(".jp-line")).to_have_count(len(latest.lines))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the JP history scrolls sideways at 375 px: {width} px wide"
    assert_accessible(page)
    shot(page, "riwayat-jp-375.png")

    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh PDF (semua tahun)").click()
    assert download.value.suggested_filename.startswith("riwayat-jp-")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf and b"Helvetica" not in pdf
    text = " ".join(pdf_text(pdf).split())
    assert "RIWAYAT JP" in text and f"{latest.year}: {latest.total} dari {latest.target} JP" in text

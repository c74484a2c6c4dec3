"""The extension's collector reads a demo product's whole review list behind the sign-in wall.

Chromium loads the unpacked extension (see test_badge_in_chromium.py); the demo market shows
review lists only to a signed-in demo session (DEMO_MARKET_SIGNIN_WALL). The shopper signs in,
asks for the analysis, consents, watches the progress bar, and the badge shows the verdict the
server computed from the reviews the extension sent.
"""

from __future__ import annotations

import pytest

from reviewsec.catalog.models import Review
from reviewsec.demo_market.catalogue import shop
from tests.browser.conftest import screenshot
from tests.extension.test_badge_in_chromium import _demo_asin, extension_context  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CATEGORIES = "normal, suspicious, highly_suspicious, insufficient_data"


@pytest.fixture
def collector(extension_context, settings):  # noqa: F811
    """The extension, with the sign-in wall up and the pause between pages cut to 50 ms."""
    settings.DEMO_MARKET_SIGNIN_WALL = True
    context, server = extension_context
    context.service_workers[0].evaluate("chrome.storage.sync.set({collectDelayMs: 50})")
    return context, server


def _start(page, pages: int, *, screenshot_as: str = "") -> None:
    page.get_by_role("button", name="Analyse reviews with ReviewSec").click(timeout=15_000)
    dialog = page.locator("#reviewsec-consent")
    dialog.wait_for()
    assert "never sends your cookies, your account details" in dialog.inner_text()
    assert dialog.locator("#reviewsec-page-limit").input_value() == "20"
    dialog.locator("#reviewsec-page-limit").fill(str(pages))
    if screenshot_as:
        screenshot(page, screenshot_as)
    dialog.get_by_role("button", name="Read and send").click()


def test_a_signed_in_shopper_collects_every_page_and_sees_the_verdict(collector) -> None:
    context, server = collector
    asin = _demo_asin("boost")
    expected = len(shop().products[asin].reviews)
    page = context.new_page()
    page.goto(f"{server}/demo-market/ap/signin")
    page.get_by_role("button", name="Sign in to the demo market").click()
    page.goto(f"{server}/demo-market/dp/{asin}")
    page.locator("#reviewsec-badge[data-tone='none']").wait_for(timeout=15_000)

    _start(page, pages=40, screenshot_as="extension-collector-consent")
    page.wait_for_function(
        "document.querySelector('#reviewsec-progress')?.value > 2", timeout=15_000
    )
    screenshot(page, "extension-collector-progress")
    assert page.get_by_role("button", name="Analyse now").count() == 0  # one way at a time
    badge = page.locator(
        ", ".join(f"#reviewsec-badge[data-tone='{tone}']" for tone in CATEGORIES.split(", "))
    )
    badge.wait_for(timeout=60_000)

    status = page.locator("#reviewsec-status").inner_text()
    assert f"Read all {-(-expected // 10)} review pages." in status
    assert f"Sent {expected} reviews." in status
    assert badge.locator("a").get_attribute("href") == f"{server}/p/demo/{asin}/"
    stored = Review.objects.filter(product__marketplace="demo", product__asin=asin)
    assert stored.count() == expected
    screenshot(page, "extension-collector-verdict")


def test_without_signing_in_the_collector_says_why_and_sends_nothing(collector) -> None:
    context, server = collector
    asin = _demo_asin("boost")
    page = context.new_page()
    page.goto(f"{server}/demo-market/dp/{asin}")

    _start(page, pages=5)
    status = page.locator("#reviewsec-status")
    status.get_by_text("only when you are signed in").wait_for(timeout=15_000)
    assert not Review.objects.filter(product__asin=asin).exists()
    screenshot(page, "extension-collector-signin-needed")

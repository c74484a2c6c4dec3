"""A shopper pastes a demo product, watches the progress bar, and reads the four-panel verdict."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PANELS = ("product", "consistency", "ero-principle", "ero-results")


def _paste(page, server_url: str, text: str) -> None:
    page.goto(f"{server_url}/")
    page.get_by_label("Paste an Amazon product link or ASIN").fill(text)
    page.get_by_role("button", name="Go", exact=True).click()


def test_pasting_a_demo_product_ends_on_a_four_panel_verdict(page, demo_live_server) -> None:
    from reviewsec.demo_market.products import demo_catalogue

    boosted = next(p for p in demo_catalogue() if p.scenario == "boost")
    _paste(page, demo_live_server.url, f"{demo_live_server.url}/demo-market/dp/{boosted.asin}")

    page.wait_for_url("**/jobs/*/", timeout=10_000)
    bar = page.locator(".progress-bar")
    widths = {bar.evaluate("el => el.style.width")}
    page.wait_for_url("**/p/demo/*/", timeout=60_000)
    widths.add(bar.evaluate("el => el.style.width") if bar.count() else "done")
    assert len(widths) >= 2, "the progress bar never moved"

    for panel in PANELS:
        assert page.locator(f"[data-panel='{panel}']").count() == 1, panel
    for chart in ("consistency", "satisfaction"):
        page.locator(f"#chart-{chart} svg").first.wait_for(timeout=20_000)
    badge = page.locator(".headline .badge").inner_text()
    assert badge in {"Suspicious", "Highly suspicious"}
    screenshot(page, "verdict-boosted-demo-product")


def test_a_bad_link_shows_the_error_next_to_the_box(page, demo_live_server) -> None:
    _paste(page, demo_live_server.url, "https://evil.example/dp/B0DEMO0001")
    error = page.locator("#ref-error")
    error.wait_for(timeout=10_000)
    assert "Amazon" in error.inner_text()
    assert (
        page.get_by_label("Paste an Amazon product link or ASIN").get_attribute("aria-invalid")
        == "true"
    )
    screenshot(page, "bad-link-error")


def test_the_robot_check_product_ends_in_a_clear_failure(page, demo_live_server) -> None:
    from reviewsec.demo_market.products import DEMO_ROBOT_CHECK_ASIN

    _paste(
        page, demo_live_server.url, f"{demo_live_server.url}/demo-market/dp/{DEMO_ROBOT_CHECK_ASIN}"
    )
    failure = page.locator(".progress-failed")
    failure.wait_for(state="visible", timeout=60_000)
    assert "robot check" in failure.inner_text().lower()
    assert page.get_by_role("button", name="Try again").is_visible()
    screenshot(page, "robot-check-failure")

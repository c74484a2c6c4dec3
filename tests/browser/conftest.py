"""Headless Chromium (Debian's package) driven by Playwright against the live test server.

Pages are checked as a shopper sees them; screenshots go to ``test-artifacts/`` for CI.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import service_unavailable

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium per test module: Playwright's sync API keeps an event loop running in this
    thread while it is open, so it must be closed before other modules' tests (which may start
    their own loops) run."""
    executable = _chromium_path()
    if executable is None:
        service_unavailable("Chromium is not installed (apt-get install chromium)")
    # The live server's ORM calls happen in this thread while Playwright's loop runs; they are
    # synchronous and safe. Restored afterwards so no later test or subprocess inherits it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def admin_page(browser, live_server, django_user_model) -> Iterator[object]:
    """A 1280 px page signed in to the live server's admin through its login form, as a
    superuser (the admin queues' width checks)."""
    django_user_model.objects.create_superuser("mod", "mod@example.org", "pw-for-tests")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.goto(f"{live_server.url}/admin/login/")
    opened.fill("#id_username", "mod")
    opened.fill("#id_password", "pw-for-tests")
    opened.click("input[type=submit]")
    yield opened
    context.close()


def changelist_columns_in_view(page, url: str, screenshot_name: str) -> int:
    """Open an admin changelist, keep a screenshot, and check that every column header ends
    inside the results box (no sideways scrolling); the number of columns."""
    page.goto(url)
    headers = page.locator("#result_list thead th")
    headers.first.wait_for(timeout=10_000)
    screenshot(page, screenshot_name)
    visible = page.locator("#changelist .results").bounding_box()
    boxes = [headers.nth(i).bounding_box() for i in range(headers.count())]
    assert all(box["x"] + box["width"] <= visible["x"] + visible["width"] + 1 for box in boxes)
    return len(boxes)


@pytest.fixture
def demo_live_server(live_server, settings) -> Iterator[object]:
    """The live server with the demo market on, its host allowed, tasks in-process.

    Waits for the in-process crawl threads at the end, so none outlives its test's database.
    """
    settings.DEMO_MARKET = True
    settings.DEMO_MARKET_BASE_URL = f"{live_server.url}/demo-market"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = False
    yield live_server
    for thread in threading.enumerate():
        if thread.name.startswith("crawl-job-"):
            thread.join(timeout=120)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

"""Debian's Chromium driven by Playwright, for the browser tests: one launch recipe for all of them."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from newsdesk.testing.services import require

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox (root), and none of Chromium's own calls home: this machine's network is closed.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium; skips loudly (fails under CI=true) where Debian's package is absent.

    Start it after the test's database rows exist, so no ORM call runs beside Playwright's event loop.
    """
    require(CHROMIUM.exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def local_only(live_server_url: str):
    """A route handler that lets the page reach the test servers and nothing else."""
    allowed = {urlsplit(live_server_url).hostname, "127.0.0.1", "localhost"}

    def route(route):
        if urlsplit(route.request.url).hostname in allowed:
            route.continue_()
        else:
            route.abort()

    return route


def new_page(browser, live_server, **options):
    context = browser.new_context(**options)
    context.route("**/*", local_only(live_server.url))
    return context, context.new_page()

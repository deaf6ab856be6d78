"""The reader's path through the site in a real browser: Debian's Chromium driven by Playwright."""

import functools
import threading
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone

from newsdesk.testing.browser import chromium, new_page
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.browser

TESTDATA = Path(__file__).parent / "testdata"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def image_server():
    """The publisher's image host, on 127.0.0.1: the browser may reach nothing else."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(TESTDATA)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def stories(transactional_db, image_server):
    harbour = make_source("Harbour Times", homepage_url="https://harbour.example/")
    coast = make_source("Coast Herald")
    main = make_article(
        harbour,
        "Lighthouse reopens after two-year restoration",
        description="The old tower guides ships again.",
        text="The lighthouse on the north pier shone again on Friday.\n\nVolunteers rebuilt the lamp room.",
        authors=["Ann Reporter"],
        image_url=f"{image_server}/lighthouse.svg",
        category="science",
        hashtags=("Lighthouse", "NorthPier"),
    )
    make_article(
        coast,
        "Ferry timetable changes for the pier",
        text="Ferries will call at the north pier from Monday.",
        hashtags=("NorthPier",),
        age=timedelta(hours=3),
    )
    return {"main": main}


@pytest.fixture
def browser(stories):
    with chromium() as started:
        yield started


def test_reader_path_home_article_hashtag_source_search(browser, live_server, stories):
    context, page = new_page(browser, live_server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    main = stories["main"]

    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name=main.title).first.click()
    page.wait_for_url(f"**{main.get_absolute_url()}")
    assert page.locator("h1.headline").inner_text() == main.title
    assert page.locator(".story-meta time").inner_text() == "1 hour ago"
    assert "Volunteers rebuilt the lamp room." in page.locator(".story-body").inner_text()
    assert page.locator(".lead-image img").evaluate("img => img.naturalWidth") > 0

    page.get_by_role("button", name="Copy the story link").click()
    page.get_by_text("Link copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}{main.get_absolute_url()}"

    related = page.locator("aside.related")
    assert "Ferry timetable changes for the pier" in related.inner_text()
    assert "Coast Herald" in related.inner_text()

    page.get_by_role("link", name="#NorthPier", exact=True).click()
    assert page.locator("h1").inner_text() == "Latest news with #NorthPier"
    assert page.get_by_role("link", name="Ferry timetable changes for the pier").is_visible()

    page.get_by_role("link", name="Coast Herald").first.click()
    assert page.locator("h1").inner_text() == "Coast Herald"

    page.get_by_role("searchbox", name="Search news").fill("lamp room")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?q=lamp+room")
    results = page.locator(".card-list")
    assert main.title in results.inner_text()
    assert "Ferry timetable" not in results.inner_text()
    context.close()


def test_article_without_javascript_still_offers_the_link(browser, live_server, stories):
    context, page = new_page(browser, live_server, java_script_enabled=False)
    main = stories["main"]
    page.goto(f"{live_server.url}{main.get_absolute_url()}")
    link = page.locator("#story-link")
    assert link.is_visible()
    assert link.input_value() == f"{live_server.url}{main.get_absolute_url()}"
    assert not page.get_by_role("button", name="Copy the story link").is_visible()
    assert page.locator(".story-meta time").inner_text() == "1 hour ago"
    context.close()


def test_dark_color_scheme_is_applied(browser, live_server, stories):
    backgrounds = {}
    for scheme in ("light", "dark"):
        context, page = new_page(browser, live_server, color_scheme=scheme)
        page.goto(f"{live_server.url}{stories['main'].get_absolute_url()}")
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert backgrounds == {"light": "rgb(246, 245, 242)", "dark": "rgb(18, 19, 22)"}


@pytest.fixture
def week_old_story(stories):
    """Published at 16:07 UTC ten days ago: already the next day in Kiritimati (UTC+14)."""
    when = (timezone.now() - timedelta(days=10)).replace(hour=16, minute=7, second=0, microsecond=0)
    return make_article(make_source("Island Post"), "Harbour ball returns", published_at=when)


def test_an_old_date_stays_the_day_the_page_gave_whatever_the_browsers_zone(
    week_old_story, browser, live_server
):
    context, page = new_page(browser, live_server, timezone_id="Pacific/Kiritimati")
    page.goto(f"{live_server.url}{week_old_story.get_absolute_url()}")
    shown = page.locator(".story-meta time")
    # The page is in UTC (no reader signed in): its day, not the browser's next one.
    assert shown.inner_text() == f"{week_old_story.published_at:%d-%m-%Y}"
    assert shown.get_attribute("data-date") == shown.inner_text()
    context.close()

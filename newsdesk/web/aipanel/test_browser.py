"""The AI panel in a real browser: summary, a question, and quotes that lead into the text."""

import pytest

from newsdesk.testing.browser import chromium, new_page
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.browser

BODY_HTML = (
    "<p>The city council approved a new tram line to the harbour on Tuesday.</p>"
    "<p>Construction of the tram line is due to start next spring and to take three years.</p>"
    "<p>The council said the tram line will cost 240 million euros.</p>"
    "<p>Shop owners on Harbour Street fear months of roadworks.</p>"
    "<p>The weather on Tuesday was mild.</p>"
)


@pytest.fixture
def article(transactional_db):
    return make_article(make_source("Harbour Times"), "Tram line approved", html=BODY_HTML, text="")


@pytest.fixture
def browser(article):
    with chromium() as started:
        yield started


def open_article(browser, live_server, article, **options):
    context, page = new_page(browser, live_server, **options)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    return context, page


def assert_quotes_link_into_the_text(page, count: int):
    quotes = page.locator(".ai-output a.ai-quote")
    quotes.first.wait_for()
    assert quotes.count() == count
    for index in range(count):
        target = quotes.nth(index).get_attribute("href")
        assert target.startswith("#p-")
        paragraph = page.locator(f".story-body {target}")
        assert paragraph.count() == 1
        assert quotes.nth(index).inner_text().strip("“”") in paragraph.inner_text()


def test_summary_and_question_with_javascript(browser, live_server, article):
    context, page = open_article(browser, live_server, article)
    panel = page.locator("#ai-panel")
    panel.get_by_role("button", name="Summary").click()
    page.locator(".ai-result[data-feature='summary']").wait_for()
    assert page.url.endswith(article.get_absolute_url())  # answered in place, over the event stream
    assert_quotes_link_into_the_text(page, 3)

    panel.get_by_label("Ask about this article").fill("How much will the tram line cost?")
    panel.get_by_role("button", name="Ask").click()
    page.locator(".ai-result[data-feature='ask']").wait_for()
    assert "240 million euros" in page.locator(".ai-quotes").inner_text()
    assert_quotes_link_into_the_text(page, page.locator(".ai-output a.ai-quote").count())

    page.locator(".ai-output a.ai-quote").first.click()
    target = page.locator(".ai-output a.ai-quote").first.get_attribute("href")
    page.wait_for_url(f"**{target}")
    assert "ai-cited" in page.locator(f".story-body {target}").get_attribute("class")
    context.close()


def test_question_without_javascript(browser, live_server, article):
    context, page = open_article(browser, live_server, article, java_script_enabled=False)
    page.get_by_label("Ask about this article").fill("When does construction start?")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_url("**/ai/article/**")
    assert "due to start next spring" in page.locator(".ai-quotes").inner_text()
    assert_quotes_link_into_the_text(page, page.locator(".ai-output a.ai-quote").count())
    context.close()

"""A reader on a phone, with and without JavaScript: log in from a page and back, post a long comment."""

import pytest
from django.core.cache import cache

from newsdesk.models import Comment
from newsdesk.testing.browser import chromium, new_page
from newsdesk.web.accounts.testing import PASSWORD, make_reader
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def article(transactional_db):
    cache.clear()
    make_reader("bob@example.org", "Bob")
    return make_article(make_source("Harbour Times"), "Lighthouse reopens", text="The lamp shines.")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_log_in_from_a_page_and_post_a_comment_at_the_limit(article, live_server, settings, javascript):
    limit = settings.NEWSDESK_COMMENT_MAX_CHARS
    typed = "x" * (limit - 10) + "\ny" * 5  # the textarea counts each line break once
    article_url = f"{live_server.url}{article.get_absolute_url()}"
    with chromium() as browser:
        context, page = new_page(browser, live_server, viewport=PHONE, java_script_enabled=javascript)
        page.goto(article_url)
        page.locator(".reader-nav").get_by_role("link", name="Log in").click()
        page.fill("input[name=login]", "bob@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.get_by_role("button", name="Log out").wait_for()
        assert page.url == article_url
        page.fill("#comment-new", typed)
        assert page.evaluate("document.querySelector('#comment-new').validity.valid")
        page.get_by_role("button", name="Post comment").click()
        page.locator(".comment-body").wait_for()
        assert page.url.startswith(article_url) and "#comment-" in page.url
        context.close()
    assert Comment.objects.get().body == typed

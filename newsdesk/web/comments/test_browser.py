"""Readers in a real browser: sign-up to moderation, follows, and an XSS corpus that must stay inert."""

import re
from pathlib import Path

import pytest
from django.core import mail

from newsdesk.testing.browser import chromium, new_page
from newsdesk.web.accounts.actions import set_display_name
from newsdesk.web.accounts.testing import PASSWORD, make_reader
from newsdesk.web.comments.actions import post_comment, report_comment
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.browser

XSS_PAYLOADS = [
    line
    for line in (Path(__file__).parent / "testdata" / "xss_payloads.txt").read_text().splitlines()
    if line
]
TEXTAREA_BREAKER = next(n for n, payload in enumerate(XSS_PAYLOADS) if payload.startswith("</textarea>"))
# Anything a payload could have turned into live markup inside the comments or the moderation pages.
INJECTED = """(root) => {
  const found = [];
  for (const element of root.querySelectorAll('*')) {
    const tag = element.tagName.toLowerCase();
    if (['script', 'img', 'svg', 'iframe', 'object', 'embed', 'style', 'math', 'meta', 'input', 'body']
        .includes(tag) && !(tag === 'input' && element.closest('form[action^="/"]'))) found.push(tag);
    for (const attribute of element.attributes) {
      const name = attribute.name;
      if (name.startsWith('on') || name === 'style') found.push(tag + '[' + name + ']');
    }
    const href = element.getAttribute('href') || element.getAttribute('action') || '';
    if (href && !/^(https?:\\/\\/|\\/|\\?|#)/i.test(href.trim())) found.push(tag + ' href=' + href);
  }
  return found;
}"""


@pytest.fixture
def site(transactional_db):
    article = make_article(
        make_source("Harbour Times"),
        "Lighthouse reopens after restoration",
        text="The lighthouse shone again.",
        hashtags=("Lighthouse",),
    )
    return {
        "article": article,
        "bob": make_reader("bob@example.org", "Bob"),
        "moderator": make_reader("mod@example.org", "Mo the Moderator", staff=True),
    }


@pytest.fixture
def xss_site(transactional_db, settings):
    settings.NEWSDESK_COMMENTS_PAGE_SIZE = 100
    article = make_article(make_source("Harbour Times"), "Lighthouse reopens", text="The lamp shines.")
    moderator = make_reader("mod@example.org", "Mo", staff=True)
    for number, payload in enumerate(XSS_PAYLOADS):
        author = make_reader(f"attacker{number}@example.org")
        set_display_name(author, payload)
        comment = post_comment(author, article, payload)
        post_comment(moderator, article, f"reply to {number}", parent=comment)
        # Reported, so every payload is in the moderation queue too.
        report_comment(comment, moderator, "spam", details=payload)
    return {"article": article}


@pytest.fixture
def playwright_session(site):
    with chromium() as browser:
        yield browser


def log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("button", name="Log out").wait_for()


def test_signup_comment_report_moderate_and_follow(playwright_session, live_server, site):
    browser = playwright_session
    article_url = f"{live_server.url}{site['article'].get_absolute_url()}"

    # Sign up, then follow the link from the verification email.
    cara_context, cara = new_page(browser, live_server)
    cara.goto(f"{live_server.url}/en/")
    cara.get_by_role("link", name="Sign up").click()
    cara.fill("#id_email", "cara@example.org")
    cara.fill("#id_display_name", "Cara")
    cara.fill("#id_password1", PASSWORD)
    cara.fill("#id_password2", PASSWORD)
    cara.get_by_role("button", name="Sign Up").click()
    cara.get_by_text("Verify Your Email Address").first.wait_for()
    (message,) = mail.outbox
    assert message.to == ["cara@example.org"]
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    cara.goto(link)
    cara.get_by_role("button", name="Confirm").click()
    log_in(cara, live_server, "cara@example.org")

    # Comment, reply and edit.
    cara.goto(article_url)
    assert cara.locator(".comments-empty").inner_text() == "No comments yet..."
    cara.fill("#comment-new", "The lamp is *beautiful*")
    cara.get_by_role("button", name="Post comment").click()
    comment = cara.locator(".comment").filter(has_text="The lamp is beautiful")
    assert comment.locator(".comment-author").inner_text() == "Cara"
    assert comment.locator(".comment-body em").inner_text() == "beautiful"
    comment.locator("xpath=ancestor::li[contains(@class,'comment-thread')]").locator(
        "summary", has_text="Reply"
    ).click()
    cara.locator(".comment-reply textarea").fill("Replying to myself")
    cara.get_by_role("button", name="Post reply").click()
    assert cara.locator(".comment-replies .comment-body").inner_text() == "Replying to myself"
    top = cara.locator(".comment-list > li > .comment").first
    top.locator("summary", has_text="Edit").click()
    top.locator("textarea").fill("The lamp is *gorgeous*")
    top.get_by_role("button", name="Save changes").click()
    top = cara.locator(".comment-list > li > .comment").first
    assert top.locator(".comment-body").inner_text() == "The lamp is gorgeous"
    assert top.locator(".comment-edited").is_visible()

    # A second reader reports it.
    bob_context, bob = new_page(browser, live_server)
    log_in(bob, live_server, "bob@example.org")
    bob.goto(article_url)
    reported = bob.locator(".comment-list > li > .comment").first
    reported.locator("summary", has_text="Report").click()
    reported.locator("select[name=reason]").select_option("abuse")
    reported.get_by_role("button", name="Send report").click()
    bob.get_by_text("Thanks. A moderator will look at the comment.").wait_for()

    # A moderator hides it from the queue.
    mod_context, moderator = new_page(browser, live_server)
    log_in(moderator, live_server, "mod@example.org")
    moderator.get_by_role("link", name="Moderation").click()
    item = moderator.locator(".moderation-item").filter(has_text="The lamp is gorgeous")
    assert "Abuse" in item.inner_text() or "abuse" in item.inner_text()
    item.get_by_role("button", name="Hide").click()
    moderator.get_by_text("Nothing waits for review.").wait_for()
    moderator.get_by_role("link", name="Audit log").click()
    assert "hide" in moderator.locator(".moderation-log").inner_text()

    anonymous_context, anonymous = new_page(browser, live_server)
    anonymous.goto(article_url)
    assert "gorgeous" not in anonymous.locator("#comments").inner_text()
    assert anonymous.get_by_role("link", name="Log in").first.is_visible()

    # Follow a hashtag and find its news on "For you".
    cara.goto(f"{live_server.url}/en/hashtag/Lighthouse/")
    cara.get_by_role("button", name="Follow #Lighthouse").click()
    cara.get_by_role("button", name="Following #Lighthouse").wait_for()
    cara.get_by_role("link", name="For you").click()
    assert cara.locator("h1").inner_text() == "For you"
    assert cara.get_by_role("link", name="Lighthouse reopens after restoration").is_visible()
    for context in (cara_context, bob_context, mod_context, anonymous_context):
        context.close()


@pytest.fixture
def xss_browser(xss_site):
    with chromium() as browser:
        yield browser


def test_xss_payloads_in_comments_and_names_stay_inert(xss_browser, live_server, xss_site):
    article_url = f"{live_server.url}{xss_site['article'].get_absolute_url()}"
    views = [
        (None, article_url, "#comments"),
        # The author of the textarea-breaking payload sees it inside the edit box.
        (f"attacker{TEXTAREA_BREAKER}@example.org", article_url, "#comments"),
        ("mod@example.org", f"{live_server.url}/en/moderation/", "main"),
    ]
    dialogs = []
    for email, url, container in views:
        context, page = new_page(xss_browser, live_server)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        if email:
            log_in(page, live_server, email)
        page.goto(url)
        page.wait_for_load_state("load")
        root = page.locator(container)
        text = root.inner_text()
        if container == "#comments":
            assert root.locator(".comment-list > li").count() == len(XSS_PAYLOADS)
            for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"):
                assert payload in text
        # Hovering and focusing give event-handler payloads every chance to fire.
        for body in root.locator(".comment-body, .comment-author").all()[:80]:
            body.hover()
        assert root.evaluate(INJECTED) == [], url
        assert dialogs == [], url
        assert page.url.startswith(url.split("#")[0])
        context.close()

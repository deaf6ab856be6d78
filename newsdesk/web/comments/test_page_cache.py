"""Comments and the anonymous page cache: a new comment, a hidden one, a renamed author show at once."""

from django.urls import reverse

from newsdesk.web.accounts.actions import set_display_name
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import post_comment
from newsdesk.web.moderation.actions import moderate_comment
from newsdesk.web.testing import make_article, make_source


def test_comment_changes_reach_cached_anonymous_pages(client, db, page_cache, committed):
    article = committed(lambda: make_article(make_source("Harbour Times"), "Lighthouse"))
    ann = committed(lambda: make_reader("ann@example.org", "Ann"))
    moderator = committed(lambda: make_reader("mod@example.org", staff=True))
    url = article.get_absolute_url()
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"

    comment = committed(lambda: post_comment(ann, article, "Fresh comment"))
    response = client.get(url)
    assert response["X-Cache"] == "miss" and "Fresh comment" in response.content.decode()
    assert client.get(url)["X-Cache"] == "hit"

    committed(lambda: set_display_name(ann, "Annabel"))
    assert "Annabel" in client.get(url).content.decode()

    committed(lambda: moderate_comment(moderator, comment, "hide"))
    assert "Fresh comment" not in client.get(url).content.decode()


def test_signed_in_pages_with_forms_are_never_cached(client, db, page_cache, committed):
    article = committed(lambda: make_article(make_source("Harbour Times"), "Lighthouse"))
    client.force_login(committed(lambda: make_reader("ann@example.org")))
    response = client.get(article.get_absolute_url())
    assert "X-Cache" not in response and "csrfmiddlewaretoken" in response.content.decode()


def test_a_cached_home_page_shows_a_new_or_hidden_comment_in_its_count(client, db, page_cache, committed):
    article = committed(lambda: make_article(make_source("Harbour Times"), "Lighthouse"))
    ann = committed(lambda: make_reader("ann@example.org", "Ann"))
    moderator = committed(lambda: make_reader("mod@example.org", staff=True))
    home = reverse("home")
    assert client.get(home)["X-Cache"] == "miss"
    assert client.get(home)["X-Cache"] == "hit"

    comment = committed(lambda: post_comment(ann, article, "Fresh comment"))
    response = client.get(home)
    assert response["X-Cache"] == "miss" and "1 comment</a>" in response.content.decode()

    committed(lambda: moderate_comment(moderator, comment, "hide"))
    assert "comment-count" not in client.get(home).content.decode()

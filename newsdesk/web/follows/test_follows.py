"""Following hashtags, sources, categories and stories; "For you"; saved articles."""

import re
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import Follow, SavedArticle, Story
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.cache import CACHE_HEADER
from newsdesk.web.follows.lib import for_you_articles
from newsdesk.web.testing import make_article, make_source

# The article page's hashtag buttons say what they follow to screen readers only.
HIDDEN_LABEL = '<span class="visually-hidden">#NorthPier</span>'
FOLLOWING = f'aria-pressed="true">Following {HIDDEN_LABEL}</button>'


@pytest.fixture
def news(db):
    harbour, coast = make_source("Harbour Times"), make_source("Coast Herald")
    story = Story.objects.create(
        title="Storm", first_published_at=timezone.now(), last_published_at=timezone.now()
    )
    return {
        "tagged": make_article(coast, "Pier repairs", hashtags=("NorthPier",), age=timedelta(hours=5)),
        "harbour": make_article(harbour, "Harbour dues rise", age=timedelta(hours=4)),
        "science": make_article(coast, "Comet seen", category="science", age=timedelta(hours=3)),
        "storm": make_article(coast, "Storm warning", story=story, age=timedelta(hours=2)),
        "unrelated": make_article(coast, "Cup final", category="sports", age=timedelta(hours=1)),
        "story": story,
    }


def follow(client, kind, value, action="follow"):
    return client.post(reverse("follow"), {"kind": kind, "value": value, "action": action, "next": "/en/"})


def test_for_you_merges_every_kind_of_follow_newest_first(client, news):
    reader = make_reader("ann@example.org")
    client.force_login(reader)
    for kind, value in [
        ("hashtag", "#NorthPier"),
        ("source", "harbour-times"),
        ("category", "science"),
        ("story", str(news["story"].pk)),
    ]:
        assert follow(client, kind, value).status_code == 302
    assert Follow.objects.filter(user=reader, kind="hashtag").get().value == "northpier"
    titles = [article.title for article in for_you_articles(reader)]
    assert titles == ["Storm warning", "Comet seen", "Harbour dues rise", "Pier repairs"]
    page = client.get(reverse("for_you")).content.decode()
    assert "Cup final" not in page and page.index("Storm warning") < page.index("Pier repairs")
    assert "#NorthPier" in page


def test_unfollow_and_unknown_things(client, news):
    reader = make_reader("ann@example.org")
    client.force_login(reader)
    follow(client, "source", "harbour-times")
    follow(client, "source", "harbour-times", action="unfollow")
    assert not Follow.objects.exists()
    assert follow(client, "source", "no-such-paper").status_code == 404
    assert follow(client, "planet", "mars").status_code == 404
    assert not for_you_articles(reader).exists()
    assert "Follow hashtags, sources" in client.get(reverse("for_you")).content.decode()


def test_follow_redirects_only_to_this_site(client, news):
    client.force_login(make_reader("ann@example.org"))
    response = client.post(
        reverse("follow"), {"kind": "category", "value": "science", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("for_you")


def test_follow_buttons_show_state_on_listing_pages(client, news):
    client.force_login(make_reader("ann@example.org"))
    hashtag_page = reverse("hashtag", args=["NorthPier"])
    assert "Follow #NorthPier" in client.get(hashtag_page).content.decode()
    follow(client, "hashtag", "NorthPier")
    assert "Following #NorthPier" in client.get(hashtag_page).content.decode()
    client.logout()
    anonymous = client.get(hashtag_page).content.decode()
    assert "Follow #NorthPier" in anonymous and "csrfmiddlewaretoken" not in anonymous


def test_saved_articles(client, news):
    reader = make_reader("ann@example.org")
    client.force_login(reader)
    article = news["science"]
    client.post(reverse("save_article", args=[article.pk]), {"next": article.get_absolute_url()})
    assert SavedArticle.objects.get().article == article
    assert "Comet seen" in client.get(reverse("saved_articles")).content.decode()
    assert 'aria-pressed="true">Saved' in client.get(article.get_absolute_url()).content.decode()
    client.post(reverse("save_article", args=[article.pk]), {"action": "unsave"})
    assert not SavedArticle.objects.exists()


def test_reader_pages_need_a_login(client, news):
    for name in ("for_you", "saved_articles"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_anonymous_follow_and_save_log_in_back_to_the_page(client, news):
    """A session that ended must not send the browser, after logging in, to the POST-only URL (a 405)."""
    hashtag_page = reverse("hashtag", args=["NorthPier"])
    followed = client.post(reverse("follow"), {"kind": "hashtag", "value": "NorthPier", "next": hashtag_page})
    article = news["science"]
    saved = client.post(reverse("save_article", args=[article.pk]))
    for response, page in ((followed, hashtag_page), (saved, article.get_absolute_url())):
        assert response.status_code == 403 and "Location" not in response
        assert f"{reverse('account_login')}?{urlencode({'next': page})}" in response.content.decode()
    off_site = client.post(reverse("save_article", args=[article.pk]), {"next": "https://evil.example/"})
    assert "evil.example" not in off_site.content.decode()
    assert not Follow.objects.exists() and not SavedArticle.objects.exists()


@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999"])
def test_following_a_story_that_cannot_exist_is_not_found(client, news, value):
    client.force_login(make_reader("ann@example.org"))
    assert follow(client, "story", value).status_code == 404
    assert not Follow.objects.exists()


@pytest.mark.parametrize("kind", ["hashtag", "source", "category", "story"])
def test_following_a_value_with_a_nul_byte_is_not_found(client, news, kind):
    client.force_login(make_reader("ann@example.org"))
    assert follow(client, kind, "north\x00pier").status_code == 404
    assert not Follow.objects.exists()


def _follow_form(page: str, kind: str, value: str) -> tuple[dict[str, str], str]:
    """The hidden fields of the follow form for `kind`/`value`, as the browser posts them, and its button."""
    for form in re.findall(r'<form class="follow-form".*?</form>', page, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        if fields.get("kind") == kind and fields.get("value") == value:
            return fields, re.search(r"<button.*?</button>", form, re.S).group(0)
    raise AssertionError(f"no follow form for {kind} {value}")


def _hashtag_item(page: str, name: str) -> str:
    """The article page's list item of hashtag `name`: its link, then its follow control."""
    return re.search(rf'<li><a href="[^"]*/hashtag/{name}/">#{name}</a> .*?</li>', page, re.S).group(0)


def test_a_reader_follows_a_hashtag_from_the_article_page(client, news):
    reader = make_reader("ann@example.org")
    client.force_login(reader)
    url = news["tagged"].get_absolute_url()
    page = client.get(url).content.decode()
    fields, button = _follow_form(_hashtag_item(page, "NorthPier"), "hashtag", "northpier")
    assert fields["action"] == "follow" and f'aria-pressed="false">Follow {HIDDEN_LABEL}</button>' in button

    response = client.post(reverse("follow"), fields)
    assert response.status_code == 302 and response["Location"] == url
    assert Follow.objects.get(user=reader).value == "northpier"
    page = client.get(url).content.decode()
    fields, button = _follow_form(_hashtag_item(page, "NorthPier"), "hashtag", "northpier")
    assert fields["action"] == "unfollow" and FOLLOWING in button

    client.post(reverse("follow"), fields)
    assert not Follow.objects.exists()


def test_the_cached_anonymous_article_page_holds_nothing_of_a_reader(client, news, page_cache):
    reader = make_reader("ann@example.org")
    Follow.objects.create(user=reader, kind="hashtag", value="northpier")
    url = news["tagged"].get_absolute_url()
    client.force_login(reader)
    signed_in = client.get(url)
    assert CACHE_HEADER not in signed_in
    assert FOLLOWING in _hashtag_item(signed_in.content.decode(), "NorthPier")

    client.logout()
    first, second = client.get(url), client.get(url)
    assert (first[CACHE_HEADER], second[CACHE_HEADER]) == ("miss", "hit")
    login = f"{reverse('account_login')}?next={quote(url)}"
    for page in (first.content.decode(), second.content.decode()):
        item = _hashtag_item(page, "NorthPier")
        link = f'<a class="button follow-button" href="{login}">Follow {HIDDEN_LABEL}</a>'
        assert f"#NorthPier</a> {link}" in item
        assert "Following" not in page and "csrfmiddlewaretoken" not in page
        assert "follow-form" not in page and "Log out" not in page

    # A reader signing in again is never handed the cached anonymous page.
    client.force_login(reader)
    again = client.get(url)
    assert CACHE_HEADER not in again
    assert FOLLOWING in _hashtag_item(again.content.decode(), "NorthPier")

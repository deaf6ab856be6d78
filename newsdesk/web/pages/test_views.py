import itertools
import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import Feed, Story
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db


def json_ld_of(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block, "no JSON-LD block"
    return json.loads(block.group(1))


def og(html: str, prop: str) -> str:
    match = re.search(rf'<meta property="{prop}" content="([^"]*)">', html)
    assert match, f"no {prop}"
    return unescape(match.group(1))


@pytest.fixture
def source():
    return make_source("Harbour Times", homepage_url="https://harbour.example/")


# --- home


def test_home_without_sources_says_why_it_is_empty(client):
    html = client.get(reverse("home")).content.decode()
    assert "no sources are configured" in html
    assert "newsdesk sources add URL" in html


def test_home_with_unfetched_feeds_says_the_crawler_has_not_run(client, source):
    Feed.objects.create(source=source, url="https://harbour.example/rss")
    html = client.get(reverse("home")).content.decode()
    assert "the feeds have not been fetched" in html
    assert "newsdesk crawl --once" in html


def test_home_shows_the_last_fetch_errors(client, source):
    Feed.objects.create(
        source=source,
        url="https://harbour.example/rss",
        last_fetched_at=timezone.now(),
        last_status=None,
        last_error="Name or service not known",
        consecutive_errors=3,
    )
    html = client.get(reverse("home")).content.decode()
    assert "the feeds gave no stories" in html
    assert "Name or service not known" in html


def test_home_lists_latest_and_category_sections(client, source):
    make_article(source, "Cup final tonight", category="sports")
    make_article(source, "Rates held", category="business", age=timedelta(hours=2))
    html = client.get(reverse("home")).content.decode()
    assert '<h1 class="visually-hidden">' in html and html.count("<h1") == 1
    assert "Cup final tonight" in html and "Rates held" in html
    assert f'href="{reverse("category", args=["sports"])}">Sports</a>\n    </h2>' in html
    assert "Harbour Times" in html
    assert "1 hour ago" in html


def heading_levels(html: str) -> list[int]:
    """The levels of the headings inside <main>, in document order."""
    main = html[html.index("<main") : html.index("</main>")]
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]


def assert_outline(html: str) -> None:
    """One h1 first, and no heading deeper than one level below the one before it."""
    levels = heading_levels(html)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_an_empty_site_has_one_page_heading(client):
    assert_outline(client.get(reverse("home")).content.decode())


def test_home_and_listings_headings_do_not_skip_levels(client, source):
    other = make_source("Coast Herald")
    story = Story.objects.create(
        title="Ferry strike",
        first_published_at=timezone.now(),
        last_published_at=timezone.now(),
        source_count=2,
    )
    lead = make_article(source, "Ferry strike called", hashtags=("Ferries",), story=story, category="world")
    make_article(other, "Ferries stop", hashtags=("Ferries",), story=story, category="world")
    Story.objects.filter(id=story.id).update(representative=lead, rank_score=1.0)
    for url in (
        reverse("home"),
        reverse("hashtag", args=["Ferries"]),
        reverse("category", args=["world"]),
        reverse("source", args=[source.slug]),
        reverse("search") + "?q=ferry",
        reverse("story", args=[story.id]),
    ):
        html = client.get(url).content.decode()
        assert "Ferr" in html, url
        assert_outline(html)


# --- article


def test_read_the_original_links_the_publishers_page_without_its_feed_tracking(client, source):
    article = make_article(
        source, "Quay reopens", text="Body.", url="https://harbour.example/quay/?utm_source=rss&id=4"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<a class="button" href="https://harbour.example/quay/?id=4" rel="noopener"' in html


def test_article_page_shows_the_story(client, source):
    article = make_article(
        source,
        "Lighthouse reopens",
        text="First paragraph about the lighthouse.\n\nSecond paragraph.",
        authors=["Ann Reporter", {"name": "Bo Writer"}],
        image_url="https://harbour.example/img/lighthouse.jpg",
        category="science",
        hashtags=("Lighthouse", "HarbourTown"),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<h1 class="headline">Lighthouse reopens</h1>' in html
    assert '<p id="p-1">First paragraph about the lighthouse.</p>' in html
    assert '<p id="p-2">Second paragraph.</p>' in html
    assert f'href="{reverse("source", args=[source.slug])}"' in html
    assert f'href="{reverse("category", args=["science"])}">Science</a>' in html
    assert f'<time datetime="{article.published_at.isoformat()}" data-relative' in html
    assert "By Ann Reporter, Bo Writer" in html
    assert 'src="https://harbour.example/img/lighthouse.jpg"' in html
    assert f'<a class="button" href="{article.url}" rel="noopener"' in html
    assert "Read the original at Harbour Times" in html
    assert f'value="http://testserver{article.get_absolute_url()}"' in html
    assert "Copy the story link" in html
    assert f'href="{reverse("hashtag", args=["Lighthouse"])}">#Lighthouse</a>' in html


def test_labelled_elements_of_the_article_page_have_a_role_a_label_may_name(client, source):
    # ARIA forbids naming a plain div or span: screen readers ignore the name and validators refuse it.
    article = make_article(source, "Ferries stop", text="The ferries stopped.", hashtags=("Ferries",))
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'aria-label="Filed under"', html)
    assert not re.findall(r"<(?:div|span)(?![^>]*\brole=)[^>]*\baria-label=", html)


def test_article_page_renders_sanitised_html_body(client, source):
    article = make_article(source, "Rich body", text="plain", html="<p>Rich <strong>bold</strong> body</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p id="p-1">Rich <strong>bold</strong> body</p>' in html


def test_article_page_with_only_a_headline(client, source):
    article = make_article(source, "Just a headline")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Only the headline has been fetched so far." in html
    assert "No related stories yet." in html


def test_excerpt_policy_hides_the_full_text(client, settings):
    settings.NEWSDESK_EXCERPT_WORDS = 5
    publisher = make_source("Strict Daily", display_policy="excerpt")
    article = make_article(
        publisher,
        "Short excerpt",
        text="one two three four five six seven eight\n\nSECRET second paragraph",
        html="<p>one two three four five six seven eight</p><p>SECRET second paragraph</p>",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "one two three four five…" in html
    assert "six seven" not in html and "SECRET" not in html
    assert "Read the original at Strict Daily" in html


def test_cards_and_feed_items_of_an_excerpt_only_publisher_stay_within_its_excerpt(client, settings):
    settings.NEWSDESK_EXCERPT_WORDS = 4
    strict = make_source("Strict Daily", display_policy="excerpt")
    make_article(strict, "Harbour vote", text=" ".join(f"strict{i}" for i in range(80)))
    open_source = make_source("Open Post")
    make_article(open_source, "Ferry news", text=" ".join(f"open{i}" for i in range(80)))

    shown = [
        client.get(reverse("home")).content.decode(),
        client.get(reverse("source", args=[strict.slug])).content.decode(),
        client.get(reverse("feed")).content.decode(),
    ]
    for page in shown:
        assert "strict3" in page and "strict4" not in page
    # Other publishers' teasers keep their length.
    assert "open20" in shown[0] and "open30" in shown[2]


def test_site_wide_excerpt_policy_applies_to_sources_without_their_own(client, settings, source):
    settings.NEWSDESK_DISPLAY_POLICY = "excerpt"
    settings.NEWSDESK_EXCERPT_WORDS = 3
    article = make_article(source, "Site policy", text="alpha beta gamma delta epsilon")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "alpha beta gamma…" in html and "epsilon" not in html


def test_previews_cut_a_whole_article_given_as_the_description(client, settings, source):
    whole = " ".join(f"word{i}" for i in range(300))
    article = make_article(source, "Long read", text=whole, description=whole)
    assert json_ld_of(client.get(article.get_absolute_url()).content.decode())["description"] == (
        " ".join(f"word{i}" for i in range(40)) + "…"
    )
    settings.NEWSDESK_DISPLAY_POLICY = "excerpt"
    settings.NEWSDESK_EXCERPT_WORDS = 3
    other = " ".join(f"other{i}" for i in range(300))
    strict = make_article(source, "Strict read", text=other, description=other)
    html = client.get(strict.get_absolute_url()).content.decode()
    assert json_ld_of(html)["description"] == "other0 other1 other2…"
    assert "other3" not in html


def test_the_page_and_the_api_show_the_same_hashtags_in_the_same_order(client, source):
    tags = [f"Tag{letter}" for letter in "QWERTYUIOPAS"]  # more than the cap, all of one weight
    article = make_article(source, "Many tags", hashtags=tags)
    page = json_ld_of(client.get(article.get_absolute_url()).content.decode())["keywords"]
    listed = client.get("/api/v1/articles").json()["results"][0]
    assert listed["id"] == article.id and listed["hashtags"] == page
    assert client.get(f"/api/v1/articles/{article.id}").json()["hashtags"] == page


def test_article_metadata_is_present_and_escaped(client, source):
    hostile = 'Breaking </script><script>alert("x")</script> & "quotes"'
    article = make_article(source, hostile, description="Summary <b>here</b>", hashtags=("Alerts",))
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in html
    data = json_ld_of(html)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == hostile
    assert data["publisher"]["name"] == "Harbour Times"
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["url"] == f"http://testserver{article.get_absolute_url()}"
    assert data["keywords"] == ["Alerts"]
    assert og(html, "og:title") == hostile
    assert og(html, "og:description") == "Summary <b>here</b>"
    assert og(html, "og:url") == f"http://testserver{article.get_absolute_url()}"
    assert og(html, "og:type") == "article"


def test_article_page_lists_related_articles_but_not_itself(client, source):
    other_source = make_source("Coast Herald")
    article = make_article(source, "Storm hits coast", hashtags=("Storm",))
    make_article(other_source, "Storm clean-up begins", text="Crews cleared roads.", hashtags=("Storm",))
    html = client.get(article.get_absolute_url()).content.decode()
    related = html.split("Related Articles", 1)[1]
    assert (
        "Storm clean-up begins" in related and "Coast Herald" in related and "Crews cleared roads." in related
    )
    assert "Storm hits coast" not in related


def test_unknown_article_is_404(client):
    assert client.get(reverse("article", args=["0" * 32])).status_code == 404
    assert client.get("/en/article/not-an-id/").status_code == 404


# --- hashtag, category, source


def test_hashtag_page_lists_latest_with_the_tag(client, source):
    make_article(source, "Tagged older", hashtags=("Saco",), age=timedelta(hours=5))
    make_article(source, "Tagged newer", hashtags=("Saco",))
    make_article(source, "Untagged")
    html = client.get(reverse("hashtag", args=["Saco"])).content.decode()
    assert "Latest news with #Saco" in html
    assert html.index("Tagged newer") < html.index("Tagged older")
    assert "Untagged" not in html


def test_hashtag_in_other_case_redirects_to_the_canonical_name(client, source):
    make_article(source, "Tagged", hashtags=("TimesOfIndia",))
    response = client.get("/en/hashtag/timesofindia/?page=1")
    assert response.status_code == 301
    assert response["Location"] == "/en/hashtag/TimesOfIndia/?page=1"
    # Typed with its "#", as the API also takes it.
    response = client.get("/en/hashtag/%23timesofindia/")
    assert (response.status_code, response["Location"]) == (301, "/en/hashtag/TimesOfIndia/")


def test_unknown_hashtag_is_404(client):
    assert client.get(reverse("hashtag", args=["Nothing"])).status_code == 404


def test_category_page(client, source):
    make_article(source, "Goal!", category="sports")
    make_article(source, "Shares up", category="business")
    html = client.get(reverse("category", args=["sports"])).content.decode()
    assert "Goal!" in html and "Shares up" not in html
    empty = client.get(reverse("category", args=["health"])).content.decode()
    assert "No health stories yet." in empty
    assert client.get(reverse("category", args=["gossip"])).status_code == 404


def test_source_page(client, source):
    make_article(source, "Ours")
    make_article(make_source("Elsewhere"), "Theirs")
    html = client.get(reverse("source", args=[source.slug])).content.decode()
    assert "Ours" in html and "Theirs" not in html
    assert "https://harbour.example/" in html
    quiet = make_source("Quiet Gazette")
    assert "Nothing from Quiet Gazette" in client.get(reverse("source", args=[quiet.slug])).content.decode()
    assert client.get(reverse("source", args=["nobody"])).status_code == 404


# --- search


def test_search_finds_words_in_the_text(client, source):
    make_article(source, "Council news", text="The lighthouse budget passed.")
    make_article(source, "Match report", text="A match.")
    html = client.get("/en/search?q=lighthouse").content.decode()
    assert "Council news" in html and "Match report" not in html


def test_search_shows_a_wire_story_once_under_its_original(client, source):
    courier = make_source("Courier")
    original = make_article(source, "Lighthouse keeper retires", text="After forty years.")
    copy = make_article(
        courier, "Lighthouse keeper retires (wire)", text="After forty years.", duplicate_of=original
    )
    other = make_source("Gazette")
    original_elsewhere = make_article(other, "Keeper steps down", text="A long career.")
    # Only the copy's own headline matches "beacon": its original stands for it.
    make_article(courier, "Beacon keeper bows out", text="A long career.", duplicate_of=original_elsewhere)

    html = client.get(reverse("search"), {"q": "lighthouse"}).content.decode()
    assert original.get_absolute_url() in html and copy.get_absolute_url() not in html
    html = client.get(reverse("search"), {"q": "beacon"}).content.decode()
    assert original_elsewhere.get_absolute_url() in html


@pytest.mark.parametrize("query", ['"', "AND (", "NEAR(", "<script>", "x" * 5000])
def test_search_survives_hostile_queries(client, source, query):
    make_article(source, "Council news", text="The lighthouse budget passed.")
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_search_without_a_query(client):
    html = client.get(reverse("search")).content.decode()
    assert "Type words to search for." in html


@pytest.mark.parametrize("query", ["*", '"', "- or", "\u200b"])
def test_search_for_no_words_asks_for_words_as_the_api_does(client, source, query):
    html = client.get(reverse("search"), {"q": query}).content.decode()
    assert "Type words to search for." in html
    assert "Results for" not in html and "No stories match" not in html


# --- pagination


def test_pages_are_linked_and_bounded(client, settings, source):
    settings.NEWSDESK_PAGE_SIZE = 2
    for n in range(5):
        make_article(source, f"Story {n}", text="tide", age=timedelta(hours=n + 1))
    first = client.get(reverse("home")).content.decode()
    assert 'rel="next" href="?page=2"' in first and 'rel="prev"' not in first
    third = client.get(reverse("home"), {"page": 3}).content.decode()
    assert "Story 4" in third and "Story 3" not in third
    assert 'rel="prev" href="?page=2"' in third and 'rel="next"' not in third
    assert client.get(reverse("home"), {"page": 4}).status_code == 404
    assert client.get(reverse("home"), {"page": "x"}).status_code == 404
    # Digits Python's int() refuses, and a page whose offset no database integer holds.
    assert client.get(reverse("home"), {"page": "²"}).status_code == 404
    assert client.get(reverse("home"), {"page": "9" * 30}).status_code == 404
    assert client.get(reverse("search"), {"q": "tide", "page": "9" * 30}).status_code == 404

    second_source_page = client.get(reverse("source", args=[source.slug]), {"page": 2}).content.decode()
    assert "Story 2" in second_source_page and "Story 1" not in second_source_page

    search = client.get(reverse("search"), {"q": "tide"}).content.decode()
    assert 'rel="next" href="?q=tide&amp;page=2"' in search


def test_hashtag_pagination(client, settings, source):
    settings.NEWSDESK_PAGE_SIZE = 1
    make_article(source, "Ebb tide story", hashtags=("Tide",), age=timedelta(hours=2))
    make_article(source, "Flood tide story", hashtags=("Tide",))
    second = client.get(reverse("hashtag", args=["Tide"]), {"page": 2}).content.decode()
    assert "Ebb tide story" in second and "Flood tide story" not in second
    assert "← Newer</a>" in second


def test_search_results_page_by_relevance_not_by_age(client, settings, source):
    settings.NEWSDESK_PAGE_SIZE = 1
    make_article(source, "Ebb tide story", text="The tide turned.", age=timedelta(hours=2))
    make_article(source, "Flood tide story", text="The tide rose.")
    first = client.get("/en/search", {"q": "tide"}).content.decode()
    assert "Next →</a>" in first and "Older" not in first
    assert "-word to leave a word out" in first

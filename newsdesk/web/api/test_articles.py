"""/api/v1/articles and /api/v1/articles/<id>: filters, cursor pages, copies, search, the body policy."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings

from newsdesk.models import RelatedArticle, Story
from newsdesk.models.sources import DisplayPolicy
from newsdesk.store.actions import rekey_article
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db

NOON = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
ARTICLES = "/api/v1/articles"


@pytest.fixture
def harbour():
    return make_source("Harbour Times", homepage_url="https://harbour.example/")


@pytest.fixture
def courier():
    return make_source("Coast Courier")


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()["results"]]


def follow(get_json, url: str | None, key: str = "next") -> list[list[str]]:
    """The ids of every page from `url` on, following `key` links to the end."""
    pages = []
    while url:
        body = get_json(url).json()
        pages.append([item["id"] for item in body["results"]])
        url = body[key]
    return pages


# --- lists


def test_lists_originals_newest_first_with_their_fields(get_json, harbour, courier):
    older = make_article(harbour, "Ferry strike", age=timedelta(hours=3), hashtags=("Ferries", "Strikes"))
    newer = make_article(
        courier,
        "Lighthouse reopens",
        description="The old light shines again.",
        published_at=NOON,
        language="en",
        category="science",
        authors=[{"name": "Ann Lee"}, "Bo Chen"],
        image_url="https://coast.example/light.jpg",
    )
    make_article(courier, "Ferry strike (wire)", age=timedelta(hours=2), duplicate_of=older)

    response = get_json(ARTICLES)

    assert response.status_code == 200
    assert ids(response) == [older.id, newer.id]  # the copy is left out; NOON is long ago
    item = response.json()["results"][1]
    assert item["title"] == "Lighthouse reopens"
    assert item["description"] == "The old light shines again."
    assert item["url"] == newer.url and item["canonical_url"] == newer.canonical_url
    assert item["site_url"] == f"http://testserver/en/article/{newer.id}/"
    assert item["api_url"] == f"http://testserver/api/v1/articles/{newer.id}"
    assert item["source"] == {"slug": "coast-courier", "name": "Coast Courier", "homepage": None}
    assert item["authors"] == ["Ann Lee", "Bo Chen"]
    assert item["published_at"] == "2024-03-05T12:00:00Z"
    assert item["modified_at"] is None
    assert (item["language"], item["category"]) == ("en", "science")
    assert item["image"] == "https://coast.example/light.jpg"
    assert item["story"] is None and item["duplicate_of"] is None
    assert "text" not in item and "html" not in item
    assert response.json()["results"][0]["hashtags"] == ["Ferries", "Strikes"]
    assert response.json()["previous"] is None and response.json()["next"] is None


def test_filters_by_category_source_language_and_dates(get_json, harbour, courier):
    sport = make_article(harbour, "Cup final", category="sports", language="en", published_at=NOON)
    make_article(
        harbour, "Rates held", category="business", language="en", published_at=NOON - timedelta(days=2)
    )
    german = make_article(courier, "Pokalfinale", category="sports", language="de", published_at=NOON)

    assert set(ids(get_json(ARTICLES, {"category": "sports"}))) == {sport.id, german.id}
    assert ids(get_json(ARTICLES, {"category": "sports", "source": "harbour-times"})) == [sport.id]
    assert ids(get_json(ARTICLES, {"language": "DE"})) == [german.id]
    assert set(ids(get_json(ARTICLES, {"since": "2024-03-04"}))) == {sport.id, german.id}
    assert len(ids(get_json(ARTICLES, {"until": "2024-03-04T00:00:00Z"}))) == 1
    # An offset typed unencoded ("+" reads as a space) still means that offset: 13:00+01:00 is noon UTC.
    assert ids(get_json(ARTICLES + "?since=2024-03-05T13:00:00+01:00&source=coast-courier")) == [german.id]
    assert ids(get_json(ARTICLES, {"since": "2024-03-05T12:00:01Z"})) == []


def test_hashtag_filter_ignores_case_and_the_hash_and_hides_copies(get_json, harbour, courier):
    tagged = make_article(harbour, "Harbour wall repaired", hashtags=("HarbourWall",))
    make_article(courier, "Harbour wall (wire)", hashtags=("HarbourWall",), duplicate_of=tagged)
    make_article(courier, "Other news", hashtags=("Elsewhere",))

    assert ids(get_json(ARTICLES, {"hashtag": "harbourwall"})) == [tagged.id]
    assert ids(get_json(ARTICLES, {"hashtag": "#HARBOURWALL", "source": "harbour-times"})) == [tagged.id]
    assert ids(get_json(ARTICLES, {"hashtag": "HarbourWall", "source": "coast-courier"})) == []
    assert ids(get_json(ARTICLES, {"hashtag": "NeverUsed"})) == []


@pytest.mark.parametrize("hashtag", [None, "Tides"])
def test_cursor_pages_walk_every_article_once_both_ways(get_json, harbour, hashtag):
    # Three share one timestamp: the id breaks the tie, so none is skipped or repeated at a page edge.
    times = [
        NOON,
        NOON,
        NOON,
        NOON - timedelta(minutes=1),
        NOON - timedelta(minutes=2),
        NOON - timedelta(hours=1),
    ]
    made = [
        make_article(harbour, f"Tide {i}", published_at=at, hashtags=("Tides",)) for i, at in enumerate(times)
    ]
    expected = [a.id for a in sorted(made, key=lambda a: (a.published_at, a.id), reverse=True)]
    query = f"?page_size=2&hashtag={hashtag}" if hashtag else "?page_size=2"

    forward = follow(get_json, f"http://testserver{ARTICLES}{query}")
    assert forward == [expected[0:2], expected[2:4], expected[4:6]]

    last = get_json(ARTICLES + query).json()["next"]
    last = get_json(last).json()["next"]
    last_page = get_json(last).json()
    assert last_page["next"] is None
    backward = follow(get_json, last_page["previous"], "previous")
    assert backward == [expected[2:4], expected[0:2]]
    # The links keep every other parameter.
    assert parse_qs(urlsplit(last).query)["page_size"] == ["2"]


def test_a_new_article_does_not_shift_the_next_page(get_json, harbour):
    made = [make_article(harbour, f"Item {i}", published_at=NOON - timedelta(minutes=i)) for i in range(4)]
    first = get_json(ARTICLES, {"page_size": 2}).json()
    make_article(harbour, "Breaking", published_at=NOON + timedelta(minutes=5))
    assert ids(get_json(first["next"])) == [made[2].id, made[3].id]


# --- search


def test_q_searches_in_search_ranking_and_leaves_copies_out(get_json, harbour, courier):
    title_match = make_article(
        harbour, "Lighthouse keeper retires", text="After forty years.", age=timedelta(hours=5)
    )
    body_match = make_article(courier, "Coast news", text="A lighthouse was painted.", age=timedelta(hours=5))
    copy = make_article(
        courier, "Lighthouse keeper retires (wire)", text="After forty years.", duplicate_of=title_match
    )
    make_article(harbour, "Weather", text="Rain.")

    response = get_json(ARTICLES, {"q": "lighthouse"})

    assert ids(response) == [title_match.id, body_match.id]
    assert copy.id not in response.content.decode()
    # A hit only a copy's headline has is its original's.
    assert ids(get_json(ARTICLES, {"q": "wire"})) == [title_match.id]


def test_search_pages_by_offset(get_json, harbour):
    for i in range(5):
        make_article(harbour, f"Storm report {i}", text="storm", age=timedelta(hours=i + 1))
    pages = follow(get_json, f"http://testserver{ARTICLES}?q=storm&page_size=2")
    assert [len(page) for page in pages] == [2, 2, 1]
    assert len({article_id for page in pages for article_id in page}) == 5
    second = get_json(get_json(ARTICLES, {"q": "storm", "page_size": 2}).json()["next"]).json()
    assert ids(get_json(second["previous"])) == pages[0]


# --- one article


def test_article_detail_under_the_full_policy_has_the_body(get_json, harbour, courier):
    story = Story.objects.create(title="Lighthouse", first_published_at=NOON, last_published_at=NOON)
    article = make_article(
        harbour,
        "Lighthouse reopens",
        text="First paragraph.\n\nSecond paragraph.",
        html="<p>First paragraph.</p><p>Second paragraph.</p>",
        story=story,
        category_confidence=0.875,
        hashtags=("Lighthouses",),
    )
    copy = make_article(courier, "Lighthouse reopens (wire)", duplicate_of=article)
    related = make_article(courier, "Keepers of the coast")
    RelatedArticle.objects.create(article=article, related=related, score=0.8)

    body = get_json(f"{ARTICLES}/{article.id}").json()

    assert body["display_policy"] == "full"
    assert body["text"] == "First paragraph.\n\nSecond paragraph."
    assert body["html"] == "<p>First paragraph.</p><p>Second paragraph.</p>"
    assert body["excerpt"] is None
    assert body["copies"] == [copy.id]
    assert body["hashtags"] == ["Lighthouses"]
    assert body["category_confidence"] == 0.875
    assert body["story"] == {"id": str(story.id), "api_url": f"http://testserver/api/v1/stories/{story.id}"}
    assert [r["id"] for r in body["related"]] == [related.id]
    assert body["related"][0]["source"]["slug"] == "coast-courier"
    copy_body = get_json(f"{ARTICLES}/{copy.id}/").json()
    assert copy_body["duplicate_of"] == article.id and copy_body["copies"] == []


def test_article_html_is_the_body_its_page_shows(get_json, harbour):
    """Stored rows older than image alts get them as the page adds them; blank HTML is none."""
    pictured = make_article(
        harbour, "Pictures", text="Harbour.", html='<p>Harbour.</p><img src="https://harbour.example/a.jpg">'
    )
    blank = make_article(harbour, "Plain", text="Harbour.", html="  \n")

    assert get_json(f"{ARTICLES}/{pictured.id}").json()["html"] == (
        '<p>Harbour.</p><img alt="" src="https://harbour.example/a.jpg">'
    )
    assert get_json(f"{ARTICLES}/{blank.id}").json()["html"] is None


@pytest.mark.parametrize("where", ["source", "site"])
def test_article_detail_under_the_excerpt_policy_keeps_the_body_back(get_json, settings, where):
    if where == "source":
        source = make_source("Strict Post", display_policy=DisplayPolicy.EXCERPT)
    else:
        settings.NEWSDESK_DISPLAY_POLICY = "excerpt"
        source = make_source("Default Post")
    text = " ".join(f"word{i}" for i in range(200)) + "\n\nThe closing paragraph nobody may copy."
    article = make_article(source, "Long read", text=text, html=f"<p>{text}</p>", description="A teaser.")

    response = get_json(f"{ARTICLES}/{article.id}")
    body = response.json()

    assert body["display_policy"] == "excerpt"
    assert body["text"] is None and body["html"] is None
    assert body["excerpt"].startswith("word0 word1") and body["excerpt"].endswith("…")
    assert "word150" not in response.content.decode()
    assert "closing paragraph" not in response.content.decode()
    assert body["url"] == article.url and body["description"] == "A teaser."


def test_a_whole_article_in_the_feeds_description_is_cut_under_the_excerpt_policy(get_json, settings):
    # Some feeds put the whole article in the description.
    settings.NEWSDESK_EXCERPT_WORDS = 5
    strict = make_source("Strict Post", display_policy=DisplayPolicy.EXCERPT)
    whole = " ".join(f"word{i}" for i in range(300))
    article = make_article(strict, "Long read", text=whole, description=whole)
    open_source = make_source("Open Post")
    shared = make_article(open_source, "Open read", text=whole, description=whole)

    listed = {row["id"]: row for row in get_json(ARTICLES).json()["results"]}
    detail = get_json(f"{ARTICLES}/{article.id}").json()

    assert listed[article.id]["description"] == "word0 word1 word2 word3 word4…"
    assert detail["description"] == "word0 word1 word2 word3 word4…"
    assert listed[shared.id]["description"] == whole


@pytest.mark.parametrize("path", ["0" * 32, "not-an-id", "0" * 31])
def test_an_unknown_or_malformed_article_id_is_a_json_404(get_json, path):
    response = get_json(f"{ARTICLES}/{path}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_article_that_moved_answers_with_its_new_address(client, get_json, harbour):
    article = make_article(harbour, "Lighthouse relit", url="https://harbour.example/news/1?utm_source=rss")
    old_id = article.id
    moved = rekey_article(article, "https://harbour.example/2024/lighthouse")

    response = client.get(f"{ARTICLES}/{old_id}")

    assert response.status_code == 301
    assert response["Location"] == f"http://testserver{ARTICLES}/{moved.id}"
    assert get_json(response["Location"]).json()["id"] == moved.id


# --- cost


def test_a_list_page_costs_the_same_few_queries_whatever_its_size(
    get_json, harbour, courier, django_assert_max_num_queries
):
    story = Story.objects.create(title="Storm", first_published_at=NOON, last_published_at=NOON)
    for i in range(60):
        make_article(
            harbour if i % 2 else courier,
            f"Storm {i}",
            text="storm " * 50,
            story=story,
            hashtags=("Storms", f"Place{i % 7}"),
            age=timedelta(minutes=i + 1),
        )
    # Search's own queries: one per recency window on PostgreSQL, one or two indexes on SQLite.
    for params, most in (
        ({}, 3),
        ({"hashtag": "storms"}, 4),
        ({"source": "harbour-times", "category": "general"}, 4),
        ({"q": "storm"}, 8),
    ):
        counts = []
        for size in (5, 50):
            with django_assert_max_num_queries(most) as queries:
                response = get_json(ARTICLES, {**params, "page_size": size})
            counts.append(len(queries.captured_queries))
            assert len(response.json()["results"]) == min(size, 30 if "source" in params else 60), params
        assert counts[0] == counts[1], params


def test_listings_do_not_read_the_body_columns(get_json, harbour, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_article(harbour, "Storm", text="storm", html="<p>storm</p>", hashtags=("Storms",))
    for params in ({}, {"hashtag": "Storms"}):
        with CaptureQueriesContext(connection) as queries:
            get_json(ARTICLES, params)
        article_reads = [q["sql"] for q in queries.captured_queries if "newsdesk_article" in q["sql"]]
        assert article_reads
        assert not any('"html"' in sql or '"text"' in sql for sql in article_reads), article_reads


# --- parameters a developer gets wrong


@pytest.mark.parametrize(
    ("params", "code", "named"),
    [
        ({"category": "weather"}, "invalid_parameter", "category"),
        ({"source": "no-such-paper"}, "invalid_parameter", "no-such-paper"),
        ({"since": "yesterday"}, "invalid_parameter", "since"),
        ({"until": "2024-13-01"}, "invalid_parameter", "until"),
        ({"until": "9999-12-31T23:00:00-05:00"}, "invalid_parameter", "until"),
        ({"since": "2024-03-05", "until": "2024-03-01"}, "invalid_parameter", "since"),
        ({"page_size": "0"}, "invalid_parameter", "page_size"),
        ({"page_size": "101"}, "invalid_parameter", "page_size"),
        ({"page_size": "ten"}, "invalid_parameter", "page_size"),
        ({"page_size": "²"}, "invalid_parameter", "page_size"),
        ({"language": "english"}, "invalid_parameter", "language"),
        ({"cursor": "bm9wZQ"}, "invalid_parameter", "cursor"),
        ({"q": "storm", "category": "world"}, "invalid_parameter", "category"),
        ({"q": "!!!"}, "invalid_parameter", "q"),
        ({"categroy": "world"}, "unknown_parameter", "categroy"),
    ],
)
def test_a_bad_parameter_is_a_400_that_names_it(get_json, harbour, params, code, named):
    response = get_json(ARTICLES, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and named in error["message"]


def test_a_parameter_given_twice_is_refused(get_json):
    response = get_json(ARTICLES + "?category=world&category=sports")
    assert response.status_code == 400 and "category" in response.json()["error"]["message"]


def test_a_search_cursor_is_refused_on_a_plain_list(get_json, harbour):
    for i in range(3):
        make_article(harbour, f"Storm {i}", text="storm")
    search_next = get_json(ARTICLES, {"q": "storm", "page_size": 1}).json()["next"]
    cursor = parse_qs(urlsplit(search_next).query)["cursor"][0]
    response = get_json(ARTICLES, {"cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.json()["error"]["message"]


@override_settings(NEWSDESK_MAX_HASHTAGS=2)
def test_list_hashtags_are_capped_as_on_the_page(get_json, harbour):
    make_article(harbour, "Many tags", hashtags=("One", "Two", "Three"))
    assert len(get_json(ARTICLES).json()["results"][0]["hashtags"]) == 2

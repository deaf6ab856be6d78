"""The small lists: trending hashtags (the home page's), active sources, categories, and the index."""

import base64
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from newsdesk.models import Category, Source
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db


def test_trending_hashtags_are_the_home_pages(get_json):
    sources = [make_source(f"Paper {i}") for i in range(3)]
    for i in range(4):
        make_article(sources[i % 3], f"Flood {i}", hashtags=("Floods",), age=timedelta(hours=i + 1))
    make_article(sources[0], "Quiet", hashtags=("Quiet",))

    body = get_json("/api/v1/hashtags/trending").json()

    assert [h["name"] for h in body["results"]] == ["Floods"]
    assert body["results"][0]["score"] > 0
    assert body["results"][0]["articles_url"] == "http://testserver/api/v1/articles?hashtag=Floods"
    assert body["results"][0]["site_url"] == "http://testserver/en/hashtag/Floods/"
    assert get_json("/api/v1/hashtags/trending", {"limit": "51"}).status_code == 400


def test_sources_are_the_active_ones_with_their_latest_article(get_json):
    harbour = make_source("Harbour Times", homepage_url="https://harbour.example/")
    make_source("Closed Paper", is_active=False)
    make_source("Quiet Post")
    newest = make_article(harbour, "New", age=timedelta(hours=1))
    make_article(harbour, "Old", age=timedelta(days=3))

    body = get_json("/api/v1/sources").json()
    results = body["results"]

    assert [s["slug"] for s in results] == ["harbour-times", "quiet-post"]
    assert body["next"] is None and body["previous"] is None
    assert results[0]["homepage"] == "https://harbour.example/"
    assert results[0]["latest_published_at"] == newest.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert results[1]["latest_published_at"] is None
    assert results[0]["articles_url"] == "http://testserver/api/v1/articles?source=harbour-times"


def slugs(body: dict) -> list[str]:
    return [source["slug"] for source in body["results"]]


def test_sources_page_by_name_with_a_cursor_both_ways(get_json):
    # Two share a name: the id breaks the tie, so none is skipped or repeated at a page edge.
    names = ["Alpha", "Bravo", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]
    made = [make_source(name, slug=f"{name.lower()}-{i}") for i, name in enumerate(names)]
    make_source("Closed", is_active=False)
    expected = [source.slug for source in sorted(made, key=lambda source: (source.name, source.id))]

    pages, url = [], "http://testserver/api/v1/sources?page_size=3"
    while url:
        body = get_json(url).json()
        pages.append(body)
        url = body["next"]

    assert [slugs(page) for page in pages] == [expected[0:3], expected[3:6], expected[6:7]]
    assert pages[0]["previous"] is None
    # The links keep the page size.
    assert parse_qs(urlsplit(pages[0]["next"]).query)["page_size"] == ["3"]
    backward, url = [], pages[-1]["previous"]
    while url:
        body = get_json(url).json()
        backward.append(slugs(body))
        url = body["previous"]
    assert backward == [expected[3:6], expected[0:3]]


def test_a_source_added_meanwhile_does_not_shift_the_next_page(get_json):
    for name in ("Bravo", "Charlie", "Delta", "Echo"):
        make_source(name)
    first = get_json("/api/v1/sources", {"page_size": 2}).json()
    make_source("Alpha")
    assert slugs(get_json(first["next"]).json()) == ["delta", "echo"]


def test_a_default_sources_page_holds_a_hundred_and_a_page_at_most_five_hundred(get_json):
    Source.objects.bulk_create(Source(name=f"Paper {i:03}", slug=f"paper-{i:03}") for i in range(101))
    body = get_json("/api/v1/sources").json()
    assert len(body["results"]) == 100 and body["next"] is not None
    assert len(get_json("/api/v1/sources", {"page_size": "500"}).json()["results"]) == 101


def test_a_sources_page_costs_one_query_whatever_its_size(get_json, django_assert_num_queries):
    for i in range(30):
        source = make_source(f"Paper {i:02}")
        make_article(source, f"News {i}")
    for size in (5, 25):
        with django_assert_num_queries(1):
            get_json("/api/v1/sources", {"page_size": size})


@pytest.mark.parametrize(
    ("params", "code", "named"),
    [
        ({"page_size": "0"}, "invalid_parameter", "page_size"),
        ({"page_size": "501"}, "invalid_parameter", "page_size"),
        ({"page_size": "ten"}, "invalid_parameter", "page_size"),
        ({"page_size": "-1"}, "invalid_parameter", "page_size"),
        ({"cursor": "bm9wZQ"}, "invalid_parameter", "cursor"),
        ({"limit": "10"}, "unknown_parameter", "limit"),
    ],
)
def test_a_bad_sources_parameter_is_a_400_that_names_it(get_json, params, code, named):
    response = get_json("/api/v1/sources", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and named in error["message"]


def test_a_cursor_is_refused_by_a_list_it_does_not_belong_to(get_json):
    for name in ("Alpha", "Bravo"):
        make_article(make_source(name), f"{name} news")
    sources_next = get_json("/api/v1/sources", {"page_size": 1}).json()["next"]
    articles_next = get_json("/api/v1/articles", {"page_size": 1}).json()["next"]
    for url, other in ((sources_next, "/api/v1/articles"), (articles_next, "/api/v1/sources")):
        cursor = parse_qs(urlsplit(url).query)["cursor"][0]
        response = get_json(other, {"cursor": cursor})
        assert response.status_code == 400 and "cursor" in response.json()["error"]["message"]


def hand_made_cursor(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        # PostgreSQL refuses a NUL in text; a row id past a bigint overflows it.
        ("/api/v1/sources", {"d": "after", "n": "A\u0000", "i": 1}),
        ("/api/v1/sources", {"d": "after", "n": "A", "i": 2**70}),
        ("/api/v1/articles", {"d": "older", "t": "2026-01-01T00:00:00+00:00", "i": "a\u0000"}),
    ],
)
def test_a_hand_made_cursor_no_database_could_compare_is_a_400(get_json, path, payload):
    make_article(make_source("Alpha"), "Alpha news")
    response = get_json(path, {"cursor": hand_made_cursor(payload)})
    assert response.status_code == 400 and "cursor" in response.json()["error"]["message"]


def test_categories_list_every_category_with_a_working_filter_link(get_json):
    results = get_json("/api/v1/categories").json()["results"]
    assert [c["slug"] for c in results] == list(Category.values)
    assert results[0]["name"] == Category(results[0]["slug"]).label
    assert get_json(results[0]["articles_url"]).status_code == 200


def test_the_index_links_every_list_endpoint(get_json):
    endpoints = get_json("/api/v1/").json()["endpoints"]
    for name, url in endpoints.items():
        if "{" not in url:  # the one-item endpoints: test_hashtags.py fills in a name
            assert get_json(url).status_code == 200, name


def test_the_site_footer_links_the_api(client):
    html = client.get("/en/").content.decode()
    assert 'href="/api/v1/"' in html

"""The small lists: trending hashtags (the home page's), active sources, categories, and the index."""

from datetime import timedelta

import pytest

from newsdesk.models import Category
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

    results = get_json("/api/v1/sources").json()["results"]

    assert [s["slug"] for s in results] == ["harbour-times", "quiet-post"]
    assert results[0]["homepage"] == "https://harbour.example/"
    assert results[0]["latest_published_at"] == newest.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert results[1]["latest_published_at"] is None
    assert results[0]["articles_url"] == "http://testserver/api/v1/articles?source=harbour-times"


def test_categories_list_every_category_with_a_working_filter_link(get_json):
    results = get_json("/api/v1/categories").json()["results"]
    assert [c["slug"] for c in results] == list(Category.values)
    assert results[0]["name"] == Category(results[0]["slug"]).label
    assert get_json(results[0]["articles_url"]).status_code == 200


def test_the_index_links_every_list_endpoint(get_json):
    endpoints = get_json("/api/v1/").json()["endpoints"]
    for name, url in endpoints.items():
        if "{id}" not in url:
            assert get_json(url).status_code == 200, name


def test_the_site_footer_links_the_api(client):
    html = client.get("/en/").content.decode()
    assert 'href="/api/v1/"' in html

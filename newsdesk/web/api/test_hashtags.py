"""/api/v1/hashtags/<name>: one hashtag, found by name as the hashtag page finds it."""

import unicodedata
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse

from newsdesk.models import Hashtag
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db

HASHTAGS = "/api/v1/hashtags"


@pytest.fixture
def harbour():
    return make_source("Harbour Times")


def test_a_hashtag_has_its_name_links_and_recent_counts_of_originals(get_json, harbour):
    newest = make_article(harbour, "Wall repaired", hashtags=("HarbourWall",), age=timedelta(hours=2))
    make_article(harbour, "Wall cracked", hashtags=("HarbourWall",), age=timedelta(days=3))
    make_article(harbour, "Wall built", hashtags=("HarbourWall",), age=timedelta(days=30))
    copy_source = make_source("Coast Courier")
    make_article(
        copy_source, "Wall (wire)", hashtags=("HarbourWall",), age=timedelta(hours=1), duplicate_of=newest
    )

    response = get_json(f"{HASHTAGS}/HarbourWall")

    assert response.status_code == 200
    assert response.json() == {
        "name": "HarbourWall",
        "site_url": "http://testserver/en/hashtag/HarbourWall/",
        "api_url": "http://testserver/api/v1/hashtags/HarbourWall",
        "articles_url": "http://testserver/api/v1/articles?hashtag=HarbourWall",
        "feed_url": "http://testserver/en/hashtag/HarbourWall/feed/",
        "article_count_24h": 1,
        "article_count_7d": 2,
        "latest_published_at": newest.published_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    listed = get_json(response.json()["articles_url"]).json()["results"]
    assert len(listed) == 3 and listed[0]["id"] == newest.id


@pytest.mark.parametrize(
    "asked",
    [
        "harbourwall",
        "HARBOURWALL",
        "harbourWall",
        "%23harbourwall",
        "HarbourWall/",
        # As tagging keys a name: its letters and digits, whatever lies between them.
        "Harbour%20Wall",
        "%23%23HarbourWall",
    ],
)
def test_a_hashtag_is_found_in_any_case_and_with_its_hash(get_json, harbour, asked):
    make_article(harbour, "Wall repaired", hashtags=("HarbourWall",))
    response = get_json(f"{HASHTAGS}/{asked}")
    assert response.status_code == 200
    assert response.json()["name"] == "HarbourWall"
    assert response.json()["api_url"] == "http://testserver/api/v1/hashtags/HarbourWall"


@pytest.mark.parametrize("asked", ["NeverUsed", "%23", "%20", "Harbour%20Walls"])
def test_an_unknown_hashtag_is_a_json_404(get_json, harbour, asked):
    make_article(harbour, "Wall repaired", hashtags=("HarbourWall",))
    response = get_json(f"{HASHTAGS}/{asked}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "asked", ["harbourwall", "%23HARBOURWALL", "HarbourWall", "Harbour%20Wall", "NeverUsed"]
)
def test_the_api_finds_a_hashtag_exactly_when_its_page_does(client, get_json, harbour, asked):
    make_article(harbour, "Wall repaired", hashtags=("HarbourWall",))
    page = client.get(f"/en/hashtag/{asked}/", follow=True)
    assert get_json(f"{HASHTAGS}/{asked}").status_code == page.status_code


def test_a_name_in_another_unicode_form_finds_the_same_hashtag(client, get_json, harbour):
    make_article(harbour, "Leech signs", hashtags=("OisínLeech",))
    decomposed = quote(unicodedata.normalize("NFD", "OisínLeech"))
    assert get_json(f"{HASHTAGS}/{decomposed}").json()["name"] == "OisínLeech"
    assert client.get(f"/en/hashtag/{decomposed}/", follow=True).status_code == 200
    listed = get_json("/api/v1/articles", {"hashtag": unicodedata.normalize("NFD", "oisínleech")})
    assert [a["title"] for a in listed.json()["results"]] == ["Leech signs"]


def test_a_hashtag_no_original_carries_any_more_has_no_latest_date(get_json, harbour):
    original = make_article(harbour, "Wall repaired")
    make_article(harbour, "Wall (wire)", hashtags=("HarbourWall",), duplicate_of=original)
    body = get_json(f"{HASHTAGS}/HarbourWall").json()
    assert (body["article_count_24h"], body["article_count_7d"], body["latest_published_at"]) == (0, 0, None)


def test_a_hashtag_takes_no_parameters(get_json, harbour):
    make_article(harbour, "Wall repaired", hashtags=("HarbourWall",))
    response = get_json(f"{HASHTAGS}/HarbourWall", {"since": "2024-01-01"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "unknown_parameter"


def test_the_hashtag_trending_is_beside_the_trending_list(get_json, harbour):
    make_article(harbour, "Rising", hashtags=("Trending",))
    assert "results" in get_json(f"{HASHTAGS}/trending").json()
    assert get_json(f"{HASHTAGS}/Trending").json()["name"] == "Trending"
    assert get_json(f"{HASHTAGS}/%23trending").json()["name"] == "Trending"
    assert Hashtag.objects.get(key="trending").get_absolute_url() == reverse("hashtag", args=["Trending"])


def test_trending_hashtags_and_the_index_link_the_hashtag_endpoint(get_json):
    sources = [make_source(f"Paper {i}") for i in range(3)]
    for i in range(4):
        make_article(sources[i % 3], f"Flood {i}", hashtags=("Floods",), age=timedelta(hours=i + 1))

    trending = get_json(f"{HASHTAGS}/trending").json()["results"]
    assert trending[0]["api_url"] == "http://testserver/api/v1/hashtags/Floods"
    assert get_json(trending[0]["api_url"]).json()["article_count_24h"] == 4

    template = get_json("/api/v1/").json()["endpoints"]["hashtag"]
    assert template == "http://testserver/api/v1/hashtags/{name}"
    assert get_json(template.replace("{name}", "floods")).json()["name"] == "Floods"

"""What every endpoint shares: JSON errors with the right status, CORS, caching headers, ETags,
the rate limit, and the page cache (a JSON page is stored and invalidated like any other)."""

import pytest
from django.test import Client, override_settings

from newsdesk.web.api import lib
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles"


def test_a_get_is_public_cacheable_json_any_origin_may_read(get_json):
    response = get_json(ARTICLES, headers={"origin": "https://app.example"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=60"
    assert response.json() == {"results": [], "next": None, "previous": None}


def test_errors_carry_cors_too_and_are_never_cached(get_json):
    response = get_json(ARTICLES, {"page_size": "0"})
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "no-store"


def test_an_unchanged_answer_is_a_304_for_its_etag(client):
    make_article(make_source("Harbour Times"), "Lighthouse reopens")
    first = client.get(ARTICLES)
    again = client.get(ARTICLES, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    make_article(make_source("Coast Courier"), "Ferry strike")
    changed = client.get(ARTICLES, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_an_if_match_the_answer_does_not_meet_is_a_json_412(get_json):
    """Conditional GETs are answered by Django, whose 412 is an empty HTML page."""
    current = get_json(ARTICLES)["ETag"]
    response = get_json(ARTICLES, headers={"if-match": '"stale"'})
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    assert current in response.json()["error"]["message"]
    assert response["Cache-Control"] == "no-store" and response["Access-Control-Allow-Origin"] == "*"
    assert get_json(ARTICLES, headers={"if-match": current}).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_405_with_allow_even_without_a_csrf_token(method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(ARTICLES)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_head_and_a_cors_preflight_are_answered(client):
    assert client.head(ARTICLES).status_code == 200
    preflight = client.options(
        ARTICLES,
        headers={
            "origin": "https://app.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "x-requested-with",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert preflight["Access-Control-Allow-Headers"] == "x-requested-with"


@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/openapi.json/", "/api/v1/categories/", "/api/v1/sources/"]
)
def test_a_trailing_slash_is_optional_everywhere(get_json, path):
    assert get_json(path).status_code == 200


@pytest.mark.parametrize("path", ["/api/", "/api/v2/articles", "/api/v1/article", "/api/v1/stories/1/extra"])
def test_unknown_paths_under_api_are_json_404s(get_json, path):
    response = get_json(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@override_settings(NEWSDESK_API_RATE_PER_MINUTE=3, NEWSDESK_TRUSTED_PROXY_COUNT=1)
def test_over_the_rate_limit_is_a_json_429_with_retry_after(get_json):
    address = {"x-forwarded-for": "203.0.113.7"}
    statuses = [get_json(ARTICLES, headers=address).status_code for _ in range(3)]
    refused = get_json("/api/v1/categories", headers=address)

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1 and refused["RateLimit-Remaining"] == "0"
    assert refused["Cache-Control"] == "no-store"
    # Counted per address: another client is unaffected.
    assert get_json(ARTICLES, headers={"x-forwarded-for": "203.0.113.8"}).status_code == 200


def test_a_server_failure_is_a_json_500_and_logged(get_json, monkeypatch, caplog):
    def broken(query):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(lib, "article_page", broken)
    response = get_json(ARTICLES)
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "database on fire" not in response.content.decode()
    assert "database on fire" in caplog.text


def test_the_page_cache_serves_json_with_every_header_and_drops_it_on_change(get_json, page_cache, committed):
    source = committed(lambda: make_source("Harbour Times"))
    committed(lambda: make_article(source, "Lighthouse reopens"))

    first = get_json(ARTICLES)
    second = get_json(ARTICLES)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    for header in ("Access-Control-Allow-Origin", "Cache-Control", "ETag"):
        assert second[header] == first[header], header
    assert "Cookie" in second["Vary"]

    committed(lambda: make_article(source, "Ferry strike"))
    third = get_json(ARTICLES)
    assert third["X-Cache"] == "miss" and "Ferry strike" in third.content.decode()


@override_settings(NEWSDESK_API_RATE_PER_MINUTE=2)
def test_cache_hits_count_against_the_rate_limit(get_json, page_cache):
    assert [get_json(ARTICLES).status_code for _ in range(3)] == [200, 200, 429]


def test_a_signed_in_reader_gets_a_fresh_answer_not_the_anonymous_copy(client, page_cache, committed):
    from newsdesk.web.accounts.testing import make_reader

    source = committed(lambda: make_source("Harbour Times"))
    committed(lambda: make_article(source, "Lighthouse reopens"))
    client.get(ARTICLES)
    client.force_login(committed(lambda: make_reader("ann@example.org", "Ann")))
    response = client.get(ARTICLES)
    assert response.status_code == 200 and "X-Cache" not in response


@override_settings(NEWSDESK_TRUSTED_PROXY_COUNT=1)
def test_a_304_keeps_the_cors_caching_and_rate_limit_headers(client):
    """A browser app revalidating with If-None-Match reads the 304 only if CORS allows it."""
    address = {"x-forwarded-for": "203.0.113.9", "origin": "https://app.example"}
    first = client.get("/api/v1/categories", headers=address)
    again = client.get("/api/v1/categories", headers={**address, "if-none-match": first["ETag"]})

    assert again.status_code == 304
    kept = ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Cache-Control", "ETag", "Vary")
    for header in kept:
        assert again[header] == first[header], header
    assert int(again["RateLimit-Remaining"]) == int(first["RateLimit-Remaining"]) - 1


def test_too_many_query_parameters_is_a_json_400_not_a_logged_500(get_json, caplog, settings):
    query = "&".join(["a"] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = get_json(f"{ARTICLES}?{query}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert "query parameters" in response.json()["error"]["message"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "no-store"
    assert not [record for record in caplog.records if record.levelname in ("ERROR", "CRITICAL")]
    assert not [record for record in caplog.records if record.exc_info]


def test_a_host_the_site_does_not_serve_is_still_refused(client):
    """Django refuses it before the API runs (docs/api.md says so); the host is not echoed back."""
    response = client.get(ARTICLES, headers={"host": "evil.example"})
    assert response.status_code == 400
    assert b"evil.example" not in response.content

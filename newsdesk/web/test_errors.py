"""Error pages: 404 and 500 in the site's look, JSON under /api/, an expired form that loses nothing."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from newsdesk.web import errors

pytestmark = pytest.mark.django_db

ARTICLE_URL = "/en/article/" + "a" * 32 + "/"


@pytest.mark.parametrize("path", [ARTICLE_URL, "/en/story/0/", "/fr/", "/en/no-such-page/"])
def test_a_missing_page_has_the_site_look_navigation_and_a_search_box(client, path):
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 404
    assert "This page is not here" in html
    assert 'id="not-found-search"' in html and f'action="{reverse("search")}"' in html
    assert f'href="{reverse("category", args=["science"])}"' in html
    assert "newsdesk/site.css" in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_api_still_answers_missing_paths_in_json(client, rf):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    # Even a 404 raised outside the API's own views (the URL conf, a middleware).
    direct = errors.page_not_found(rf.get("/api/v2/articles"), Exception())
    assert direct.status_code == 404 and direct["Content-Type"] == "application/json"


def test_a_server_error_gets_a_static_page_that_needs_no_database(monkeypatch, rf, django_assert_num_queries):
    def database_gone():
        raise OperationalError("the database is gone")

    # The empty home page asks the crawler's status: the first query that fails here.
    monkeypatch.setattr("newsdesk.web.pages.views.crawl_status", database_gone)
    response = Client(raise_request_exception=False).get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "newsdesk/site.css" in html
    assert '<a class="brand" href="/">newsdesk</a>' in html

    with django_assert_num_queries(0):
        assert errors.server_error(rf.get("/en/")).status_code == 500
    api = errors.server_error(rf.get("/api/v1/articles"))
    assert api.status_code == 500 and b'"internal_error"' in api.content


def expired_form_post(**headers):
    """A comment posted with no valid CSRF token, as when the page sat open past a login elsewhere."""
    client = Client(enforce_csrf_checks=True)
    url = reverse("comment_post", kwargs={"kind": "article", "target_id": "a" * 32})
    return client.post(url, {"body": "Long thoughts on <b>the harbour</b> & its gates"}, **headers)


def test_an_expired_form_explains_and_gives_back_the_typed_text():
    response = expired_form_post(
        HTTP_ORIGIN="http://testserver", HTTP_REFERER=f"http://testserver{ARTICLE_URL}"
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "This form has expired" in html
    assert ">Long thoughts on &lt;b&gt;the harbour&lt;/b&gt; &amp; its gates</textarea>" in html
    assert f'href="http://testserver{ARTICLE_URL}">Back to the page</a>' in html
    assert "no-store" in response["Cache-Control"]


def test_a_post_from_another_site_gets_neither_its_text_shown_nor_a_link_back():
    response = expired_form_post(
        HTTP_ORIGIN="https://elsewhere.example", HTTP_REFERER="https://elsewhere.example/"
    )
    html = response.content.decode()
    assert response.status_code == 403 and "This form has expired" in html
    assert "the harbour" not in html and "elsewhere.example" not in html
    assert f'href="{reverse("home")}">Go to the front page</a>' in html


@pytest.mark.parametrize(
    "path, status",
    [
        ("/en/hashtag/%00/", 404),
        ("/en/hashtag/a%00b/feed/", 404),
        ("/en/search/?q=ferry%00", 400),
        ("/en/ai/article/" + "a" * 32 + "/?feature=ask&question=who%00", 400),
        ("/en/?page%00=2", 400),
    ],
)
def test_a_nul_byte_in_an_address_is_refused_before_any_lookup(client, path, status):
    # PostgreSQL cannot compare text with a NUL byte: these were 500s there.
    response = client.get(path)
    assert response.status_code == status
    assert "newsdesk/site.css" in response.content.decode()


def test_the_api_refuses_a_nul_byte_in_json(client):
    response = client.get("/api/v1/articles?hashtag=%00")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"
    assert client.get("/api/v1/articles?hashtag=harbour").status_code == 200

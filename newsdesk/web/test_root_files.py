"""/robots.txt, the sitemaps and /favicon.ico: what crawlers and browsers ask of the site's root."""

import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.robotparser import RobotFileParser
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.urls import reverse

from newsdesk.models import Article, Story
from newsdesk.web import root_files
from newsdesk.web.cache import CACHE_HEADER
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
NS = {"s": root_files.SITEMAP_NAMESPACE}


@contextmanager
def recorded_sql():
    """Every statement run and its parameters (Django's query log is cleared as a request starts)."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def locations(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    return [loc.text for loc in ElementTree.fromstring(response.content).iterfind(".//s:loc", NS)]


def story_of(*articles: Article) -> Story:
    story = Story.objects.create(
        title=articles[0].title,
        first_published_at=articles[0].published_at,
        last_published_at=articles[-1].published_at,
        source_count=len({article.source_id for article in articles}),
    )
    Article.objects.filter(id__in=[article.id for article in articles]).update(story=story)
    return story


def test_robots_txt_keeps_crawlers_off_search_ai_accounts_and_moderation_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    robots = RobotFileParser()
    robots.parse(response.content.decode().splitlines())

    blocked = [
        reverse("search") + "?q=harbour",
        reverse("ai_article", args=["a" * 32]),
        reverse("ai_article_stream", args=["a" * 32]),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("reader_profile"),
        reverse("moderation_queue"),
        reverse("moderation_log"),
        reverse("for_you"),
        "/api/v1/articles?q=harbour",
    ]
    open_to_crawlers = [
        reverse("home"),
        reverse("article", args=["a" * 32]),
        reverse("story", args=[7]),
        reverse("category", args=["science"]),
        reverse("source", args=["harbour-times"]),
        reverse("feed"),
    ]
    assert [path for path in blocked if robots.can_fetch("*", SITE + path)] == []
    assert [path for path in open_to_crawlers if not robots.can_fetch("*", SITE + path)] == []
    assert robots.site_maps() == [f"{SITE}/sitemap.xml"]


def test_the_sitemaps_list_pages_stories_and_the_newest_original_articles(client):
    harbour = make_source("Harbour Times")
    courier = make_source("Courier")
    original = make_article(harbour, "Lighthouse reopens", age=timedelta(hours=3))
    copy = make_article(courier, "Lighthouse reopens (wire)", age=timedelta(hours=2), duplicate_of=original)
    other = make_article(courier, "Ferry strike", age=timedelta(hours=1))
    broad = story_of(original, other)
    narrow = story_of(make_article(harbour, "Choir wins", age=timedelta(hours=4)))

    index = locations(client.get("/sitemap.xml"))

    assert index == [
        f"{SITE}/sitemap-pages.xml",
        f"{SITE}/sitemap-stories.xml",
        f"{SITE}/sitemap-articles-1.xml",
    ]
    pages = locations(client.get("/sitemap-pages.xml"))
    assert f"{SITE}{reverse('home')}" in pages and f"{SITE}{reverse('category', args=['science'])}" in pages
    assert f"{SITE}{reverse('source', args=['harbour-times'])}" in pages
    assert locations(client.get("/sitemap-stories.xml")) == [f"{SITE}{broad.get_absolute_url()}"]
    assert f"{SITE}{narrow.get_absolute_url()}" not in index
    articles_file = client.get("/sitemap-articles-1.xml")
    newest_first = [other, original, Article.objects.get(title="Choir wins")]
    assert locations(articles_file) == [f"{SITE}{article.get_absolute_url()}" for article in newest_first]
    assert copy.get_absolute_url() not in articles_file.content.decode()
    lastmod = other.published_at.replace(microsecond=0).isoformat()
    assert f"<lastmod>{lastmod}</lastmod>" in articles_file.content.decode()


def test_the_article_sitemaps_stop_at_the_newest_few_and_read_by_date_index(client, monkeypatch):
    monkeypatch.setattr(root_files, "ARTICLES_PER_SITEMAP", 2)
    monkeypatch.setattr(root_files, "ARTICLE_SITEMAPS", 2)
    source = make_source("Harbour Times")
    articles = [make_article(source, f"Update {n}", age=timedelta(hours=n)) for n in range(6)]

    index = locations(client.get("/sitemap.xml"))
    assert [url for url in index if "articles" in url] == [
        f"{SITE}/sitemap-articles-1.xml",
        f"{SITE}/sitemap-articles-2.xml",
    ]
    with recorded_sql() as statements:
        second = locations(client.get("/sitemap-articles-2.xml"))
    assert second == [f"{SITE}{article.get_absolute_url()}" for article in articles[2:4]]
    assert client.get("/sitemap-articles-3.xml").status_code == 404

    article_reads = [(sql, params) for sql, params in statements if '"newsdesk_article"' in sql]
    assert len(article_reads) == 1 and "LIMIT 2 OFFSET 2" in article_reads[0][0]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {article_reads[0][0]}", article_reads[0][1])
            plan = " / ".join(row[-1] for row in cursor.fetchall())
        # Along the published_at index, no sort of every article.
        assert re.search(r"SCAN newsdesk_article USING INDEX \w*published_at", plan), plan
        assert "TEMP B-TREE" not in plan, plan


def test_robots_and_sitemaps_are_cached_for_anonymous_readers_until_content_changes(
    client, page_cache, committed
):
    source = committed(lambda: make_source("Harbour Times"))
    committed(lambda: make_article(source, "Lighthouse reopens"))
    for path in ("/robots.txt", "/sitemap.xml", "/sitemap-articles-1.xml"):
        assert client.get(path)[CACHE_HEADER] == "miss"
        assert client.get(path)[CACHE_HEADER] == "hit"

    newer = committed(lambda: make_article(source, "Ferry timetable changes", age=timedelta(minutes=1)))

    response = client.get("/sitemap-articles-1.xml")
    assert response[CACHE_HEADER] == "miss" and newer.get_absolute_url() in response.content.decode()


def test_favicon_ico_leads_to_the_icon_in_static_and_pages_name_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/newsdesk/favicon.ico")
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content if icon.streaming else [icon.content])[:4] == b"\x00\x00\x01\x00"
    assert 'rel="icon" href="/static/newsdesk/favicon.svg"' in client.get(reverse("home")).content.decode()

"""Whole crawls of the loopback fixture web: real pages in, one stored article per story out.

crawl_once runs its stages on a thread pool, so these tests use a transactional database.
"""

import re
import statistics
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk import pipeline
from newsdesk.enrich.categories import category_from_section
from newsdesk.extract.evaluate import shingle_match
from newsdesk.extract.processes import extraction_process_ids, shutdown_extraction_processes
from newsdesk.ingest.sources import add_source, import_opml
from newsdesk.models import Article, ExtractionState, Feed, FetchFailure, Source
from newsdesk.pipeline import poll_stage, reset_shared_fetcher, shared_fetcher
from newsdesk.store.identity import article_id, canonicalize_url
from newsdesk.tasks import crawl_once
from newsdesk.testing import (
    FixtureArticle,
    FixtureWeb,
    Publisher,
    bbc_publishers,
    broken_publisher,
    fundus_publishers,
    harbour_gazette,
)

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 4
READ_TIMEOUT = 1.0
MAX_BODY_BYTES = 4 * 1024 * 1024
# What the failure record of each broken page must say, in the operator's words.
FAILURE_WORDS = {
    "http-500": r"HTTP 500",
    "http-404": r"HTTP 404",
    "timeout": r"(?i)timed out|sent nothing|took longer",
    "redirect-loop": r"(?i)redirect loop",
    "gzip-bomb": r"(?i)limit",
    "huge-page": r"(?i)limit",
    "robots-disallowed": r"(?i)robots\.txt",
}
TRANSIENT_FAILURES = {"http-500", "timeout"}


@pytest.fixture(autouse=True)
def database_shared_by_threads():
    """crawl_once writes from several threads at once. An in-memory SQLite test database (Django's
    default) answers a second writer with "database table is locked" at once instead of waiting;
    a file database waits (busy_timeout), as it does in production."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3" and connection.is_in_memory_db():
        pytest.fail(
            "the crawl tests need a file-backed SQLite test database: set "
            'DATABASES["default"]["TEST"]["NAME"] to a file in newsdesk/settings_test.py'
        )


@pytest.fixture(autouse=True)
def crawl_settings(settings):
    """Short timeouts and a small body cap, so the broken publisher fails fast."""
    settings.NEWSDESK_READ_TIMEOUT = READ_TIMEOUT
    settings.NEWSDESK_CONNECT_TIMEOUT = 2.0
    settings.NEWSDESK_MAX_BODY_BYTES = MAX_BODY_BYTES
    reset_shared_fetcher()
    yield settings
    reset_shared_fetcher()


def subscribe(web: FixtureWeb) -> None:
    """The first publisher by its homepage (feed discovery), the rest from an OPML file."""
    first, *rest = web.publishers
    add_source(first.url("/"), shared_fetcher(), name=first.name)
    import_opml(web.opml(rest))


def make_all_feeds_due() -> None:
    Feed.objects.update(next_poll_at=timezone.now())


def expected_ids(publishers: list[Publisher]) -> dict[str, tuple[Publisher, FixtureArticle]]:
    return {
        article_id(canonicalize_url(p.url(a.stored_path))): (p, a) for p in publishers for a in p.articles
    }


def assert_stored_once(publishers: list[Publisher]) -> dict[str, tuple[Publisher, FixtureArticle]]:
    expected = expected_ids(publishers)
    stored = list(Article.objects.values_list("id", "canonical_url", "source_id", "content_hash"))
    assert sorted(row[0] for row in stored) == sorted(expected)
    canonical_urls = [row[1] for row in stored]
    assert len(set(canonical_urls)) == len(canonical_urls)
    # One story may be syndicated to two publishers, but never stored twice by one.
    texts = [(source, text_hash) for _, _, source, text_hash in stored if text_hash]
    assert len(set(texts)) == len(texts)
    return expected


def assert_pages_served(client, ids) -> None:
    for stored_id in ids:
        response = client.get(f"/en/article/{stored_id}/")
        assert response.status_code == 200, stored_id


@pytest.fixture
def extraction_processes(settings):
    """Pages extracted in two worker processes, as the embedded default does on a multi-core machine."""
    settings.NEWSDESK_EXTRACT_PROCESSES = 2
    yield
    shutdown_extraction_processes()


def test_a_crawl_stores_every_real_page_once_and_the_next_crawl_gets_304s(
    shared_data: Path, client, extraction_processes
):
    publishers = fundus_publishers(shared_data)
    with FixtureWeb(publishers) as web:
        subscribe(web)
        report = crawl_once(workers=WORKERS)
        assert extraction_process_ids(), "the pages were not extracted in worker processes"

        assert (report.feeds_polled, report.feeds_failed, report.errors) == (len(publishers), 0, [])
        assert report.new_articles == 80
        expected = assert_stored_once(publishers)
        assert Source.objects.count() == len(publishers)
        matches = []
        for article in Article.objects.all():
            publisher, fixture = expected[article.id]
            assert article.extraction == ExtractionState.PAGE, (fixture.key, article.last_error)
            assert article.source.homepage_url.startswith(publisher.base_url)
            assert article.text.strip()
            match = shingle_match("\n".join(fixture.paragraphs), article.text)
            assert match[0] > 0.1, f"{fixture.key}: stored text is not this page's body"
            matches.append(match)
        # Extraction quality has its own evaluation; this only checks the crawl kept what it extracted.
        assert statistics.mean(tp / (tp + fn) for tp, _, fn in matches) > 0.9
        assert statistics.mean(tp / (tp + fp) for tp, fp, _ in matches) > 0.85

        web.clear_requests()
        make_all_feeds_due()
        again = crawl_once(workers=WORKERS)

        assert (again.feeds_polled, again.feeds_not_modified, again.new_articles) == (
            len(publishers),
        ) * 2 + (0,)
        assert set(Feed.objects.values_list("last_status", flat=True)) == {304}
        feed_requests = [r for r in web.requests if r.path != "/robots.txt"]
        assert len(feed_requests) == len(publishers)
        assert all(r.status == 304 and r.if_none_match for r in feed_requests)
        assert_stored_once(publishers)

    assert_pages_served(client, expected)


def test_pages_extracted_in_worker_processes_are_stored_whole(extraction_processes):
    publisher = harbour_gazette()
    with FixtureWeb([publisher]) as web:
        subscribe(web)
        report = crawl_once(workers=WORKERS)
        assert extraction_process_ids(), "the pages were not extracted in worker processes"

    assert report.errors == []
    expected = assert_stored_once([publisher])
    for stored_id, (_, fixture) in expected.items():
        article = Article.objects.get(id=stored_id)
        assert article.extraction == ExtractionState.PAGE, (fixture.key, article.last_error)
        assert article.text.split("\n\n") == fixture.paragraphs
        assert article.enriched_at is not None


def test_failing_pages_and_feeds_are_recorded_and_the_crawl_goes_on(client):
    broken = broken_publisher(stall_seconds=10 * READ_TIMEOUT)
    good = harbour_gazette()
    with FixtureWeb([good, broken]) as web:
        subscribe(web)
        report = crawl_once(workers=WORKERS)

        html_feed = Feed.objects.get(url=broken.url("/rss/world.xml"))
        failing_feed = Feed.objects.get(url=broken.url("/rss/sport.xml"))
        assert report.feeds_failed == 2 and len(report.errors) == 2
        assert re.search("(?i)html", html_feed.last_error) and html_feed.consecutive_errors == 1
        assert "HTTP 500" in failing_feed.last_error and failing_feed.last_status == 500
        for feed in (html_feed, failing_feed):
            assert (
                FetchFailure.objects.get(url=feed.url, stage=FetchFailure.Stage.FEED).error == feed.last_error
            )

        expected = assert_stored_once([good, broken])
        for stored_id, (publisher, fixture) in expected.items():
            article = Article.objects.get(id=stored_id)
            if not fixture.failure:
                assert article.extraction == ExtractionState.PAGE, (fixture.key, article.last_error)
                assert article.text.split("\n\n") == fixture.paragraphs
                continue
            assert article.text == fixture.summary, fixture.key
            failure = FetchFailure.objects.get(
                url=publisher.url(fixture.feed_path), stage=FetchFailure.Stage.PAGE
            )
            assert re.search(FAILURE_WORDS[fixture.failure], failure.error), (fixture.failure, failure.error)
            assert article.last_error == failure.error
            if fixture.failure in TRANSIENT_FAILURES:
                assert article.extraction in (ExtractionState.PENDING, ExtractionState.FEED), fixture.key
            else:
                assert article.extraction == ExtractionState.FEED, (fixture.key, failure.error)

        # Later crawls retry what may recover, until they give up and show the feed entry.
        for _ in range(pipeline.MAX_PAGE_ATTEMPTS):
            make_all_feeds_due()
            assert crawl_once(workers=WORKERS).new_articles == 0

        assert_stored_once([good, broken])
        failed_ids = [stored_id for stored_id, (_, fixture) in expected.items() if fixture.failure]
        failed = Article.objects.filter(id__in=failed_ids)
        assert set(failed.values_list("extraction", flat=True)) == {ExtractionState.FEED}
        assert Feed.objects.get(id=failing_feed.id).consecutive_errors == 1 + pipeline.MAX_PAGE_ATTEMPTS
        assert {r.status for r in web.requests_for(broken.url("/news/gone"))} == {404}
        assert len(web.requests_for(broken.url("/news/gone"))) == 1, "a 404 page was fetched again"

    assert_pages_served(client, expected)


def test_a_large_crawl_over_several_hosts_stores_every_story_once(shared_data: Path, client):
    publishers = bbc_publishers(shared_data, per_section=50)
    with FixtureWeb(publishers) as web:
        subscribe(web)
        report = crawl_once(workers=WORKERS)

    assert report.feeds_failed == 0 and report.errors == []
    expected = assert_stored_once(publishers)
    assert len(expected) == 250
    agreeing = 0
    for article in Article.objects.all():
        _, fixture = expected[article.id]
        assert article.extraction == ExtractionState.PAGE, (fixture.key, article.last_error)
        assert article.text.split("\n\n") == fixture.paragraphs, fixture.key
        agreeing += article.category == category_from_section(fixture.section)
    # The feed's section is a strong prior for the classifier, not a rule.
    assert agreeing >= 0.8 * len(expected)
    assert_pages_served(client, expected)


def test_a_crawl_that_crashes_half_way_is_finished_by_the_next_one(shared_data: Path, monkeypatch):
    publishers = bbc_publishers(shared_data, per_section=4)
    extract, tag = pipeline.extract_article, pipeline.tag
    crashed_pages, crashed_enrichments = [], []

    def extract_or_crash(html: bytes, url: str):
        if int(article_id(canonicalize_url(url)), 16) % 3 == 0:
            crashed_pages.append(url)
            raise RuntimeError("simulated crash while extracting")
        return extract(html, url=url)

    def tag_or_crash(article: Article) -> None:
        if int(article.id, 16) % 3 == 1:
            crashed_enrichments.append(article.id)
            raise RuntimeError("simulated crash while enriching")
        tag(article)

    with FixtureWeb(publishers) as web:
        subscribe(web)
        monkeypatch.setattr(pipeline, "extract_article", extract_or_crash)
        monkeypatch.setattr(pipeline, "tag", tag_or_crash)
        crawl_once(workers=WORKERS)
        monkeypatch.setattr(pipeline, "extract_article", extract)
        monkeypatch.setattr(pipeline, "tag", tag)
        assert crashed_pages and crashed_enrichments
        assert Article.objects.filter(extraction=ExtractionState.PENDING).exists()
        assert Article.objects.filter(extraction=ExtractionState.PAGE, enriched_at__isnull=True).exists()

        make_all_feeds_due()
        crawl_once(workers=WORKERS)

    expected = assert_stored_once(publishers)
    assert len(expected) == 20
    assert set(Article.objects.values_list("extraction", flat=True)) == {ExtractionState.PAGE}
    assert not Article.objects.filter(enriched_at__isnull=True).exists()
    assert not Article.objects.filter(article_hashtags__isnull=True).exists()


def test_feeds_polled_but_never_processed_are_finished_by_the_next_crawl(shared_data: Path):
    publishers = bbc_publishers(shared_data, per_section=4)
    with FixtureWeb(publishers) as web:
        subscribe(web)
        for feed in Feed.objects.all():
            poll_stage(feed.id)
        assert set(Article.objects.values_list("extraction", flat=True)) == {ExtractionState.PENDING}

        report = crawl_once(workers=WORKERS)

    assert report.feeds_polled == 0 and report.new_articles == 0
    assert_stored_once(publishers)
    assert set(Article.objects.values_list("extraction", flat=True)) == {ExtractionState.PAGE}

"""`newsdesk failures` (list, retry) as an operator uses it, on pages served by the fixture web."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk import tasks
from newsdesk.ingest.sources import add_source
from newsdesk.models import Article, ExtractionState, Feed, FetchFailure
from newsdesk.pipeline import poll_stage, reset_shared_fetcher, shared_fetcher
from newsdesk.store.actions import record_failure
from newsdesk.store.failures import page_failures
from newsdesk.testing import FixtureArticle, FixtureFeed, FixtureWeb, Publisher, Status, harbour_stories
from newsdesk.web.testing import make_article, make_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_vector_and_story_indexes")]


@pytest.fixture(autouse=True)
def fresh_fetcher():
    """Each test gets its own fetcher: robots.txt and connections of earlier servers must not linger."""
    reset_shared_fetcher()
    yield
    reset_shared_fetcher()


def failures(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("failures", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@contextmanager
def failed_page(status: int = 404) -> Iterator[tuple[Publisher, FixtureArticle, Article]]:
    """A publisher, served while in the block, whose one story's page answers `status`; its article
    stored and its page tried once through the task layer, as the crawl does."""
    story = harbour_stories()[0]
    story.route = Status(status)
    publisher = Publisher("Harbour Gazette")
    publisher.add_feed(FixtureFeed("/feed.xml", "Harbour Gazette: latest", [story]))
    with FixtureWeb([publisher]):
        ((feed, _),) = add_source(publisher.feed_urls()[0], shared_fetcher(), name=publisher.name)
        (article_id,) = poll_stage(feed.id).new_article_ids
        tasks.run_article_inline(article_id)
        yield publisher, story, Article.objects.get(id=article_id)


def test_a_failed_page_is_listed_with_its_source_status_attempts_and_error():
    with failed_page(404) as (_, _, article):
        out, _ = failures("list")

    assert article.extraction == ExtractionState.FEED
    (line,) = out.splitlines()
    source, url, stage, status, attempts, last, error = line.split("\t")
    assert (source, url, stage, status, attempts) == (
        "Harbour Gazette",
        article.url,
        "page",
        "status=404",
        "attempts=1",
    )
    assert last == f"last={timezone.localtime(FetchFailure.objects.get().last_seen_at):%Y-%m-%d %H:%M %Z}"
    assert "404" in error


def test_retrying_a_page_that_works_now_extracts_it_and_clears_its_failure():
    with failed_page(404) as (publisher, story, article):
        story.route = None  # the publisher fixed the page
        publisher.refresh()
        out, err = failures("retry", article.url)

    assert (out, err) == ("1 extracted, 0 failed again\n", "")
    article.refresh_from_db()
    assert article.extraction == ExtractionState.PAGE and article.last_error == ""
    assert article.text.split("\n\n") == story.paragraphs
    assert article.enriched_at is not None  # on to enrichment, as any extracted article
    assert not FetchFailure.objects.exists()
    assert failures("list")[0] == "no page failures recorded\n"


def test_a_page_that_fails_again_is_recorded_again_and_the_command_fails():
    err = StringIO()
    with failed_page(404) as (_, _, article), pytest.raises(CommandError, match="1 of 1 pages failed again"):
        call_command("failures", "retry", article.id, stdout=StringIO(), stderr=err)

    assert err.getvalue().startswith(f"failed again: {article.url}: HTTP 404")

    article.refresh_from_db()
    assert article.extraction == ExtractionState.FEED and "404" in article.last_error
    assert article.extract_attempts == 1  # a fresh set of attempts, one used
    assert FetchFailure.objects.get().attempts == 2


def test_a_page_that_fails_again_on_a_server_error_is_left_to_the_scheduler():
    err = StringIO()
    with failed_page(500) as (_, _, article), pytest.raises(CommandError, match="1 of 1 pages failed again"):
        call_command("failures", "retry", article.url, stdout=StringIO(), stderr=err)

    assert err.getvalue().startswith(f"failed again, the scheduler tries it again later: {article.url}: ")
    article.refresh_from_db()
    assert article.extraction == ExtractionState.PENDING and "500" in article.last_error


def test_pages_not_sent_because_the_publisher_asked_to_wait_are_not_called_failed():
    stories = harbour_stories()[:2]
    for story in stories:
        story.route = Status(404)
    publisher = Publisher("Harbour Gazette")
    publisher.add_feed(FixtureFeed("/feed.xml", "Harbour Gazette: latest", stories))
    out, err = StringIO(), StringIO()
    with FixtureWeb([publisher]):
        ((feed, _),) = add_source(publisher.feed_urls()[0], shared_fetcher(), name=publisher.name)
        for article_id in poll_stage(feed.id).new_article_ids:
            tasks.run_article_inline(article_id)
        # Overloaded now: the first page asked for answers to come back in two minutes.
        for story in stories:
            story.route = Status(503, headers={"Retry-After": "120"})
        publisher.refresh()
        with pytest.raises(CommandError, match="1 of 2 pages failed again"):
            call_command("failures", "retry", "--source", str(feed.source_id), stdout=out, stderr=err)

    assert out.getvalue() == "0 extracted, 1 failed again, 1 left to the scheduler (not sent)\n"
    tried, untried = err.getvalue().splitlines()
    assert tried.startswith("failed again, the scheduler tries it again later: ") and "503" in tried
    assert untried.startswith("not sent, the publisher asked us to wait; the scheduler fetches it: ")
    # Nothing was tried for it: its failure row counts the one attempt it had.
    untried_url = untried.rsplit(": ", 1)[1]
    assert FetchFailure.objects.get(url=untried_url).attempts == 1


def test_retrying_a_source_queues_its_failed_pages_for_the_workers_with_a_broker(monkeypatch):
    source, other = make_source("Harbour Times"), make_source("Valley Courier")
    feed = Feed.objects.create(source=source, url="https://harbour-times.example/rss")
    failed = [
        make_article(source, f"Ferry {n}", feed=feed, extraction=ExtractionState.FEED, extract_attempts=3)
        for n in range(2)
    ]
    extracted = make_article(source, "Quay", feed=feed, extraction=ExtractionState.PAGE)
    elsewhere = make_article(other, "Dam", extraction=ExtractionState.FEED)
    for article in [*failed, extracted, elsewhere]:
        record_failure(article.url, FetchFailure.Stage.PAGE, "HTTP 503", status_code=503)
    queued = []
    monkeypatch.setitem(tasks.app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.fetch_article, "delay", lambda article_id: queued.append(article_id))

    out, _ = failures("retry", "--source", "harbour-times")

    assert out == "2 queued for the ingest workers\n"
    assert sorted(queued) == sorted(article.id for article in failed)
    waiting = Article.objects.filter(extraction=ExtractionState.PENDING)
    assert sorted(waiting.values_list("id", "extract_attempts")) == sorted((a.id, 0) for a in failed)


def test_the_list_is_newest_first_limited_and_by_source_in_two_queries():
    harbour, valley = make_source("Harbour Times"), make_source("Valley Courier")
    feed = Feed.objects.create(source=harbour, url="https://harbour-times.example/rss")
    now = timezone.now()
    for n in range(3):
        url = f"https://harbour-times.example/news/{n}"
        make_article(harbour, f"Ferry {n}", url=url, feed=feed, extraction=ExtractionState.FEED)
        FetchFailure.objects.create(
            url=url,
            stage="page",
            feed=feed,
            error=f"HTTP 500\nline two {n}",
            last_seen_at=now - timedelta(hours=n),
        )
    # Its feed since removed: the article says whose page it was.
    make_article(valley, "Dam", url="https://valley.example/dam", extraction=ExtractionState.FEED)
    FetchFailure.objects.create(
        url="https://valley.example/dam",
        stage="extract",
        error="no text",
        last_seen_at=now - timedelta(minutes=30),
    )
    FetchFailure.objects.create(
        url="https://harbour-times.example/rss", stage="feed", feed=feed, error="HTTP 410"
    )

    with CaptureQueriesContext(connection) as queries:
        listed = page_failures(limit=10)
    assert len(queries) == 2
    assert [(f.source, f.url) for f in listed] == [
        ("Harbour Times", "https://harbour-times.example/news/0"),
        ("Valley Courier", "https://valley.example/dam"),
        ("Harbour Times", "https://harbour-times.example/news/1"),
        ("Harbour Times", "https://harbour-times.example/news/2"),
    ]

    out, _ = failures("list", "--source", "valley-courier")
    assert out.splitlines()[0].startswith("Valley Courier\thttps://valley.example/dam\textract\tstatus=-\t")
    assert len(out.splitlines()) == 1
    out, _ = failures("list", "--source", str(harbour.id), "--limit", "2")
    lines = out.splitlines()
    assert [line.split("\t")[1] for line in lines] == [
        "https://harbour-times.example/news/0",
        "https://harbour-times.example/news/1",
    ]
    assert lines[0].endswith("\tHTTP 500")  # one line per failure, however long the error


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["retry"], "say which pages to fetch again"),
        (["retry", "https://x.example/a", "--source", "harbour-times"], "not both"),
        (["retry", "https://nowhere.example/a"], "no article with the id or URL 'https://nowhere.example/a'"),
        (["retry", "Harbour Times"], "no article with the id or URL"),
        (["list", "--source", "nowhere"], "no source with the slug or id 'nowhere'"),
    ],
)
def test_a_retry_that_names_nothing_says_what_to_name(args, message):
    make_source("Harbour Times")
    with pytest.raises(CommandError, match=message):
        failures(*args)


def test_an_extracted_article_is_not_retried():
    article = make_article(make_source("Harbour Times"), "Quay", extraction=ExtractionState.PAGE)
    with pytest.raises(CommandError, match="already extracted: nothing to retry"):
        failures("retry", article.url)


def test_a_source_without_failed_pages_has_nothing_to_retry():
    make_source("Harbour Times")
    assert failures("retry", "--source", "harbour-times")[0] == "no failed pages of that source to retry\n"

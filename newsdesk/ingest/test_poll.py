from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from newsdesk.ingest.fetch import FetchResult, FetchTimeout, HostCoolingDown
from newsdesk.ingest.poll import poll_feed
from newsdesk.models import Feed, FetchFailure, Source

pytestmark = pytest.mark.django_db


class RefusingFetcher:
    """Raises `error` for every URL, as the fetcher does before sending anything."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def get(self, url: str, **_: object) -> None:
        raise self.error


@pytest.fixture
def feed() -> Feed:
    source = Source.objects.create(
        name="Harbour Times", slug="harbour-times", homepage_url="https://harbour.example/"
    )
    return Feed.objects.create(
        source=source, url="https://harbour.example/feed.xml", consecutive_errors=2, last_error="HTTP 500"
    )


def test_a_request_not_sent_while_its_host_cools_down_is_no_feed_failure(feed: Feed):
    refusal = HostCoolingDown(feed.url, "Not sent: harbour.example asked us to back off", retry_after=90)
    outcome = poll_feed(feed, RefusingFetcher(refusal))
    feed.refresh_from_db()
    assert outcome.error == ""
    assert (feed.consecutive_errors, feed.last_error, feed.disabled_at) == (2, "HTTP 500", None)
    assert feed.last_fetched_at is None and not FetchFailure.objects.exists()
    # Polled again once the host takes requests, not after a grown backoff.
    expected = timezone.now() + timedelta(seconds=90)
    assert abs((feed.next_poll_at - expected).total_seconds()) < 5


def test_a_request_that_failed_still_counts(feed: Feed):
    outcome = poll_feed(feed, RefusingFetcher(FetchTimeout(feed.url, "Server sent nothing for 10 s")))
    feed.refresh_from_db()
    assert outcome.error and feed.consecutive_errors == 3 and FetchFailure.objects.count() == 1


class ConditionalServer:
    """Serves `body` with an ETag and answers 304 to a request that sends it back."""

    def __init__(self, body: bytes, content_type: str) -> None:
        self.body, self.content_type, self.etags_sent = body, content_type, []

    def get(self, url: str, *, etag: str = "", **_: object) -> FetchResult:
        self.etags_sent.append(etag)
        headers = httpx.Headers({"content-type": self.content_type})
        if etag == '"v1"':
            return FetchResult(url, 304, headers, b"", etag, "", not_modified=True)
        return FetchResult(url, 200, headers, self.body, '"v1"', "", not_modified=False)


def test_an_unreadable_feed_keeps_failing_instead_of_turning_into_an_unchanged_one(feed: Feed):
    """An HTML page where the feed should be: its ETag must not make the next poll a 304 "success"."""
    server = ConditionalServer(b"<!doctype html><html><body><p>Our new site</p></body></html>", "text/html")
    first, second = poll_feed(feed, server), poll_feed(feed, server)
    feed.refresh_from_db()
    assert first.error and second.error and not second.not_modified
    assert server.etags_sent == ["", ""]
    assert feed.consecutive_errors == 4 and "HTML" in feed.last_error


def test_a_readable_feed_is_asked_for_conditionally(feed: Feed):
    rss = b"<rss version='2.0'><channel><title>t</title><item><title>a</title><link>https://harbour.example/a</link></item></channel></rss>"
    server = ConditionalServer(rss, "application/rss+xml")
    first, second = poll_feed(feed, server), poll_feed(feed, server)
    feed.refresh_from_db()
    assert not first.error and second.not_modified and server.etags_sent == ["", '"v1"']
    assert feed.consecutive_errors == 0

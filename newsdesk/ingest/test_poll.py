from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.ingest.fetch import FetchTimeout, HostCoolingDown
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

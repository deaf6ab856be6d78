"""Why the site has nothing to show yet, in words an operator can act on."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Min

from newsdesk.models import Feed, Source

# Enough failing feeds to show a pattern (no network, a bad proxy) without a wall of errors.
MAX_FAILING_FEEDS_SHOWN = 5


@dataclass
class CrawlStatus:
    sources: int
    feeds: int
    enabled_feeds: int
    fetched_feeds: int
    next_poll_at: datetime | None
    failing_feeds: list[Feed] = field(default_factory=list)
    scheduler_seconds: int = 60
    poll_min_minutes: int = 5

    @property
    def reason(self) -> str:
        """One key for the template: no-sources, no-feeds, all-disabled, not-fetched, fetched-nothing."""
        if not self.sources:
            return "no-sources"
        if not self.feeds:
            return "no-feeds"
        if not self.enabled_feeds:
            return "all-disabled"
        if not self.fetched_feeds:
            return "not-fetched"
        return "fetched-nothing"


def crawl_status() -> CrawlStatus:
    feeds = Feed.objects.all()
    enabled = feeds.filter(disabled_at__isnull=True)
    return CrawlStatus(
        sources=Source.objects.count(),
        feeds=feeds.count(),
        enabled_feeds=enabled.count(),
        fetched_feeds=feeds.filter(last_fetched_at__isnull=False).count(),
        next_poll_at=enabled.aggregate(next_poll=Min("next_poll_at"))["next_poll"],
        failing_feeds=list(
            feeds.select_related("source")
            .exclude(last_error="")
            .order_by("-last_fetched_at")[:MAX_FAILING_FEEDS_SHOWN]
        ),
        scheduler_seconds=settings.NEWSDESK_SCHEDULER_INTERVAL,
        poll_min_minutes=max(1, settings.NEWSDESK_POLL_MIN_SECONDS // 60),
    )

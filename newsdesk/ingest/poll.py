"""Polling one feed: fetch it politely, record its health, store the entries it names."""

import html as html_lib
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

import nh3
from django.conf import settings
from django.utils import timezone

from newsdesk.ingest.feeds import FeedEntry, FeedParseError, ParsedFeed, parse_feed
from newsdesk.ingest.feeds.cleaning import xml_safe
from newsdesk.ingest.fetch import Fetcher, FetchError, HostCoolingDown, backoff_seconds
from newsdesk.ingest.schedule import next_poll_interval
from newsdesk.models import Feed, FetchFailure
from newsdesk.safe_html import sanitize_html
from newsdesk.store.actions import DiscoveredArticle, clear_failure, record_discovered, record_failure

log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
MAX_CHILD_SITEMAPS = 10


@dataclass
class PollOutcome:
    feed_id: int
    status: int | None = None
    not_modified: bool = False
    error: str = ""
    new_article_ids: list[str] = field(default_factory=list)


def poll_feed(feed: Feed, fetcher: Fetcher) -> PollOutcome:
    """Poll one feed and store new entries as articles (their pages are fetched later)."""
    outcome = PollOutcome(feed_id=feed.id)
    now = timezone.now()
    feed.last_fetched_at = now
    try:
        result = fetcher.get(feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT)
    except HostCoolingDown as error:
        # Never sent: the host asked for a pause over another request, which says nothing about
        # this feed; counting it would grow the feed's backoff and could disable it.
        log.info("feed %s not polled this turn: %s", feed.url, error)
        feed.next_poll_at = now + timedelta(seconds=error.retry_after or 0)
        feed.save(update_fields=["next_poll_at"])
        return outcome
    except FetchError as error:
        outcome.status, outcome.error = error.status, str(error)
        _record_feed_error(feed, str(error), status=error.status, retry_after=error.retry_after)
        return outcome

    outcome.status = result.status
    feed.last_status = result.status
    if result.not_modified:
        outcome.not_modified = True
        _record_feed_success(feed, new_entries=0, entry_times=[])
        return outcome

    try:
        parsed = parse_feed(result.content, url=result.url, content_type=result.content_type)
        entries = list(parsed.entries) + _child_sitemap_entries(parsed, fetcher, feed)
    except FeedParseError as error:
        outcome.error = str(error)
        # The validators of a body we could not read would make the next poll a 304, and a
        # 304 a success: ask for the whole body again until it is a feed.
        feed.etag = feed.last_modified = ""
        _record_feed_error(feed, str(error), status=result.status)
        return outcome
    feed.etag, feed.last_modified = result.etag or feed.etag, result.last_modified or feed.last_modified

    if parsed.warnings:
        log.info("feed %s parsed with warnings: %s", feed.url, "; ".join(parsed.warnings))
    if not feed.title and parsed.title:
        feed.title = parsed.title[:500]
    if not feed.kind:
        feed.kind = parsed.kind

    for entry in entries:
        article = record_discovered(feed.source, feed, discovered_from_entry(entry))
        if article is not None:
            outcome.new_article_ids.append(article.id)
    _record_feed_success(
        feed,
        new_entries=len(outcome.new_article_ids),
        entry_times=[e.published for e in entries if e.published],
    )
    return outcome


def discovered_from_entry(entry: FeedEntry) -> DiscoveredArticle:
    """The feed's own view of an article: what we show until (or unless) its page is extracted."""
    body_html = entry.content_html or ""
    safe_html = sanitize_html(body_html, entry.url) if body_html else ""
    text = _html_to_text(safe_html) if safe_html else entry.summary
    return DiscoveredArticle(
        url=entry.url,
        guid=entry.guid,
        title=entry.title,
        summary=entry.summary,
        text=text,
        html=safe_html,
        published=entry.published or entry.updated,
        authors=entry.authors,
        tags=entry.tags,
        image=entry.image,
    )


def _html_to_text(html: str) -> str:
    """Paragraph-separated plain text of sanitised HTML."""
    blocks = re.split(r"</(?:p|h[1-6]|li|blockquote|figcaption)>|<br\s*/?>", html)
    paragraphs = [nh3.clean(block, tags=set()).strip() for block in blocks]
    return xml_safe("\n\n".join(html_lib.unescape(p) for p in paragraphs if p))


def _child_sitemap_entries(parsed: ParsedFeed, fetcher: Fetcher, feed: Feed) -> list[FeedEntry]:
    """A sitemap index names its children; read the first few (the newest are listed first)."""
    entries: list[FeedEntry] = []
    for child_url in parsed.sub_feeds[:MAX_CHILD_SITEMAPS]:
        try:
            child = fetcher.get(child_url, accept=FEED_ACCEPT)
            entries.extend(parse_feed(child.content, url=child.url, content_type=child.content_type).entries)
        except (FetchError, FeedParseError) as error:
            record_failure(child_url, FetchFailure.Stage.FEED, str(error), feed=feed)
    return entries


def _record_feed_success(feed: Feed, *, new_entries: int, entry_times: list) -> None:
    now = timezone.now()
    feed.last_success_at = now
    feed.last_error = ""
    feed.consecutive_errors = 0
    feed.last_new_entries = new_entries
    feed.poll_interval = next_poll_interval(
        feed.poll_interval,
        new_entries=new_entries,
        entry_times=entry_times,
        minimum=settings.NEWSDESK_POLL_MIN_SECONDS,
        maximum=settings.NEWSDESK_POLL_MAX_SECONDS,
    )
    feed.next_poll_at = now + timedelta(seconds=feed.poll_interval)
    feed.save()
    clear_failure(feed.url, FetchFailure.Stage.FEED)


def _record_feed_error(
    feed: Feed, error: str, *, status: int | None, retry_after: float | None = None
) -> None:
    now = timezone.now()
    feed.last_status = status
    feed.last_error = error
    feed.consecutive_errors += 1
    delay = backoff_seconds(
        feed.consecutive_errors,
        retry_after=retry_after,
        base=settings.NEWSDESK_POLL_MIN_SECONDS,
        cap=settings.NEWSDESK_POLL_MAX_SECONDS,
    )
    feed.next_poll_at = now + timedelta(seconds=delay)
    if feed.consecutive_errors >= settings.NEWSDESK_DISABLE_AFTER_ERRORS:
        feed.disabled_at = now
        feed.disabled_reason = f"{feed.consecutive_errors} failed polls in a row; last: {error}"
    elif status == 410:
        feed.disabled_at = now
        feed.disabled_reason = f"the publisher says the feed is gone (410): {error}"
    feed.save()
    record_failure(feed.url, FetchFailure.Stage.FEED, error, feed=feed, status_code=status)


def due_feeds(limit: int | None = None) -> list[Feed]:
    feeds = (
        Feed.objects.filter(
            disabled_at__isnull=True, source__is_active=True, next_poll_at__lte=timezone.now()
        )
        .select_related("source")
        .order_by("next_poll_at")
    )
    return list(feeds[:limit] if limit else feeds)

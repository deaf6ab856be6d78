"""Adding publishers: by feed URL, by homepage, from OPML, or from the default list."""

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from newsdesk.enrich.categories import category_from_section
from newsdesk.ingest.feeds import (
    FeedParseError,
    OpmlOutline,
    discover_feed_links,
    load_default_outlines,
    looks_like_feed,
    parse_feed,
    parse_opml,
    write_opml,
)
from newsdesk.ingest.fetch import Fetcher, FetchError
from newsdesk.models import Feed, Source

log = logging.getLogger(__name__)

MAX_DISCOVERED_FEEDS = 5


class SourceError(ValueError):
    """A source could not be added; the message says why, for the operator."""


@dataclass
class ImportReport:
    sources_created: int = 0
    feeds_created: int = 0
    feeds_skipped: int = 0
    # (url, reason) for each outline left out because newsdesk could never fetch its URL.
    rejected_urls: list[tuple[str, str]] = field(default_factory=list)

    @property
    def outlines_rejected(self) -> int:
        return len(self.rejected_urls)


def unique_slug(name: str) -> str:
    base = slugify(name)[:180] or "source"
    slug, n = base, 2
    while Source.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def source_for(name: str, homepage_url: str) -> tuple[Source, bool]:
    """The source with this homepage (or name), created if new."""
    host = _site_host(homepage_url)
    existing = None
    if host:
        # The substring match only narrows the search: "news.com" is inside "foxnews.com".
        candidates = Source.objects.filter(homepage_url__icontains=host)
        existing = next((s for s in candidates if _site_host(s.homepage_url) == host), None)
    existing = existing or Source.objects.filter(name__iexact=name).first()
    if existing:
        return existing, False
    return Source.objects.create(name=name[:200], slug=unique_slug(name), homepage_url=homepage_url), True


def _site_host(url: str) -> str:
    """The site a URL belongs to: its host without "www.", with the port when it is not the
    default (two sites on one machine are two publishers)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if host and port and port not in (80, 443) else host


def add_source(url: str, fetcher: Fetcher, *, name: str = "", section: str = "") -> list[Feed]:
    """Add a feed URL, or every feed a homepage announces with <link rel="alternate">."""
    try:
        result = fetcher.get(url)
    except FetchError as error:
        raise SourceError(f"could not fetch {url}: {error}") from error

    if looks_like_feed(result.content, result.content_type):
        candidates = [(result.url, result.content, result.content_type)]
        homepage = ""
    else:
        links = discover_feed_links(result.content, result.url)
        if not links:
            raise SourceError(f"{url} is neither a feed nor a page that links to one")
        candidates = []
        for link in links[:MAX_DISCOVERED_FEEDS]:
            try:
                feed_page = fetcher.get(link)
                candidates.append((feed_page.url, feed_page.content, feed_page.content_type))
            except FetchError as error:
                log.warning("feed %s announced by %s failed: %s", link, url, error)
        if not candidates:
            raise SourceError(f"none of the feeds {url} announces could be fetched")
        homepage = result.url

    feeds: list[Feed] = []
    for feed_url, content, content_type in candidates:
        try:
            parsed = parse_feed(content, url=feed_url, content_type=content_type)
        except FeedParseError as error:
            if len(candidates) == 1:
                raise SourceError(f"{feed_url}: {error}") from error
            continue
        site = homepage or parsed.link or f"{urlsplit(feed_url).scheme}://{urlsplit(feed_url).netloc}/"
        with transaction.atomic():
            source, _ = source_for(name or parsed.title or urlsplit(site).hostname or feed_url, site)
            feed, _ = Feed.objects.get_or_create(
                url=feed_url,
                defaults={
                    "source": source,
                    "title": parsed.title[:500],
                    "kind": parsed.kind,
                    "section": category_from_section(section) or "" if section else "",
                },
            )
        feeds.append(feed)
    if not feeds:
        raise SourceError(f"no readable feed found at {url}")
    return feeds


def import_outlines(outlines: list[OpmlOutline]) -> ImportReport:
    """Create sources and feeds from OPML outlines, without fetching anything.

    An outline whose URL could never be fetched (ftp:, javascript:, relative) is reported, not
    stored: a stored one would only fail at every poll.
    """
    report = ImportReport()
    for outline in outlines:
        if not outline.xml_url:
            continue
        rejected = next(
            ((url, reason) for url in (outline.xml_url, outline.html_url) if (reason := _unfetchable(url))),
            None,
        )
        if rejected:
            report.rejected_urls.append(rejected)
            continue
        if Feed.objects.filter(url=outline.xml_url).exists():
            report.feeds_skipped += 1
            continue
        host = urlsplit(outline.html_url or outline.xml_url).hostname
        name = outline.title or host
        with transaction.atomic():
            source, created = source_for(name, outline.html_url or f"https://{host}/")
            Feed.objects.create(
                source=source,
                url=outline.xml_url,
                title=outline.title[:500],
                section=category_from_section(outline.category or "") or "",
            )
        report.sources_created += created
        report.feeds_created += 1
    return report


def _unfetchable(url: str) -> str:
    """Why a subscription list's URL can never be fetched ("" when it can, or is absent)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it raises on a port that is not a number
    except ValueError as error:
        return f"not a valid URL ({error})"
    if not parts.scheme:
        return "not an absolute URL"
    if parts.scheme.lower() not in ("http", "https"):
        return f"{parts.scheme}: URLs cannot be fetched, only http(s)"
    if not parts.hostname:
        return "no host in the URL"
    return ""


def import_opml(content: bytes) -> ImportReport:
    return import_outlines(parse_opml(content))


def export_opml() -> str:
    outlines = [
        OpmlOutline(
            title=f.title or f.source.name, xml_url=f.url, html_url=f.source.homepage_url, category=f.section
        )
        for f in Feed.objects.select_related("source").order_by("source__name", "url")
    ]
    return write_opml(outlines, title=f"{settings.SITE_NAME} sources")


def ensure_default_sources() -> ImportReport | None:
    """Load the default publishers on first run, so a new site has something to show."""
    if not settings.NEWSDESK_LOAD_DEFAULT_SOURCES or Source.objects.exists():
        return None
    return import_outlines(load_default_outlines())

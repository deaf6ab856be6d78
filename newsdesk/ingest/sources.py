"""Adding publishers: by feed URL, by homepage, from OPML, or from the default list."""

import logging
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from newsdesk.enrich.categories import category_from_section
from newsdesk.ingest.feeds import (
    FeedParseError,
    OpmlOutline,
    discover_feed_links,
    load_default_outlines,
    looks_like_feed,
    parse_feed,
    read_opml,
    write_opml,
)
from newsdesk.ingest.fetch import Fetcher, FetchError
from newsdesk.models import Feed, Source

log = logging.getLogger(__name__)

MAX_DISCOVERED_FEEDS = 5
# A host name with a dot, an optional port and path, and no scheme: what people type in a browser.
BARE_HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(/\S*)?", re.IGNORECASE)
# Hosts that serve unrelated publishers' feeds: sharing one says nothing about the publisher.
FEED_SERVICE_HOSTS = frozenset(
    {"feeds.feedburner.com", "feeds2.feedburner.com", "feedproxy.google.com", "feeds.feedblitz.com"}
)


class SourceError(ValueError):
    """A source could not be added; the message says why, for the operator."""


@dataclass
class ImportReport:
    sources_created: int = 0
    feeds_created: int = 0
    feeds_skipped: int = 0
    # (url, reason) for each outline left out because newsdesk could never fetch its URL.
    rejected_urls: list[tuple[str, str]] = field(default_factory=list)
    # Why the file could be read only in part ("" when it was whole).
    problem: str = ""

    @property
    def outlines_rejected(self) -> int:
        return len(self.rejected_urls)


def unique_slug(name: str, homepage_url: str = "") -> str:
    """A name in a script slugify drops (CJK, Arabic, emoji) takes its site's slug ("nikkei-com"),
    so its URLs still say whose they are."""
    site = re.sub(r"[.:/@~]+", "-", _site(homepage_url))
    base = (slugify(name) or slugify(site))[:180] or "source"
    slug, n = base, 2
    while Source.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def source_for(name: str, homepage_url: str, *, explicit_name: bool = False) -> tuple[Source, bool]:
    """The source a publisher is filed under, created if new.

    The homepage's site (`_site`) finds it, else the name. A feed service's host is shared by
    unrelated publishers, so there only the name does. An operator's explicit name wins over the
    site when a source has exactly that name; a name no source has still joins the site's
    source, so naming a second feed of a known site does not split one publisher in two.
    """
    name = name[:200]
    existing = Source.objects.filter(name=name).first() if explicit_name else None
    site = _site(homepage_url)
    if not existing and site and _site_host(homepage_url) not in FEED_SERVICE_HOSTS:
        # The substring match only narrows the search: "news.com" is inside "foxnews.com".
        candidates = Source.objects.filter(homepage_url__icontains=_site_host(homepage_url))
        existing = next((s for s in candidates if _site(s.homepage_url) == site), None)
    existing = existing or Source.objects.filter(name__iexact=name).first()
    if existing:
        return existing, False
    source = Source.objects.create(name=name, slug=unique_slug(name, homepage_url), homepage_url=homepage_url)
    return source, True


def _site(url: str) -> str:
    """The publisher's site: its host (`_site_host`), and a first path segment that names a user
    ("/@alice", "/~bob"), since medium.com/@alice and medium.com/@bob are two publishers."""
    host = _site_host(url)
    first_segment = urlsplit(url).path.lstrip("/").split("/")[0]
    return f"{host}/{first_segment}" if host and first_segment[:1] in ("@", "~") else host


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


def _homepage_of_feed(feed_url: str) -> str:
    """A feed's homepage when nothing names it: the feed's scheme and host (port kept, credentials
    not), and the user of a per-user feed (medium.com/feed/@alice is at medium.com/@alice)."""
    parts = urlsplit(feed_url)
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments[:1] == ["feed"]:
        segments = segments[1:]
    user = f"{segments[0]}/" if segments and segments[0][:1] in ("@", "~") else ""
    return f"{parts.scheme.lower()}://{parts.netloc.rpartition('@')[2]}/{user}"


class AddedFeed(NamedTuple):
    feed: Feed
    # False when the site already had this feed: the operator is told, nothing changes.
    new: bool


def add_source(url: str, fetcher: Fetcher, *, name: str = "", section: str = "") -> list[AddedFeed]:
    """Add a feed URL, or every feed a homepage announces with <link rel="alternate">."""
    url = web_address(url)
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

    feeds: list[AddedFeed] = []
    for feed_url, content, content_type in candidates:
        try:
            parsed = parse_feed(content, url=feed_url, content_type=content_type)
        except FeedParseError as error:
            if len(candidates) == 1:
                raise SourceError(f"{feed_url}: {error}") from error
            continue
        site = homepage or parsed.link or _homepage_of_feed(feed_url)
        feeds.append(
            _file_feed(feed_url, site, name=name, title=parsed.title, section=section, kind=parsed.kind)
        )
    if not feeds:
        raise SourceError(f"no readable feed found at {url}")
    return feeds


def add_feed_unread(url: str, *, name: str = "", section: str = "") -> AddedFeed:
    """A feed URL stored without fetching it (the publisher is down, or this machine is offline):
    the poller reads it on its next pass, and the feed's health shows what it found."""
    url = web_address(url)
    return _file_feed(url, _homepage_of_feed(url), name=name, section=section)


def _file_feed(
    feed_url: str, site: str, *, name: str, section: str, title: str = "", kind: str = ""
) -> AddedFeed:
    """The feed under its publisher's source (found or made); a feed the site has stays as it is."""
    with transaction.atomic():
        source, _ = source_for(
            name or title or urlsplit(site).hostname or feed_url, site, explicit_name=bool(name)
        )
        defaults = {
            "source": source,
            "title": title[:500],
            "section": category_from_section(section) or "" if section else "",
        }
        if kind:
            defaults["kind"] = kind
        feed, created = Feed.objects.get_or_create(url=feed_url, defaults=defaults)
    return AddedFeed(feed, created)


# Why a feed an operator paused is not polled, as `sources list` and the admin show it.
PAUSED_BY_OPERATOR = "paused by the operator"


def pause_feeds(feeds: QuerySet[Feed], reason: str = "") -> int:
    """Stop polling these feeds until resumed; what they brought stays on the site."""
    why = f"{PAUSED_BY_OPERATOR}: {reason}" if reason else PAUSED_BY_OPERATOR
    return feeds.filter(disabled_at__isnull=True).update(disabled_at=timezone.now(), disabled_reason=why)


def resume_feeds(feeds: QuerySet[Feed]) -> int:
    """Poll these feeds again on the scheduler's next pass, whether paused or disabled by failures,
    with their failure count cleared (a feed disabled for failing gets a fresh start)."""
    return feeds.update(
        disabled_at=None, disabled_reason="", consecutive_errors=0, next_poll_at=timezone.now()
    )


def web_address(typed: str) -> str:
    """What an operator typed as an address: a bare host ("example.org/news") means https://."""
    typed = typed.strip()
    if BARE_HOST.fullmatch(typed):
        typed = f"https://{typed}"
    if not typed or _unfetchable(typed):
        raise SourceError(
            f"{typed!r} is not a web address: give a feed or a homepage, such as https://example.org/"
        )
    return typed


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
        homepage = outline.html_url or _homepage_of_feed(outline.xml_url)
        with transaction.atomic():
            source, created = source_for(outline.title or urlsplit(homepage).hostname, homepage)
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
    outlines, problem = read_opml(content)
    report = import_outlines(outlines)
    report.problem = problem
    return report


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
    if not settings.NEWSDESK_LOAD_DEFAULT_SOURCES:
        return None
    return load_default_sources()


def load_default_sources() -> ImportReport | None:
    """The default publisher list into a site that has no source yet; None when it has some."""
    if Source.objects.exists():
        return None
    return import_outlines(load_default_outlines())

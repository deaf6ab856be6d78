"""What every feed format is turned into, so the rest of ingest sees one shape."""

from dataclasses import dataclass, field
from datetime import datetime


class FeedParseError(ValueError):
    """The bytes could not be read as a feed; the message says why, for the operator."""


class HtmlPageError(FeedParseError):
    """An HTML page arrived where a feed was expected; `feed_links` are the feeds it advertises, if any."""

    def __init__(self, message: str, feed_links: list[str]):
        super().__init__(message)
        self.feed_links = feed_links


@dataclass
class FeedEntry:
    url: str
    guid: str = ""
    title: str = ""
    summary: str = ""
    content_html: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: str = ""


@dataclass
class ParsedFeed:
    kind: str
    title: str = ""
    link: str = ""
    entries: list[FeedEntry] = field(default_factory=list)
    sub_feeds: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

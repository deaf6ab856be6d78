"""Feed formats, feed discovery, OPML, and the publishers newsdesk starts with.

Pure functions over bytes: fetching and storing happen elsewhere in ingest.
"""

from .defaults import default_sources_path, load_default_outlines
from .discover import discover_feed_links
from .opml import OpmlError, OpmlOutline, parse_opml, read_opml, write_opml
from .parse import parse_feed
from .results import FeedEntry, FeedParseError, HtmlPageError, ParsedFeed
from .sitemaps import parse_sitemap
from .sniff import looks_like_feed

__all__ = [
    "FeedEntry",
    "FeedParseError",
    "HtmlPageError",
    "OpmlError",
    "OpmlOutline",
    "ParsedFeed",
    "default_sources_path",
    "discover_feed_links",
    "load_default_outlines",
    "looks_like_feed",
    "parse_feed",
    "parse_opml",
    "read_opml",
    "parse_sitemap",
    "write_opml",
]

"""Feed autodiscovery: the <link rel="alternate"> tags a publisher's page advertises."""

from html.parser import HTMLParser
from urllib.parse import urljoin

from .cleaning import absolute_http_url, unique

FEED_MEDIA_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
    }
)


class _AlternateLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base_href = ""
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "").strip() for name, value in attrs}
        if tag == "base" and not self.base_href:
            self.base_href = values.get("href", "")
        elif tag == "link":
            rel_tokens = values.get("rel", "").lower().split()
            media_type = values.get("type", "").lower().split(";")[0].strip()
            if "alternate" in rel_tokens and media_type in FEED_MEDIA_TYPES and values.get("href"):
                self.hrefs.append(values["href"])

    handle_startendtag = handle_starttag


def _decode(html: str | bytes) -> str:
    if isinstance(html, str):
        return html
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        return html.decode("cp1252", errors="replace")


def discover_feed_links(html: str | bytes, base_url: str) -> list[str]:
    """Absolute feed URLs in page order, without repeats; honours <base href>."""
    collector = _AlternateLinks()
    collector.feed(_decode(html))
    collector.close()
    base = urljoin(base_url, collector.base_href) if collector.base_href else base_url
    return unique([absolute_http_url(href, base) for href in collector.hrefs])

"""Sitemaps (urlset), sitemap indexes, and their Google News and image extensions.

Elements are matched by local name, not namespace: real news sitemaps use any prefix
("news:", "n:") and some omit the namespaces altogether.
"""

from lxml import etree

from .cleaning import absolute_http_url, local_name, parse_date, plain_text, unique, untrusted_xml
from .results import FeedEntry, FeedParseError, ParsedFeed


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) == name]


def _first_text(element: etree._Element | None, *path: str) -> str:
    """Text of the first element along `path` of local names, whitespace-trimmed."""
    for name in path:
        if element is None:
            return ""
        found = _children(element, name)
        element = found[0] if found else None
    if element is None:
        return ""
    return _element_text(element).strip()


def _element_text(element: etree._Element) -> str:
    """Text content without unexpanded entity references ("&boom;") or comments, which itertext() keeps."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_element_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _entry(url_element: etree._Element, base_url: str) -> FeedEntry | None:
    link = absolute_http_url(_first_text(url_element, "loc"), base_url)
    if not link:
        return None
    news = _children(url_element, "news")
    news_element = news[0] if news else None
    keywords = _first_text(news_element, "keywords")
    return FeedEntry(
        url=link,
        title=plain_text(_first_text(news_element, "title") or _first_text(url_element, "image", "title")),
        published=parse_date(_first_text(news_element, "publication_date")),
        updated=parse_date(_first_text(url_element, "lastmod")),
        tags=unique(keywords.split(",")),
        image=absolute_http_url(_first_text(url_element, "image", "loc"), base_url),
    )


def parse_sitemap(content: bytes, url: str = "") -> ParsedFeed:
    label = url or "the document"
    root, recovered_error = untrusted_xml(content, label, FeedParseError)
    kind = local_name(root)
    if kind not in ("urlset", "sitemapindex"):
        raise FeedParseError(f"{label} is XML with root <{kind}>, not a sitemap")
    feed = ParsedFeed(kind="sitemap")
    if recovered_error:
        feed.warnings.append(
            f"not well-formed XML ({recovered_error}); read leniently, items after the error may be missing"
        )
    if kind == "sitemapindex":
        children = [absolute_http_url(_first_text(child, "loc"), url) for child in _children(root, "sitemap")]
        feed.sub_feeds = unique(children)
        if len(feed.sub_feeds) < len(children):
            feed.warnings.append(
                f"skipped {len(children) - len(feed.sub_feeds)} empty or repeated child sitemap(s)"
            )
        return feed
    unusable = 0
    for url_element in _children(root, "url"):
        entry = _entry(url_element, url)
        if entry is None:
            unusable += 1
        else:
            feed.entries.append(entry)
        # A news sitemap names its publication on every <url>; that is the closest thing to a feed title.
        feed.title = feed.title or _first_text(url_element, "news", "publication", "name")
    if unusable:
        feed.warnings.append(f"dropped {unusable} <url> element(s) with no usable http(s) <loc>")
    return feed

"""One entry point for every feed format: bytes in, ParsedFeed out, or a FeedParseError that says why.

RSS 0.9x/1.0/2.0 and Atom go through feedparser, whose lenient fallback recovers the items
of broken feeds the way real readers do; JSON Feed and sitemaps have their own small readers.
"""

import io
import re
import time
import xml.sax
from collections import Counter
from datetime import UTC, datetime, timezone, tzinfo

import feedparser

from .cleaning import (
    absolute_http_url,
    absolute_links_in_html,
    byline_names,
    clean_text,
    has_twelve_hour_clock,
    parse_date,
    plain_text,
    stated_zone,
    states_no_zone,
    text_as_html,
    unique,
)
from .discover import discover_feed_links
from .jsonfeed import parse_json_feed
from .results import FeedEntry, FeedParseError, HtmlPageError, ParsedFeed
from .sitemaps import parse_sitemap
from .sniff import SITEMAP_ROOTS, gunzip_if_compressed, is_html, is_json, root_element

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?([\w.:\-]+)""", re.IGNORECASE)
_XML_DECLARED_ENCODING = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:\-]+)""")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_IMAGE_EXTENSION = re.compile(r"\.(jpe?g|png|gif|webp|avif)(\?|$)", re.IGNORECASE)
_AUDIO_VIDEO_EXTENSION = re.compile(r"\.(mp3|m4a|mp4|m4v|mov|ogg|oga|webm|wav|aac)(\?|$)", re.IGNORECASE)


def parse_feed(content: bytes, *, url: str = "", content_type: str | None = None) -> ParsedFeed:
    label = url or "the document"
    if not content or not content.strip():
        raise FeedParseError(f"{label} is empty: the server sent no body")
    try:
        content = gunzip_if_compressed(content)
    except FeedParseError as error:
        raise FeedParseError(f"{label}: {error}") from error
    if is_json(content):
        return parse_json_feed(content, url)
    if is_html(content):
        links = discover_feed_links(content, url)
        advertised = f"; it advertises {len(links)} feed(s): {', '.join(links)}" if links else ""
        raise HtmlPageError(f"{label} is an HTML page, not a feed{advertised}", links)
    root = root_element(content)
    if root in SITEMAP_ROOTS:
        return parse_sitemap(content, url)
    return _parse_with_feedparser(content, url, content_type, root)


def _decoding_hint(content: bytes, content_type: str | None) -> tuple[str, str]:
    """The media type to hand feedparser, and a warning when the declared charset has to be overruled.

    Bytes that decode as UTF-8 are UTF-8 whatever the server or prolog claims (Latin-1 text is almost
    never valid UTF-8 by accident); otherwise the HTTP charset, then the XML prolog, decide.
    Always an XML type, because feedparser marks text/* and text/html bodies as broken.
    """
    declared_by_header = _CHARSET_PARAM.search((content_type or "").encode("latin-1", errors="ignore"))
    declared_in_prolog = _XML_DECLARED_ENCODING.match(content[:1024])
    declared = declared_by_header or declared_in_prolog
    declared_name = declared.group(1).decode("ascii").lower() if declared else ""
    head = content[:1024]
    might_be_utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head
    if not might_be_utf16:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            warning = ""
            if declared_name and declared_name not in _UTF8_NAMES and not content.isascii():
                warning = f"declared as {declared_name} but the bytes are UTF-8; read as UTF-8"
            return "application/xml; charset=utf-8", warning
    if declared_by_header:
        return f"application/xml; charset={declared_name}", ""
    return "application/xml", ""


def _parse_with_feedparser(content: bytes, url: str, content_type: str | None, root: str) -> ParsedFeed:
    label = url or "the document"
    media_type, decoding_warning = _decoding_hint(content, content_type)
    # No content-location: feedparser would resolve relative <guid>s against it, changing the publisher's
    # ids (and with every redirect of the feed URL). Links are made absolute here instead.
    # A stream, never bytes: feedparser tries to open() a bytes argument as a local file name first.
    parsed = feedparser.parse(
        io.BytesIO(content), response_headers={"content-type": media_type}, sanitize_html=False
    )
    kind = _kind(parsed.get("version", ""), root)
    warnings = [decoding_warning] if decoding_warning else []
    problem, malformed = _xml_problem(parsed)
    if problem:
        warnings.append(f"{problem}; read with a lenient parser" if malformed else problem)
    warnings.extend(_wrong_atom_namespaces(parsed.get("namespaces", {})))

    base_url = url or absolute_http_url(parsed.feed.get("link", ""), "")
    entries: list[FeedEntry] = []
    zone = _prevailing_zone(parsed)
    for raw in parsed.entries:
        entry = _entry(raw, base_url, kind, zone)
        if entry is not None:
            entries.append(entry)
    unusable = len(parsed.entries) - len(entries)
    if unusable:
        warnings.append(f"dropped {unusable} item(s) with no usable http(s) link")

    if not kind and not parsed.entries:
        details = [f"it starts with <{root}>" if root else "it has no XML element", problem]
        raise FeedParseError(
            f"{label} is not RSS, Atom, RDF, JSON Feed or a sitemap ({'; '.join(filter(None, details))})"
        )
    if malformed and not entries:
        raise FeedParseError(f"{label} is a broken feed: {problem}, and no complete item could be recovered")
    return ParsedFeed(
        kind=kind or "rss",
        title=_text(parsed.feed, "title"),
        link=absolute_http_url(parsed.feed.get("link", ""), url),
        entries=entries,
        warnings=warnings,
    )


def _kind(version: str, root: str) -> str:
    if version in ("rss090", "rss10") or (not version and root == "rdf"):
        return "rdf"
    if version.startswith("atom") or (not version and root == "feed"):
        return "atom"
    if version.startswith("rss") or (not version and root in ("rss", "channel")):
        return "rss"
    return ""


def _xml_problem(parsed: feedparser.FeedParserDict) -> tuple[str, bool]:
    """feedparser's bozo exception as one sentence ("" for a clean parse), and whether the XML is broken."""
    if not parsed.get("bozo"):
        return "", False
    error = parsed.get("bozo_exception")
    if isinstance(error, feedparser.CharacterEncodingOverride):
        found = parsed.get("encoding") or "a fallback encoding"
        return f"the bytes do not match the declared (or assumed) character encoding; read as {found}", False
    if isinstance(error, xml.sax.SAXParseException):
        where = f"line {error.getLineNumber()}, column {error.getColumnNumber()}"
        return f"not well-formed XML ({error.getMessage()} at {where})", True
    return f"not well-formed XML ({error})", True


def _wrong_atom_namespaces(namespaces: dict[str, str]) -> list[str]:
    """Feeds that write https:// or a trailing slash for the Atom namespace; feedparser copes, we tell."""
    found = []
    for uri in unique(list(namespaces.values())):
        normalised = re.sub(r"^https://", "http://", uri.strip().rstrip("/")).lower()
        if uri != ATOM_NAMESPACE and normalised == ATOM_NAMESPACE.lower():
            found.append(
                f"declares the Atom namespace as {uri!r} instead of {ATOM_NAMESPACE!r}; read as Atom"
            )
    return found


def _prevailing_zone(parsed: feedparser.FeedParserDict) -> tzinfo:
    """The zone the feed's dates state most often, UTC if none states one.

    A date without a zone ("Sat, Dec 16 2023 02:02:33 PM" next to "… 00:58:40 -0500") is most
    likely on the same publisher's clock as its neighbours.
    """
    offsets = Counter(
        zone.utcoffset(None)
        for element in [parsed.feed, *parsed.entries]
        for field in ("published", "updated")
        if (zone := stated_zone(element.get(field)))
    )
    return timezone(offsets.most_common(1)[0][0]) if offsets else UTC


def _date(raw: feedparser.FeedParserDict, field: str, zone: tzinfo) -> datetime | None:
    """feedparser's UTC reading of the date, else our own (zoneless dates in `zone`).

    Ours first for AM/PM, which feedparser ignores, and for a date that states no zone, which
    feedparser reads as UTC; ours also reads dates feedparser gives up on ("Seg, 24 Set 2018 …").
    """
    text = raw.get(field)
    if (has_twelve_hour_clock(text) or states_no_zone(text)) and (ours := parse_date(text, zone)):
        return ours
    parsed_time: time.struct_time | None = raw.get(f"{field}_parsed")
    if parsed_time:
        try:
            return datetime(*parsed_time[:6], tzinfo=UTC)
        except (TypeError, ValueError):
            pass
    return parse_date(text, zone)


def _text(element: feedparser.FeedParserDict, field: str) -> str:
    """A title or summary read as its type says; a tag name in plain text would hide the rest as markup.

    Atom gives the type; for RSS, feedparser calls a field HTML only when its tags close (or it has
    entities) and are all known elements, so "std::vector<int>" or "the <script> tag" stay text.
    """
    value = element.get(field, "")
    if "html" in ((element.get(f"{field}_detail") or {}).get("type") or "html"):
        return plain_text(value)
    return clean_text(value)


def _content_html(raw: feedparser.FeedParserDict, base_url: str) -> str:
    """The longest body the item carries: content:encoded / Atom content, else the description."""
    bodies = []
    for detail in [*raw.get("content", []), raw.get("summary_detail")]:
        if not detail or not (detail.get("value") or "").strip():
            continue
        value = detail["value"]
        bodies.append(value if "html" in (detail.get("type") or "html") else text_as_html(value))
    return absolute_links_in_html(max(bodies, key=len, default=""), base_url)


def _image(raw: feedparser.FeedParserDict, base_url: str) -> str:
    candidates = []
    for enclosure in raw.get("enclosures", []):
        href, media_type = enclosure.get("href", ""), enclosure.get("type", "")
        if media_type.startswith("image/") or (not media_type and _IMAGE_EXTENSION.search(href)):
            candidates.append(href)
    for media in raw.get("media_content", []):
        href, media_type, medium = media.get("url", ""), media.get("type", ""), media.get("medium", "")
        if medium == "image" or media_type.startswith("image/"):
            candidates.append(href)
        elif not medium and not media_type and not _AUDIO_VIDEO_EXTENSION.search(href):
            candidates.append(href)  # The Guardian and others give bare <media:content url=… width=…/>.
    candidates.extend(thumbnail.get("url", "") for thumbnail in raw.get("media_thumbnail", []))
    for candidate in candidates:
        if image := absolute_http_url(candidate, base_url):
            return image
    return ""


def _authors(raw: feedparser.FeedParserDict) -> list[str]:
    names = [author.get("name") or author.get("email") or "" for author in raw.get("authors", [])]
    # RSS has one <author>/<dc:creator> per item in practice, so co-authors share one byline.
    bylines = [plain_text(name) for name in names] or [plain_text(raw.get("author", ""))]
    return unique([name for byline in bylines for name in byline_names(byline)])


def _entry(raw: feedparser.FeedParserDict, base_url: str, kind: str, zone: tzinfo) -> FeedEntry | None:
    # FeedBurner rewrites links through its tracker and keeps the publisher's URL in origLink.
    url = absolute_http_url(raw.get("feedburner_origlink") or raw.get("link"), base_url)
    if not url:
        return None
    published, updated = _date(raw, "published", zone), _date(raw, "updated", zone)
    if published is None and kind in ("rss", "rdf"):
        # RSS 1.0 dates items only with dc:date, which feedparser files under "updated".
        published = updated
    return FeedEntry(
        url=url,
        guid=(raw.get("id") or "").strip(),
        title=_text(raw, "title"),
        summary=_text(raw, "summary"),
        content_html=_content_html(raw, base_url),
        published=published,
        updated=updated,
        authors=_authors(raw),
        tags=unique([tag.get("term") or tag.get("label") or "" for tag in raw.get("tags", [])]),
        image=_image(raw, base_url),
    )

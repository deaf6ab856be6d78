"""Cheap looks at the first bytes: which format is this, and is it a feed at all?"""

import re
import zlib

from .results import FeedParseError

# Sitemaps may be 50 MB uncompressed by the protocol; anything far beyond is not a feed.
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024

FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel", "urlset", "sitemapindex"})
SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
HTML_ROOTS = frozenset({"html", "head", "body"})
_FEED_MEDIA_TYPES = re.compile(r"(rss|atom|rdf|feed\+json|jsonfeed|[/+]xml\b)", re.IGNORECASE)

_LEADING_MARKUP = re.compile(
    rb"\A(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*",
    re.DOTALL | re.IGNORECASE,
)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[\w.\-]+)?)")
_HTML_DOCTYPE = re.compile(rb"<!DOCTYPE\s+html", re.IGNORECASE)
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def gunzip_if_compressed(content: bytes) -> bytes:
    """Sitemaps are often served as .xml.gz files (not Content-Encoding), so the body itself is gzip."""
    if not content.startswith(b"\x1f\x8b"):
        return content
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        inflated = inflater.decompress(content, MAX_UNCOMPRESSED_BYTES)
    except zlib.error as error:
        raise FeedParseError(f"the body is gzip data that cannot be decompressed ({error})") from error
    if inflater.unconsumed_tail:
        raise FeedParseError(f"the body decompresses to more than {MAX_UNCOMPRESSED_BYTES} bytes")
    if not inflater.eof:
        raise FeedParseError("the body is gzip data that is cut off")
    return inflated


def _ascii_view(head: bytes) -> bytes:
    """UTF-16 documents become ASCII-compatible so the byte patterns below still match."""
    if head.startswith(_UTF16_BOMS):
        return head.decode("utf-16", errors="ignore").encode("utf-8")
    return head.removeprefix(_UTF8_BOM)


def _prolog_and_root(content: bytes) -> tuple[bytes, str]:
    """The markup before the first element, and that element's lowercased local name ("" if none)."""
    head = _ascii_view(content[:_SNIFF_BYTES])
    prolog = _LEADING_MARKUP.match(head)
    prolog_end = prolog.end() if prolog else 0
    match = _FIRST_TAG.match(head, prolog_end)
    root = match.group(1).decode("ascii", errors="ignore").rpartition(":")[2].lower() if match else ""
    return head[:prolog_end], root


def root_element(content: bytes) -> str:
    """Local name of the document's first element, lowercased ("rss", "feed", "html"), or ""."""
    return _prolog_and_root(content)[1]


def is_json(content: bytes) -> bool:
    return _ascii_view(content[:_SNIFF_BYTES]).lstrip().startswith((b"{", b"["))


def is_html(content: bytes) -> bool:
    """An HTML doctype before the first element, or a page that starts like one (sloppy pages skip <html>)."""
    prolog, root = _prolog_and_root(content)
    return root in HTML_ROOTS or bool(_HTML_DOCTYPE.search(prolog))


def looks_like_feed(content: bytes, content_type: str | None) -> bool:
    """Feed or not, judged by the body first (servers mislabel feeds as text/html and pages as xml)."""
    try:
        content = gunzip_if_compressed(content)
    except FeedParseError:
        return False
    if not content.strip():
        return False
    if is_json(content):
        return b"jsonfeed.org/version" in content
    if is_html(content):
        return False
    root = root_element(content)
    if root:
        return root in FEED_ROOTS
    return bool(content_type and _FEED_MEDIA_TYPES.search(content_type))

"""Where `newsdesk extract` gets pages from: saved .html / .html.gz files or live URLs."""

import gzip
from pathlib import Path
from typing import Any

from newsdesk.extract.article import ExtractedArticle, extract_article


def is_web_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def read_page_file(path: Path) -> bytes:
    """A saved page's bytes; gzip is recognised by its magic number, not trusted from the name."""
    content = path.read_bytes()
    return gzip.decompress(content) if content[:2] == b"\x1f\x8b" else content


def extract_source(source: str, page_url: str | None = None, fetcher: Any = None) -> ExtractedArticle:
    """Extract one input: a URL (fetched with `fetcher`) or a file whose page URL is `page_url`."""
    if is_web_url(source):
        result = fetcher.get(source)
        return extract_article(result.text(), page_url or result.url)
    return extract_article(read_page_file(Path(source)), page_url)

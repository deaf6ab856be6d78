"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1)."""

import json
from typing import Any

from .cleaning import absolute_http_url, parse_date, plain_text, text_as_html, unique, xml_safe
from .results import FeedEntry, FeedParseError, ParsedFeed


def _text(value: Any) -> str:
    """A string field, without what XML cannot hold: JSON allows every control character."""
    return xml_safe(value).strip() if isinstance(value, str) else ""


def _author_names(holder: dict) -> list[str]:
    # 1.1 has "authors"; 1.0 had a single "author", which 1.1 readers still honour.
    authors = holder.get("authors")
    if not isinstance(authors, list):
        authors = [holder.get("author")]
    return unique([_text(author.get("name")) for author in authors if isinstance(author, dict)])


def _image(item: dict, base_url: str) -> str:
    for candidate in (item.get("image"), item.get("banner_image")):
        if url := absolute_http_url(_text(candidate), base_url):
            return url
    for attachment in item.get("attachments") or []:
        if isinstance(attachment, dict) and _text(attachment.get("mime_type")).startswith("image/"):
            if url := absolute_http_url(_text(attachment.get("url")), base_url):
                return url
    return ""


def _entry(item: dict, base_url: str) -> FeedEntry | None:
    url = absolute_http_url(_text(item.get("url")), base_url) or absolute_http_url(
        _text(item.get("external_url")), base_url
    )
    if not url:
        return None
    guid = item.get("id")
    content_html = _text(item.get("content_html")) or text_as_html(_text(item.get("content_text")))
    tags = item.get("tags") if isinstance(item.get("tags"), list) else []
    return FeedEntry(
        url=url,
        guid=str(guid).strip() if isinstance(guid, str | int) else "",
        title=plain_text(_text(item.get("title"))),
        summary=plain_text(_text(item.get("summary"))),
        content_html=content_html,
        published=parse_date(_text(item.get("date_published"))),
        updated=parse_date(_text(item.get("date_modified"))),
        authors=_author_names(item),
        tags=unique([tag for tag in tags if isinstance(tag, str)]),
        image=_image(item, base_url),
    )


def parse_json_feed(content: bytes, url: str = "") -> ParsedFeed:
    label = url or "the document"
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FeedParseError(f"{label} is JSON that is not UTF-8, as JSON Feed requires ({error})") from error
    except json.JSONDecodeError as error:
        raise FeedParseError(f"{label} is not valid JSON ({error})") from error
    if not isinstance(document, dict) or "jsonfeed.org/version" not in _text(document.get("version")):
        raise FeedParseError(f"{label} is JSON but not a JSON Feed (no jsonfeed.org version)")
    base_url = url or _text(document.get("feed_url"))
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedParseError(f"{label} is a JSON Feed without an 'items' list")
    feed = ParsedFeed(
        kind="json",
        title=plain_text(_text(document.get("title"))),
        link=absolute_http_url(_text(document.get("home_page_url")), base_url),
    )
    unusable = 0
    for item in items:
        entry = _entry(item, base_url) if isinstance(item, dict) else None
        if entry is None:
            unusable += 1
        else:
            feed.entries.append(entry)
    if unusable:
        feed.warnings.append(f"dropped {unusable} item(s) with no usable http(s) link")
    return feed

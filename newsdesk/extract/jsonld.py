"""schema.org article data from a page's JSON-LD blocks.

Publishers put it there for search engines, so it is often cleaner than the visible
page: real author names, exact timestamps, the full-size lead image and sometimes the
whole body. It is also often broken (trailing commas, raw newlines), so parsing is lenient,
and many CMSs HTML-escape strings before writing them into JSON (`Biden&#8217;s`), so
character references in text fields are decoded.
"""

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset({"BlogPosting", "LiveBlogPosting", "Report", "WebPage"})
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f]")
TRAILING_COMMA = re.compile(r",\s*([}\]])")
# Only complete references: html.unescape alone also reads "&not" in "&nothing" as "¬".
CHARACTER_REFERENCE = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)


@dataclass
class JsonLdArticle:
    headline: str = ""
    body: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    modified: str = ""
    image: str = ""
    description: str = ""
    url: str = ""
    language: str = ""
    site_name: str = ""
    keywords: list[str] = field(default_factory=list)


def _load(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
    try:
        return json.loads(text)
    except ValueError:
        pass
    repaired = TRAILING_COMMA.sub(r"\1", CONTROL_CHARACTERS.sub(" ", text))
    try:
        return json.loads(repaired)
    except ValueError:
        return None


def _objects(value: Any) -> Iterator[dict]:
    """Every JSON object in a JSON-LD value, walking lists and @graph arrays."""
    if isinstance(value, list):
        for item in value:
            yield from _objects(item)
    elif isinstance(value, dict):
        yield value
        graph = value.get("@graph")
        if graph is not None:
            yield from _objects(graph)


def _types(obj: dict) -> set[str]:
    declared = obj.get("@type")
    names = declared if isinstance(declared, list) else [declared]
    return {name.rsplit("/", 1)[-1] for name in names if isinstance(name, str)}


def _is_article(obj: dict) -> bool:
    types = _types(obj)
    return any(name.endswith("Article") for name in types) or bool(types & ARTICLE_TYPES)


def _unescape(text: str) -> str:
    return CHARACTER_REFERENCE.sub(lambda match: html.unescape(match.group()), text)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return _unescape(value).strip()
    if isinstance(value, list) and value:
        return _text(value[0])
    if isinstance(value, dict):
        return _text(value.get("@value") or value.get("name"))
    return ""


def _names(value: Any) -> list[str]:
    """Author names from a string, a Person/Organization object or a list of either."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if name and name not in names and not name.startswith(("http://", "https://")):
            names.append(name)
    return names


def _image_url(value: Any) -> str:
    """The first image URL from a string, an ImageObject or a list of either."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        for item in value:
            if url := _image_url(item):
                return url
        return ""
    if isinstance(value, dict):
        return _image_url(value.get("url") or value.get("contentUrl") or "")
    return ""


def _keywords(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    return [_unescape(item).strip() for item in items if isinstance(item, str) and item.strip()]


def _page_url(obj: dict) -> str:
    main_entity = obj.get("mainEntityOfPage")
    if isinstance(main_entity, dict):
        main_entity = main_entity.get("@id") or main_entity.get("url")
    url = _text(obj.get("url")) or _text(main_entity)
    return url if url.startswith(("http://", "https://")) else ""


def _score(obj: dict) -> tuple[bool, bool, int]:
    """Prefer real article types over WebPage, then objects that carry a body, then longer bodies."""
    types = _types(obj)
    return (types != {"WebPage"}, bool(obj.get("articleBody")), len(_text(obj.get("articleBody"))))


def find_article(tree: HtmlElement) -> JsonLdArticle | None:
    """The page's main article object, or None when the page declares none."""
    candidates = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        candidates.extend(obj for obj in _objects(_load(script.text or "")) if _is_article(obj))
    if not candidates:
        return None
    obj = max(candidates, key=_score)
    publisher = obj.get("publisher")
    # A plain WebPage's name is the <title>, site name and all; the page's other titles are better.
    name = obj.get("name") if _types(obj) != {"WebPage"} else None
    return JsonLdArticle(
        headline=_text(obj.get("headline") or name),
        body=_text(obj.get("articleBody")),
        authors=_names(obj.get("author") or obj.get("creator")),
        published=_text(obj.get("datePublished") or obj.get("dateCreated")),
        modified=_text(obj.get("dateModified")),
        image=_image_url(obj.get("image") or obj.get("thumbnailUrl")),
        description=_text(obj.get("description")),
        url=_page_url(obj),
        language=_text(obj.get("inLanguage")),
        site_name=_text(publisher.get("name")) if isinstance(publisher, dict) else _text(publisher),
        keywords=_keywords(obj.get("keywords")),
    )

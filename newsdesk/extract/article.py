"""Turning one publisher page into an article: body text, safe HTML and metadata."""

import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

import lxml.etree
import lxml.html
import trafilatura
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura.settings import Document
from trafilatura.utils import HTML_PARSER, load_html, repair_faulty_html

from newsdesk.extract.body import Block, blocks_of, drop_furniture, inline_text, keep_supported, normalise
from newsdesk.extract.jsonld import JsonLdArticle, find_article
from newsdesk.ingest.fetch import decode_body
from newsdesk.safe_html import absolute_web_url, sanitize_html

# A JSON-LD body shorter than this is a teaser, not something to publish on its own.
MIN_JSONLD_BODY_CHARS = 200
MAX_CAPTION_CHARS = 300
HTML_TAGS = {
    "p": "p",
    "list": "ul",
    "item": "li",
    "quote": "blockquote",
    "lb": "br",
    "ref": "a",
    "graphic": "img",
}
EMPHASIS_TAGS = {"#b": "b", "#i": "i"}
LONE_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")
# trafilatura's parser with lxml's C class lookup in place of lxml.html's Python one, which runs
# for every element either extraction pass touches (~5 % of extract_article's CPU). Only <form>,
# <input>, <select>, <textarea> and <label> lose their HtmlElement subclasses, which nothing here
# or in trafilatura uses.
PAGE_PARSER = HTML_PARSER.copy()
PAGE_PARSER.set_element_class_lookup(
    lxml.etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


# <meta> contents by property= and by name=, in page order.
MetaTags = dict[str, list[str]]


class ExtractionError(ValueError):
    """The page has no article body we can find."""


@dataclass
class ExtractedArticle:
    url: str
    canonical_url: str
    title: str
    text: str
    html: str
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    # The page gave only a day: `published` is its midnight UTC, not a time the story went out.
    published_date_only: bool = False
    modified: datetime | None = None
    image: str = ""
    language: str = ""
    site_name: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)

    def to_json(self, input: str) -> dict:
        """The `newsdesk extract` output object for this article."""
        return {
            "input": input,
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "text": self.text,
            "html": self.html,
            "authors": self.authors,
            "published": self.published.isoformat() if self.published else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "image": self.image,
            "language": self.language,
            "site_name": self.site_name,
            "description": self.description,
            "tags": self.tags,
        }


def parse_datetime(value: str | None) -> datetime | None:
    """A timezone-aware datetime from ISO 8601 or RFC 2822 text; a bare date means midnight UTC."""
    return _parse_datetime(value)[0]


def _parse_datetime(value: str | None) -> tuple[datetime | None, bool]:
    """parse_datetime, and whether the text gave only a day (so midnight is not a time)."""
    value = (value or "").strip()
    if not value:
        return None, False
    date_only = False
    try:
        parsed = datetime.fromisoformat(value)
        date_only = "T" not in value.upper() and " " not in value
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            try:
                parsed = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
                date_only = True
            except ValueError:
                return None, False
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)), date_only


def parse_page(text: str) -> HtmlElement | None:
    """The tree trafilatura's load_html builds from `text`, built with PAGE_PARSER.

    A page that needs any of load_html's fallbacks (encoding declaration, empty or dubious
    parse) goes through load_html itself.
    """
    beginning = text[:50].lower()
    try:
        tree = lxml.html.fromstring(repair_faulty_html(text, beginning), parser=PAGE_PARSER)
    except (ValueError, lxml.etree.LxmlError):
        return load_html(text)
    if len(tree) < 1 or ("html" not in beginning and len(tree) < 2):
        return load_html(text)
    return tree


def _meta_tags(tree: HtmlElement) -> MetaTags:
    """The page's <meta> contents, read in one pass rather than one pass per lookup."""
    contents: MetaTags = {}
    for meta in tree.xpath("//meta[@content]"):
        for key in {meta.get("property"), meta.get("name")} - {None}:
            contents.setdefault(key, []).append(meta.get("content"))
    return contents


def _meta(meta_tags: MetaTags, *names: str) -> str:
    """The first non-empty <meta> content among `names` (property= or name=)."""
    for name in names:
        for value in meta_tags.get(name, ()):
            if value.strip():
                return value.strip()
    return ""


def _microdata(tree: HtmlElement, prop: str) -> str:
    """The first value of schema.org microdata `prop` (`<time datetime>`, `<meta content>`).

    The first only: teasers of other stories further down may carry the same property.
    """
    holders = "//*[@itemprop][contains(concat(' ', normalize-space(@itemprop), ' '), $p)]"
    values = tree.xpath(f"{holders}/@datetime | {holders}/@content", p=f" {prop} ")
    return next((value.strip() for value in values if value.strip()), "")


def _published(
    tree: HtmlElement, meta_tags: MetaTags, jsonld: JsonLdArticle, document: Document
) -> tuple[datetime | None, bool]:
    """The first publication time that has a time of day, else the first bare day (flagged date-only).

    trafilatura's date is only ever a day; the page's own markup usually has the time.
    """
    values = [jsonld.published, _meta(meta_tags, "article:published_time"), _microdata(tree, "datePublished")]
    parsed = [result for result in map(_parse_datetime, [*values, document.date]) if result[0]]
    return next((result for result in parsed if not result[1]), parsed[0] if parsed else (None, False))


def _canonical(tree: HtmlElement, meta_tags: MetaTags) -> str:
    for href in tree.xpath('//link[@rel="canonical"]/@href'):
        if href.strip():
            return href.strip()
    return _meta(meta_tags, "og:url")


def _language(tree: HtmlElement, meta_tags: MetaTags, jsonld: JsonLdArticle) -> str:
    """The primary language subtag the page declares ("en" for en-GB), lowercased."""
    declared = (
        "".join(tree.xpath("/html/@lang")).strip()
        or _meta(meta_tags, "og:locale", "language", "content-language")
        or jsonld.language
    )
    return declared.replace("_", "-").split("-")[0].lower()


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        value = normalise(value)
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return list(seen.values())


def _without_stray_prefix(tags: list[str]) -> list[str]:
    """Tags with a CMS's stray one-letter prefix removed.

    The Washington Times writes "b Politics , b Donald Trump": when half or more of a page's tags
    start with the same lone consonant and a space, that letter is not part of any of them. Vowels
    and other scripts' letters are left alone: "a cappella", "y Gobierno", "в Москве" are words.
    """
    prefixes = Counter(
        tag[:2] for tag in tags if len(tag) > 2 and tag[0] in LONE_CONSONANTS and tag[1] == " "
    )
    if not prefixes:
        return tags
    prefix, count = prefixes.most_common(1)[0]
    if count * 2 < len(tags):
        return tags
    return [tag[2:] if tag.startswith(prefix) else tag for tag in tags]


def _figure_before(element: lxml.etree._Element, body_texts: set[str]) -> lxml.etree._Element | None:
    """The image that directly precedes `element`, with its caption if one sits between.

    A caption is text the text-only extraction left out; anything it kept and our rules
    dropped (a teaser, a bio) must not come back as a caption.
    """
    previous = element.getprevious()
    caption = None
    if previous is not None and previous.tag != "graphic":
        caption_text = normalise(inline_text(previous))
        if caption_text in body_texts or len(caption_text) > MAX_CAPTION_CHARS:
            return None
        caption, previous = caption_text, previous.getprevious()
    if previous is None or previous.tag != "graphic" or not previous.get("src"):
        return None
    figure = lxml.etree.Element("figure")
    figure.append(copy.deepcopy(previous))
    if caption:
        lxml.etree.SubElement(figure, "figcaption").text = caption
    return figure


def _with_links_and_images(
    blocks: list[Block], all_blocks: list[Block], linked_body: lxml.etree._Element | None
) -> list[lxml.etree._Element]:
    """The chosen blocks as they appear in the extraction that kept links and images.

    That extraction selects text less well (it is measured worse), so it only lends
    markup: a block takes its linked twin when their texts are equal, and an image comes
    along when it directly precedes a chosen block (perhaps with its caption between).
    """
    twins: dict[str, list[lxml.etree._Element]] = {}
    for twin in blocks_of(linked_body):
        twins.setdefault(twin.text, []).append(twin.element)
    body_texts = {block.text for block in all_blocks}
    elements = []
    for block in blocks:
        candidates = twins.get(block.text)
        if not candidates:
            elements.append(block.element)
            continue
        twin = candidates.pop(0)
        if (figure := _figure_before(twin, body_texts)) is not None:
            elements.append(figure)
        elements.append(twin)
    return elements


def _html_of(elements: list[lxml.etree._Element], base_url: str | None) -> str:
    """trafilatura's XML blocks as HTML, then through the sanitiser."""
    parts = []
    for original in elements:
        element = copy.deepcopy(original)
        for node in element.iter():
            if node.tag == "head":
                level = max(2, int((node.get("rend") or "h2")[1:] or 2))
                node.tag = f"h{min(level, 6)}"
            elif node.tag == "hi":
                node.tag = EMPHASIS_TAGS.get(node.get("rend", ""), "span")
            elif node.tag == "ref":
                node.set("href", node.get("target", ""))
            elif node.tag == "list" and node.get("rend") == "ol":
                node.tag = "ol"
            node.tag = HTML_TAGS.get(node.tag, node.tag)
        element.tail = None
        parts.append(lxml.etree.tostring(element, encoding="unicode", with_tail=False))
    return sanitize_html("".join(parts), base_url)


def _body_from_jsonld(jsonld: JsonLdArticle) -> list[Block]:
    blocks = []
    for paragraph in jsonld.body.split("\n"):
        if text := normalise(paragraph):
            element = lxml.etree.Element("p")
            element.text = text
            blocks.append(Block(element, text))
    return blocks


def extract_article(html: str | bytes, url: str | None = None) -> ExtractedArticle:
    """Main text, sanitised body HTML and metadata of one article page.

    `url` is where the page lives; it resolves relative links and is the fallback for
    the canonical URL. Raises ExtractionError when no article body can be found.
    """
    text = html if isinstance(html, str) else decode_body(html)[0]
    if not text.strip():
        raise ExtractionError("the page is empty")
    # Parsed once, the way trafilatura parses; each extraction below works on its own copy.
    tree = parse_page(text)
    if tree is None:
        raise ExtractionError("the page is not parseable HTML")
    jsonld = find_article(tree) or JsonLdArticle()
    meta_tags = _meta_tags(tree)
    options = {
        "url": url,
        "include_comments": False,
        "include_tables": False,
        "include_formatting": True,
        # Only the body tree is read here: any format but "python" spares rendering it as text.
        "output_format": "xml",
    }
    document = trafilatura.bare_extraction(tree, with_metadata=True, **options) or Document()
    title = jsonld.headline or document.title or _meta(meta_tags, "og:title")
    authors = jsonld.authors or _unique((document.author or "").split(";"))

    all_blocks = blocks = blocks_of(document.body)
    if blocks:
        blocks = drop_furniture(blocks, [title, document.title or "", _meta(meta_tags, "og:title")], authors)
        if len(jsonld.body) >= MIN_JSONLD_BODY_CHARS:
            blocks = keep_supported(blocks, jsonld.body)
    if not blocks and len(jsonld.body) >= MIN_JSONLD_BODY_CHARS:
        blocks = _body_from_jsonld(jsonld)
    if not blocks:
        raise ExtractionError("no article body found on the page")

    # Only lends markup to blocks already chosen, so the fast mode (no readability/justext
    # comparison) is enough: a block it misses keeps its plain twin.
    linked = (
        trafilatura.bare_extraction(tree, fast=True, include_links=True, include_images=True, **options)
        or Document()
    )
    canonical = absolute_web_url(_canonical(tree, meta_tags) or jsonld.url, url) or url or ""
    base_url = url or canonical or None
    image = jsonld.image or document.image or _meta(meta_tags, "og:image", "twitter:image")
    published, published_date_only = _published(tree, meta_tags, jsonld, document)
    modified = jsonld.modified or _meta(meta_tags, "article:modified_time", "og:updated_time")
    # trafilatura's tags, like meta keywords, may be one "a,b,c" string; JSON-LD lists are split already.
    page_tags = document.tags or [_meta(meta_tags, "news_keywords", "keywords")]
    keywords = jsonld.keywords or [keyword for tags in page_tags for keyword in tags.split(",")]
    return ExtractedArticle(
        url=url or canonical,
        canonical_url=canonical,
        title=normalise(title),
        text="\n\n".join(paragraph for block in blocks for paragraph in block.paragraphs),
        html=_html_of(_with_links_and_images(blocks, all_blocks, linked.body), base_url),
        authors=authors,
        published=published,
        published_date_only=published_date_only,
        modified=parse_datetime(modified),
        image=absolute_web_url(image, base_url) or "",
        language=_language(tree, meta_tags, jsonld),
        # trafilatura lets a longer JSON-LD publisher name win, and some Organization names are taglines.
        site_name=normalise(_meta(meta_tags, "og:site_name") or jsonld.site_name or document.sitename or ""),
        description=normalise(document.description or jsonld.description),
        tags=_unique(_without_stray_prefix([normalise(keyword) for keyword in keywords])),
    )

"""Small normalisers shared by the format readers."""

import email.utils
import html
import re
from datetime import UTC, datetime, tzinfo
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table td th tr ul".split()
)
_INVISIBLE_TAGS = frozenset({"script", "style", "template", "noscript"})
_WHITESPACE = re.compile(r"\s+")
# What XML 1.0 forbids (C0 controls but tab and line breaks, and two non-characters). Feeds carry
# them now and then; one in a stored title would break every RSS feed of ours that lists it.
_XML_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE_TAGS and self._hidden_depth:
            self._hidden_depth -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def plain_text(markup: str | None) -> str:
    """Tags and entities out, whitespace collapsed: feeds mix escaped HTML into 'plain' fields freely."""
    if not markup:
        return ""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return clean_text("".join(collector.parts))


def clean_text(text: str | None) -> str:
    """Text that is not markup, kept as written: "the <template> element" is a title, not a tag."""
    return _WHITESPACE.sub(" ", xml_safe(text or "")).strip()


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold."""
    return _XML_ILLEGAL_CHARACTERS.sub("", text)


def text_as_html(text: str) -> str:
    """Plain-text bodies as escaped paragraphs, so one field (content_html) always holds the body."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(f"<p>{html.escape(part)}</p>" for part in paragraphs)


def absolute_http_url(link: str | None, base_url: str) -> str:
    """The link made absolute against the feed's URL, or "" when it cannot lead to a web page."""
    link = (link or "").strip()
    if not link:
        return ""
    if base_url:
        link = urljoin(base_url, link)
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return link


_RELATIVE_REFERENCE = re.compile(
    r"""\b(?:href|src|srcset|poster)\s*=\s*["']?\s*(?![a-z][a-z0-9+.\-]*:)""", re.I
)


def absolute_links_in_html(markup: str, base_url: str) -> str:
    """Relative href/src made absolute, so a body stays correct when shown away from the feed's site."""
    if not markup or not base_url or not _RELATIVE_REFERENCE.search(markup):
        return markup
    try:
        wrapper = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return markup
    wrapper.make_links_absolute(base_url, resolve_base_href=False, handle_failures="ignore")
    children = "".join(lxml.html.tostring(child, encoding="unicode") for child in wrapper)
    return html.escape(wrapper.text or "", quote=False) + children


def as_utc(moment: datetime, assumed_zone: tzinfo = UTC) -> datetime:
    """Feeds that omit the zone almost always mean UTC; comparing naive and aware datetimes would crash."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=assumed_zone)
    return moment.astimezone(UTC)


# Month abbreviations of RSS dates written in the publisher's language ("Seg, 24 Set 2018 19:42:40 -0300"),
# by their first three letters; pt, es, fr, de and it cover the localised dates seen in real feeds.
_LOCAL_MONTHS = {
    **dict.fromkeys(["jan", "ene", "gen"], "Jan"),
    **dict.fromkeys(["feb", "fev", "fév"], "Feb"),
    **dict.fromkeys(["mar", "mär", "mrz"], "Mar"),
    **dict.fromkeys(["apr", "abr", "avr"], "Apr"),
    **dict.fromkeys(["may", "mai", "mag"], "May"),
    **dict.fromkeys(["jun", "giu"], "Jun"),
    **dict.fromkeys(["jul", "lug"], "Jul"),
    **dict.fromkeys(["aug", "ago", "aoû", "aou"], "Aug"),
    **dict.fromkeys(["sep", "set"], "Sep"),
    **dict.fromkeys(["oct", "out", "okt", "ott"], "Oct"),
    **dict.fromkeys(["nov"], "Nov"),
    **dict.fromkeys(["dec", "dez", "dic", "déc"], "Dec"),
}
_LOCAL_RFC822 = re.compile(
    r"^(?:[^\W\d]+\.?,?\s+)?(\d{1,2})\s+([^\W\d]+)\.?\s+(\d{4})\s+(\d{1,2}:\d{2}(?::\d{2})?)\s*(.*)$"
)


def _english_rfc822(text: str) -> str:
    match = _LOCAL_RFC822.match(text)
    if not match:
        return text
    day, month, year, clock, zone = match.groups()
    month = month.lower()
    english = {"juin": "Jun", "juil": "Jul"}.get(month[:4]) or _LOCAL_MONTHS.get(month[:3])
    return f"{day} {english} {year} {clock} {zone}".strip() if english else text


# "02:02:33 PM", "2:02 p.m.": feedparser reads the clock and drops the marker, 12 hours early after noon.
_TWELVE_HOUR_CLOCK = re.compile(r"\b(\d{1,2})(:\d{2}(?::\d{2})?)\s*([ap])\.?m\.?(?!\w)", re.IGNORECASE)


def has_twelve_hour_clock(text: str | None) -> bool:
    return bool(_TWELVE_HOUR_CLOCK.search(text or ""))


def _on_24_hour_clock(match: re.Match) -> str:
    hour = int(match[1])
    if not 1 <= hour <= 12:
        return match[0]
    return f"{hour % 12 + (12 if match[3].lower() == 'p' else 0):02d}{match[2]}"


def _read_date(text: str | None) -> datetime | None:
    """The date as written: aware when the text gives a zone, naive when it does not."""
    text = _TWELVE_HOUR_CLOCK.sub(_on_24_hour_clock, (text or "").strip())
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(_english_rfc822(text))
    except (TypeError, ValueError, IndexError):
        return None


def parse_date(text: str | None, assumed_zone: tzinfo = UTC) -> datetime | None:
    """W3C/RFC 3339 dates (sitemaps, JSON Feed), RFC 822 ones, also in a few languages or with AM/PM,
    in UTC (`assumed_zone` for one that states none); None if unreadable.
    """
    moment = _read_date(text)
    return as_utc(moment, assumed_zone) if moment else None


def stated_zone(text: str | None) -> tzinfo | None:
    """The zone a date is written with, None when it gives none (or cannot be read)."""
    moment = _read_date(text)
    return moment.tzinfo if moment else None


def states_no_zone(text: str | None) -> bool:
    """A readable date written without any zone ("2023-12-16 14:02:33", "Sat, 16 Dec 2023 14:02").

    RFC 822's "-0000" reads as zoneless too, but feeds write it to mean UTC: it counts as a zone.
    """
    moment = _read_date(text)
    return moment is not None and moment.tzinfo is None and "-0000" not in (text or "")


_BYLINE_SEPARATOR = re.compile(r"\s*(?:,|&|\band\b)\s*", re.IGNORECASE)
_BY = re.compile(r"^by\s+", re.IGNORECASE)
# "A and B, Financial Times": a comma after the last "and" brings an affiliation, not a co-author.
_AFFILIATION_AFTER_LIST = re.compile(r"(?:\band\b|&)[^,]*,", re.IGNORECASE)
_IN_PLACE = re.compile(r"\s+in\s+")
# Lower-case parts of names ("Michael J. de la Merced"), not counted as words of the name.
_NAME_PARTICLES = frozenset("al bin da das de del della der di dos du el la le van von y".split())


def _looks_like_name(text: str) -> bool:
    """2-4 capitalised words ending in a surname: not "Staff", "Reuters", "K. L." or "The Conversation"."""
    words = [word for word in text.split() if word.lower() not in _NAME_PARTICLES]
    return (
        2 <= len(words) <= 4
        and all(word[0].isupper() for word in words)
        and words[0].lower() != "the"
        and len(words[-1].replace(".", "")) > 1
    )


def _without_place(part: str) -> str:
    """A dateline is not part of the name: "David Smith in Washington" is David Smith."""
    pieces = _IN_PLACE.split(part, maxsplit=1)
    return pieces[0] if len(pieces) == 2 and pieces[1][:1].isupper() else part


def byline_names(byline: str) -> list[str]:
    """The people one byline names, so each is an author of their own.

    "By Ed Pilkington in Orlando and Jessica Elgot" gives two names; a byline with any part that
    does not look like a name ("Staff and agencies", "Smith, J.") is kept whole.
    """
    byline = _BY.sub("", byline.strip())
    if _AFFILIATION_AFTER_LIST.search(byline):
        return [byline]
    parts = [_without_place(part) for part in _BYLINE_SEPARATOR.split(byline) if part]
    return parts if parts and all(map(_looks_like_name, parts)) else [byline]


def unique(values: list[str]) -> list[str]:
    """Stripped, non-empty, first occurrence kept."""
    seen: dict[str, None] = {}
    for value in values:
        value = (value or "").strip()
        if value:
            seen.setdefault(value, None)
    return list(seen)


def untrusted_xml(content: bytes, label: str, error: type[Exception]) -> tuple[etree._Element, str]:
    """The root of XML from an untrusted server and the first error read past ("" if well formed);
    `error` saying why when `label` cannot be read at all.

    No entity expansion, no network, no DTD loading; broken markup is recovered where it can be.
    """
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as problem:
        raise error(f"{label} is not readable XML ({problem})") from problem
    if root is None:
        raise error(f"{label} is not readable XML ({parser.error_log.last_error})")
    return root, parser.error_log[0].message.strip() if parser.error_log else ""


def local_name(element: etree._Element) -> str:
    """An element's tag without its namespace, lower-cased ("" for comments and processing instructions)."""
    tag = element.tag
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""

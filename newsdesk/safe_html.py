"""One HTML allowlist for everything we re-publish (article bodies now, comments later).

Publisher HTML is untrusted: only structural tags survive, links and images must be
absolute http(s) URLs, and every link is marked nofollow/noopener.
"""

import re
from urllib.parse import urljoin, urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "a",
        "figure",
        "figcaption",
        "img",
        "b",
        "i",
        "em",
        "strong",
        "br",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
WEB_SCHEMES = frozenset({"http", "https"})
# What a page's script wrote where it had no URL (src="undefined"): resolved, a broken address.
PLACEHOLDER_URLS = frozenset({"", "undefined", "null", "none"})
# Tags whose content is never reader text; everything else unknown is unwrapped, keeping its text.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg"}
)
# After nh3 the markup is normalised, so these simple patterns are exact.
IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
# Every image needs an alt for screen readers: one the publisher left out becomes empty (the
# image's caption, when there is one, describes it in the text).
IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")
EMPTY_BLOCK = re.compile(r"<(p|li|figcaption|h[2-6]|blockquote)>\s*</\1>")


def absolute_web_url(value: str, base_url: str | None) -> str | None:
    """`value` resolved against `base_url`, or None unless the result is an http(s) URL."""
    value = value.strip()
    if not value:
        return None
    resolved = urljoin(base_url, value) if base_url else value
    parts = urlsplit(resolved)
    return resolved if parts.scheme.lower() in WEB_SCHEMES and parts.netloc else None


def sanitize_html(html: str, base_url: str | None) -> str:
    """Clean `html` down to the allowlist; relative links resolve against `base_url`."""

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) in {("a", "href"), ("img", "src")}:
            if value.strip().lower() in PLACEHOLDER_URLS:
                return None
            return absolute_web_url(value, base_url)
        return value

    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=filter_attribute,
        url_schemes=set(WEB_SCHEMES),
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    cleaned = with_image_alts(IMAGE_WITHOUT_SOURCE.sub("", cleaned))
    return EMPTY_BLOCK.sub("", cleaned).strip()


def with_image_alts(cleaned_html: str) -> str:
    """Sanitised HTML whose images all carry an alt, empty where the publisher gave none."""
    return IMAGE_WITHOUT_ALT.sub('<img alt=""', cleaned_html)

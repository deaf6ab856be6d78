"""Comment text → HTML: plain text with links and emphasis, nothing else.

Readers type plain text. We escape all of it first and only then add the few
tags we generate ourselves (paragraphs, line breaks, <em>, <strong>, <a>), so no
markup a reader types can ever reach the page. nh3 runs last as a second wall:
if this module ever has a bug, the allowlist still holds.
"""

import html
import re

import nh3

from newsdesk.safe_html import WEB_SCHEMES, absolute_web_url

COMMENT_TAGS = frozenset({"p", "br", "a", "em", "strong"})
LINK_REL = "nofollow ugc"
# [text](https://...) or a bare http(s) URL; quotes and angle brackets never belong to a URL,
# parentheses only in balanced pairs ("wiki/Ferry_(boat)").
LINK = re.compile(
    r"\[(?P<text>[^\]\n]{1,200})\]\((?P<target>https?://(?:[^\s<>\"'()]|\([^\s<>\"'()]*\))+)\)"
    r"|(?P<bare>https?://[^\s<>\"']+)",
    re.IGNORECASE,
)
# A bare URL at the end of a sentence keeps its full stop outside.
TRAILING_PUNCTUATION = ".,;:!?)]}'\""
STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def plain_text(body: str) -> str:
    """`body` with every line break as one "\n": browsers send a textarea's as CRLF, but its
    maxlength counts each as one character, and so must our limit."""
    return body.replace("\r\n", "\n").replace("\r", "\n")


def render_comment(body: str) -> str:
    """The sanitised HTML for a comment `body`."""
    text = plain_text(body).strip()
    paragraphs = [part.strip() for part in PARAGRAPH_BREAK.split(text) if part.strip()]
    rendered = "".join(f"<p>{_render_inline(part)}</p>" for part in paragraphs)
    return nh3.clean(
        rendered,
        tags=set(COMMENT_TAGS),
        attributes={"a": {"href"}},
        url_schemes=set(WEB_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def links_in(body: str) -> list[str]:
    """The web addresses `body` links to (held for review when a new account posts them)."""
    found = []
    for match in LINK.finditer(body):
        url = match.group("target") or _split_trailing(match.group("bare"))[0]
        if absolute_web_url(url, None):
            found.append(url)
    return found


def _render_inline(paragraph: str) -> str:
    pieces, position = [], 0
    for match in LINK.finditer(paragraph):
        pieces.append(_render_text(paragraph[position : match.start()]))
        if match.group("bare"):
            url, trailing = _split_trailing(match.group("bare"))
            pieces.append(_anchor(url, url) + _render_text(trailing))
        else:
            pieces.append(_anchor(match.group("target"), match.group("text")))
        position = match.end()
    pieces.append(_render_text(paragraph[position:]))
    return "".join(pieces)


def _render_text(text: str) -> str:
    escaped = html.escape(text, quote=True)
    escaped = STRONG.sub(r"<strong>\1</strong>", escaped)
    escaped = EMPHASIS.sub(lambda match: f"<em>{match.group(1) or match.group(2)}</em>", escaped)
    return escaped.replace("\n", "<br>")


def _anchor(url: str, text: str) -> str:
    if not absolute_web_url(url, None):
        return html.escape(text)
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


def _split_trailing(url: str) -> tuple[str, str]:
    """Punctuation ending a sentence stays outside, but not a ")" that closes one in the URL."""
    end = len(url)
    while end and url[end - 1] in TRAILING_PUNCTUATION:
        if url[end - 1] == ")" and url.count("(", 0, end) >= url.count(")", 0, end):
            break
        end -= 1
    return url[:end], url[end:]

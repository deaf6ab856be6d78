"""Choosing the article's own paragraphs among what trafilatura kept.

trafilatura finds the main content well but lets through page furniture that sits
inside it: the repeated headline, teaser cards of other stories, "Read more" and
sign-up prompts, author bios, embedded posts. Each rule here removes one such kind
and is checked against the fundus-eval ground truth (see docs/quality.md).
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from lxml.etree import _Element

TOKEN = re.compile(r"\w+")
SPACES = re.compile(r"\s+")
# Prompts that open a short block; no news paragraph starts this way.
PROMPT = re.compile(
    r"^(?:read (?:more|next|the full)|click here|sign up|subscribe (?:to|now|today)"
    r"|join (?:our|the) (?:commenting|conversation)|follow us|share this|download (?:the|our) .{0,40}app"
    r"|our standards:|want to bookmark"
    r"|copyright ©|© \d{4})",
    re.IGNORECASE,
)
# Section labels, which are boilerplate only when they are the whole block.
LABEL = re.compile(
    r"^(?:advertisement|popular|most (?:read|popular|viewed)|recommended(?: for you)?|related(?: content"
    r"| coverage| articles?| stories| video)?|more (?:from|on) .{1,40}|trending(?: now)?)\W*$",
    re.IGNORECASE,
)
BOILERPLATE_MAX_CHARS = 200
EMBEDDED_POST_BYLINE = re.compile(r"^[—–-]\s*.{1,80}\(@\w{1,30}\)\s+\w+ \d{1,2}, \d{4}$")
BIO_VERB = re.compile(r"\b(?:is|was) (?:a|an|the)\b")
BIO_NOUN = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|journalist|columnist|author|contributor|producer)\b",
    re.IGNORECASE,
)
BIO_MAX_CHARS = 700
SHOUTED_MIN_WORDS = 4
# A block counts as present in the JSON-LD body when this share of its shingles is there.
SUPPORTED_SHARE = 0.5
# A JSON-LD body that leaves out a paragraph this long is an abridgement, not the article.
ABRIDGED_PARAGRAPH_WORDS = 40
# Section headings are short; longer unsupported headings are teaser headlines.
SECTION_HEADING_WORDS = 8
SHINGLE = 4


@dataclass
class Block:
    """One top-level element of trafilatura's output tree with its reader text."""

    element: _Element
    text: str

    @cached_property
    def words(self) -> list[str]:
        """The text's tokens, which several rules compare."""
        return tokens(self.text)

    @property
    def paragraphs(self) -> list[str]:
        """Reader paragraphs: one per list item, otherwise the block as a whole."""
        if self.element.tag == "list":
            items = [normalise(inline_text(item)) for item in self.element.iter("item")]
            return [item for item in items if item]
        return [self.text] if self.text else []


def normalise(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def inline_text(element: _Element) -> str:
    """The element's text with line breaks as spaces, so words never run together."""
    parts = [element.text or ""]
    for child in element:
        parts.append(" " if child.tag == "lb" else inline_text(child))
        parts.append(child.tail or "")
    if element.tag in {"item", "p", "head", "quote"}:
        parts.append(" ")
    return "".join(parts)


def blocks_of(body: _Element | None) -> list[Block]:
    if body is None:
        return []
    blocks = [Block(element, normalise(inline_text(element))) for element in body]
    return [block for block in blocks if block.text]


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def shingles(words: list[str]) -> Counter:
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1)))


def _comparable(words: list[str]) -> str:
    return " ".join(words).casefold()


def is_boilerplate(text: str) -> bool:
    short = len(text) <= BOILERPLATE_MAX_CHARS
    return short and any(pattern.match(text) for pattern in (PROMPT, LABEL, EMBEDDED_POST_BYLINE))


def is_doubled_teaser(text: str) -> bool:
    """Teaser cards print their headline twice ("Title Title"); article prose never does."""
    words = text.split()
    half = len(words) // 2
    return len(words) >= 4 and len(words) % 2 == 0 and words[:half] == words[half:]


def is_shouted_teaser(block: Block) -> bool:
    """A paragraph that is all bold capitals is a cross-link ("MAN ARRESTED AFTER …"), not prose.

    Capitals alone are not enough: some publishers set section headings that way.
    """
    element = block.element
    all_emphasised = (
        element.tag == "p"
        and not (element.text or "").strip()
        and len(element) == 1
        and element[0].tag == "hi"
        and not (element[0].tail or "").strip()
    )
    if not all_emphasised or len(block.text.split()) < SHOUTED_MIN_WORDS:
        return False
    return all(char.isupper() for char in block.text if char.isalpha())


def is_author_bio(text: str, authors: list[str]) -> bool:
    """A short "<author> is a writer for …" note, which publishers append after the story."""
    if len(text) > BIO_MAX_CHARS:
        return False
    surnames = {name.split()[-1] for name in authors if name.split()}
    names_author = any(surname in text for surname in surnames)
    return names_author and bool(BIO_VERB.search(text)) and bool(BIO_NOUN.search(text))


def drop_furniture(blocks: list[Block], titles: list[str], authors: list[str]) -> list[Block]:
    """Remove headline repeats, dividers, prompts, teaser cards and author bios at either end.

    `titles` are every headline the page declares (JSON-LD, OpenGraph, <title>), since
    the one repeated above the body may be any of them.
    """
    title_keys = {_comparable(tokens(title)) for title in titles} - {""}
    kept = [
        block
        for block in blocks
        if block.words
        and _comparable(block.words) not in title_keys
        and not is_boilerplate(block.text)
        and not is_doubled_teaser(block.text)
        and not is_shouted_teaser(block)
    ]
    while kept and is_author_bio(kept[-1].text, authors):
        kept.pop()
    while kept and is_author_bio(kept[0].text, authors):
        kept.pop(0)
    return kept


def _supported(block: Block, reference: Counter, reference_words: str) -> bool:
    if len(block.words) < SHINGLE:
        return f" {' '.join(block.words)} " in reference_words
    own = shingles(block.words)
    found = sum(count for shingle, count in own.items() if shingle in reference)
    return found >= SUPPORTED_SHARE * sum(own.values())


def _is_section_heading(block: Block) -> bool:
    return block.element.tag == "head" and len(block.text.split()) <= SECTION_HEADING_WORDS


def keep_supported(blocks: list[Block], reference_text: str) -> list[Block]:
    """Drop blocks the JSON-LD articleBody does not contain, where that body is trustworthy.

    JSON-LD bodies lack headings, are often cut short and sometimes abridged. So a block
    is only condemned when it sits between supported blocks (or after the last one, when
    the reference ends exactly where a page paragraph ends) and is not a section heading; and
    nothing is condemned when the reference skips a long paragraph anywhere up to there,
    which shows it is an abridgement rather than the article.
    """
    reference_tokens = tokens(reference_text)
    reference = shingles(reference_tokens)
    reference_words = f" {' '.join(reference_tokens)} "
    supported = [
        _supported(block, reference, reference_words) or _is_section_heading(block) for block in blocks
    ]
    if not any(supported):
        return blocks
    first = supported.index(True)
    last = len(supported) - 1 - supported[::-1].index(True)
    ending = reference_tokens[-2 * SHINGLE :]
    complete = any(block.words[-len(ending) :] == ending for block in blocks)
    end = len(blocks) if complete else last + 1
    missing = [block for block, found in zip(blocks[:end], supported, strict=False) if not found]
    if any(len(p.split()) >= ABRIDGED_PARAGRAPH_WORDS for block in missing for p in block.paragraphs):
        return blocks
    return [block for index, block in enumerate(blocks) if supported[index] or index < first or index >= end]

"""Checking a language model's citations against the article: a quote is shown only if the article has it."""

import re
import unicodedata
from dataclasses import dataclass

from newsdesk.ai.text import Paragraph

# Shorter "quotes" match too easily by chance to prove anything.
MIN_QUOTE_WORDS = 4
QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


@dataclass(frozen=True)
class QuoteCheck:
    verified: list[dict]  # {"text", "paragraph"}, the article's own wording
    unverified: list[str]


def comparable(text: str) -> str:
    """Case, quote styles, punctuation and spacing do not make a quote different."""
    folded = unicodedata.normalize("NFKC", text).translate(QUOTE_MARKS).casefold()
    return " ".join(re.findall(r"\w+", folded))


def verify_quotes(quotes: list[str], paragraphs: list[Paragraph]) -> QuoteCheck:
    """Keep the quotes found word for word in a paragraph (ellipses split a quote into parts)."""
    keyed = [(paragraph, f" {comparable(paragraph.text)} ") for paragraph in paragraphs]
    verified, unverified, seen = [], [], set()
    for quote in quotes:
        quote = quote.strip().strip('"“”').strip()
        if not quote:
            continue
        parts = [comparable(part) for part in re.split(r"\.\.\.|…", quote)]
        parts = [p for p in parts if p]
        found = next(
            (paragraph for paragraph, text in keyed if parts and all(f" {part} " in text for part in parts)),
            None,
        )
        if found is None or len(" ".join(parts).split()) < MIN_QUOTE_WORDS:
            unverified.append(quote)
        elif (quote, found.id) not in seen:
            seen.add((quote, found.id))
            verified.append({"text": quote, "paragraph": found.id})
    return QuoteCheck(verified, unverified)

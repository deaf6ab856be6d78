"""Key phrases: two-word topics the article keeps returning to ("interest rates", "climate change").

Only lower-case pairs count, so names (found by keywords.py) are not found twice; a phrase must
recur in the body, or be in the title and the body.
"""

import re
from collections import Counter
from functools import cache

from newsdesk.enrich.hashtags.keywords import TITLE_MODIFIERS, TITLE_WORDS
from newsdesk.enrich.hashtags.names import MONTHS_AND_DAYS, stopwords, to_hashtag, word_list

MIN_BODY_MENTIONS = 3
MIN_WORD_LENGTH = 3
MAX_PHRASES = 2

# Phrases never cross punctuation: "rates. Climate" is no phrase.
_CLAUSE = re.compile(r"[.,;:!?()\[\]\"“”‘’«»—–\n]+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’]\w+)*")


@cache
def _ignored_words() -> frozenset[str]:
    return stopwords() | word_list("generic_words.txt") | MONTHS_AND_DAYS | TITLE_WORDS | TITLE_MODIFIERS


def _pairs(text: str) -> list[tuple[str, str]]:
    ignored = _ignored_words()
    pairs = []
    for clause in _CLAUSE.split(text or ""):
        words = _WORD.findall(clause)
        if len(words) < 2:
            continue
        if words[0][1:].islower():
            # A clause's first word is capitalised by grammar, not because it is a name.
            words[0] = words[0].lower()
        usable = [
            word.isalpha()
            and word.islower()
            and len(word) >= MIN_WORD_LENGTH
            and word not in ignored
            and not word.endswith("ly")
            for word in words
        ]
        pairs += [(words[i], words[i + 1]) for i in range(len(words) - 1) if usable[i] and usable[i + 1]]
    return pairs


def extract_key_phrases(title: str, text: str) -> list[tuple[str, float]]:
    """(CamelCase name, salience in (0, 1]) of the article's recurring two-word phrases, best first."""
    body = Counter(_pairs(text))
    in_title = set(_pairs((title or "").lower()))
    scored = []
    for pair, mentions in body.items():
        if mentions >= MIN_BODY_MENTIONS or (pair in in_title and mentions >= 1):
            scored.append((mentions + (2 if pair in in_title else 0), " ".join(pair)))
    scored.sort(key=lambda item: (-item[0], item[1]))
    top = scored[0][0] if scored else 1
    phrases = []
    for score, phrase in scored[:MAX_PHRASES]:
        name = to_hashtag(phrase)
        if name:
            phrases.append((name, round(score / top, 3)))
    return phrases

"""Turning publishers' raw tags into hashtag names, and telling real tags from junk.

A hashtag name is CamelCase built from the words of the tag ("times of india" -> "TimesOfIndia");
its key, the lower-cased name, is what makes "#Saco" and "#SACO" the same page.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent

MIN_KEY_LENGTH = 2
MAX_KEY_LENGTH = 40
MAX_WORDS = 4
# All-capital words up to this length are acronyms (NASA, UK, BBC); longer ones are shouting (COVID -> Covid).
MAX_ACRONYM_LENGTH = 4

MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday "
    "mon tue tues wed thu thur thurs fri sat sun "
    "st nd rd th".split()
)
# Prefixes CMSs put in front of numeric ids: tag_123, sid:991, cat-42.
CMS_ID_PREFIXES = frozenset(
    "aid art cat category cid guid id kw nid node pid post sid tag tid topic uid uuid".split()
)

_TAG_LIST_SEPARATORS = re.compile(r"[,;|\n]+")
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)|^[\w.-]+\.(?:com|org|net|html?|php|aspx?)\b", re.I)
_NUMERIC_DATE = re.compile(r"^\d{1,4}([-/.])\d{1,2}\1\d{1,4}$")
_KEY_VALUE = re.compile(r"^[a-z][\w.-]{0,15}[:=]\S")
_CMS_ID = re.compile(r"^[a-z]{1,12}[_:=]+[\w-]*\d[\w-]*$", re.I)
_HEX_ID = re.compile(r"^(?=.*\d)(?=.*[a-f])[0-9a-f]{8,}$", re.I)
_APOSTROPHES = re.compile(r"(?<=\w)['’](?=\w)")
# A single word this long is glued, a CMS layout or template name ("splitscreenimagerightinset").
MIN_GLUED_LETTERS = 15
# Every step of build_hashtags asks again for the key and words of the same names: enough for
# an article's names, and little memory even when filled with long strings.
NAME_CACHE_SIZE = 1024


@cache
def word_list(filename: str) -> frozenset[str]:
    """Lists beside the code, one lower-case entry a line (# comments), so editors can tune them."""
    lines = (_HERE / filename).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def stopwords() -> frozenset[str]:
    return word_list("stopwords.txt")


@cache
def boilerplate_keys() -> frozenset[str]:
    return frozenset(hashtag_key(label) for label in word_list("boilerplate.txt"))


def split_tag_list(values: Iterable[str]) -> list[str]:
    """Flatten tag lists whose items may themselves be "a, b; c" strings, as meta keywords often are."""
    if isinstance(values, str):
        values = [values]
    pieces: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        pieces.extend(piece.strip() for piece in _TAG_LIST_SEPARATORS.split(value) if piece.strip())
    return pieces


class _SeparatorTable(dict):
    """A `str.translate` table turning every character but letters, digits and marks into a space.

    Filled as characters are first seen, so the hot path is translate's own C loop.
    """

    def __missing__(self, code: int) -> int:
        kept = unicodedata.category(chr(code))[0] in "LNM"
        self[code] = code if kept else ord(" ")
        return self[code]


_SEPARATORS = _SeparatorTable()


def words_of(raw: str) -> list[str]:
    """Split on all but letters, digits and combining marks, so "São Paulo" and Devanagari stay whole."""
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFC", raw))
    return text.translate(_SEPARATORS).split()


@lru_cache(maxsize=NAME_CACHE_SIZE)
def camel_words(name: str) -> tuple[str, ...]:
    """Undo CamelCase: "TimesOfIndia" -> Times, Of, India; "USElection2024" -> US, Election, 2024."""
    words: list[str] = []
    for chunk in words_of(name):
        start = 0
        for i in range(1, len(chunk)):
            before, char = chunk[i - 1], chunk[i]
            after = chunk[i + 1] if i + 1 < len(chunk) else ""
            boundary = (
                (before.islower() and char.isupper())
                or (before.isdigit() != char.isdigit())
                or (before.isupper() and char.isupper() and after.islower())
            )
            if boundary:
                words.append(chunk[start:i])
                start = i
        words.append(chunk[start:])
    return tuple(words)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def hashtag_key(name: str) -> str:
    """The lookup key: letters and digits of the name, lower-cased ("#Times of India" -> "timesofindia")."""
    return "".join(words_of(name)).lower()


def _letters(word: str) -> int:
    return sum(c.isalpha() for c in word)


def _is_shouting(words: list[str]) -> bool:
    """An all-capitals tag with a long word ("WORLD CUP") is shouting, not a row of acronyms ("AC/DC")."""
    cased = [w for w in words if any(c.isalpha() for c in w)]
    return all(w.isupper() for w in cased) and any(_letters(w) > MAX_ACRONYM_LENGTH for w in cased)


def _camel_word(word: str, shouting: bool) -> str:
    if word.isupper():
        if shouting:
            keep = _letters(word) <= 2 and word.lower() not in stopwords()
        else:
            keep = _letters(word) <= MAX_ACRONYM_LENGTH
        return word if keep else word[0] + word[1:].lower()
    # Keep deliberate inner capitals: McDonald, iPhone, eBay.
    return word[0].upper() + word[1:] if word.islower() else word


def to_hashtag(raw: str) -> str | None:
    """CamelCase hashtag name for a raw tag or phrase, or None when it is junk."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip().lstrip("#").strip()
    if is_junk(raw):
        return None
    words = words_of(raw)
    shouting = _is_shouting(words)
    name = "".join(_camel_word(word, shouting) for word in words)
    if not name or is_junk(name) or len(name) > MAX_KEY_LENGTH:
        return None
    return name


def looks_like_code(raw: str) -> bool:
    """A tag shaped like a CMS's code rather than a topic, so only the article naming it makes it one.

    Key-value pairs ("Day: Saturday", "RULES:TRUMP"), one all-capital token ("CLJ", "FRAUD1",
    "FR-BISV08") and glued words ("splitscreenimagerightinset"); real ones ("NHS",
    "Mission: Impossible") are named in the story itself.
    """
    text = raw.strip().lstrip("#").strip()
    if ":" in text or "=" in text:
        return True
    if " " not in text and any(c.isalpha() for c in text) and not any(c.islower() for c in text):
        return True
    return any(_letters(word) >= MIN_GLUED_LETTERS and word[1:].islower() for word in words_of(text))


def spelled_as_written(text: str) -> str:
    """Words of `text` for finding a tag in it: short words keep their case ("US" is not "us")."""
    words = words_of(text)
    return " ".join(word if len(word) <= MAX_ACRONYM_LENGTH else word.lower() for word in words)


def _is_tracking_word(word: str) -> bool:
    """Ids and hashes: long digit runs or interleaved letters and digits (a1b2c3); not COVID19."""
    if not any(c.isdigit() for c in word) or not any(c.isalpha() for c in word):
        return False
    digits = sum(c.isdigit() for c in word)
    runs = len(re.findall(r"\d+|\D+", word))
    return digits >= 5 or runs > 3


def _is_stopword(word: str) -> bool:
    """Capitals make an acronym of a stopword: "US" and "WHO" are tags, "us" and "who" are not."""
    if len(word) > 1 and word.isupper():
        return False
    return word.lower() in stopwords()


def is_junk(tag: str) -> bool:
    """No useful hashtag; judges raw tags ("Top Stories") and names ("TopStories") alike."""
    if not isinstance(tag, str):
        return True
    text = tag.strip().lstrip("#").strip()
    key = hashtag_key(text)
    if not (MIN_KEY_LENGTH <= len(key) <= MAX_KEY_LENGTH):
        return True
    if _URL.search(text) or _NUMERIC_DATE.match(text) or _KEY_VALUE.match(text):
        return True
    if _CMS_ID.match(text) or _HEX_ID.match(text):
        return True
    words = camel_words(text) if " " not in text.strip() else words_of(text)
    lowered = [w.lower() for w in words]
    if not lowered or len(lowered) > MAX_WORDS:
        return True
    if all(w.isdigit() or w in MONTHS_AND_DAYS for w in lowered):
        return True
    if lowered[0] in CMS_ID_PREFIXES and len(lowered) > 1 and all(w.isdigit() for w in lowered[1:]):
        return True
    if any(_is_tracking_word(w) for w in words):
        return True
    if all(_is_stopword(w) for w in words):
        return True
    return key in boilerplate_keys()

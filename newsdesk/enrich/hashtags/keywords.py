"""Keywords an editor would tag, taken from an article's own title and text.

Deterministic and model-free: proper-noun phrases ("Time Warner", "Tony Blair") are found by
capitalisation that the document itself confirms (a word capitalised mid-sentence and rarely
lower-case), then scored by how often they recur and whether the title names them. Frequent
ordinary words ("broadband", "election") back them up at a lower score.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from newsdesk.enrich.hashtags.names import (
    MAX_WORDS,
    MONTHS_AND_DAYS,
    hashtag_key,
    stopwords,
    to_hashtag,
    word_list,
)

# Lower-case words allowed inside a name: Bank of England, Leonardo da Vinci.
CONNECTORS = frozenset("of the de da di del du la le van von der den al bin".split())
# Titles in front of a name are not part of its hashtag: Prime Minister Tony Blair -> TonyBlair.
TITLE_WORDS = frozenset(
    """mr mrs ms miss dr prof professor sir dame lord lady president minister chancellor secretary senator
    sen rep governor gov judge boss coach manager chairman chairwoman executive ceo spokesman
    spokeswoman captain mayor premier leader striker midfielder defender goalkeeper skipper dj""".split()
)
# Words that make a title only in front of one: Home Secretary, but Home Office.
TITLE_MODIFIERS = frozenset("prime home foreign shadow deputy vice chief acting former".split())
# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = frozenset("mr mrs ms dr prof st sen rep gov gen mt ft jr sr vs".split())

TITLE_BONUS = 3.0
# Ordinary words are weaker hashtags than names.
COMMON_WORD_FACTOR = 0.5
MIN_NAME_MENTIONS = 2
MIN_COMMON_MENTIONS = 3
MIN_COMMON_LENGTH = 4
# Topic words (#Broadband, #Election) back up the names; more of them is noise.
MAX_COMMON_WORDS = 2

_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}"  # U.S., U.K.
    r"|[^\W_](?:[\w&]|['’-](?=[^\W_]))*"  # words, with inner hyphens and apostrophes
    r"|\n|[^\w\s]",
)
_POSSESSIVE = re.compile(r"['’]s$", re.I)
_CONTRACTION = re.compile(r"['’](?:ve|ll|re|d|m|t)$|n['’]t$", re.I)
_SENTENCE_END = frozenset(".!?\n")
# After these a capital letter proves nothing: "He said: The..." or a quote opening.
_OPENERS = frozenset(":\"“‘'(«—–-")


class _Token:
    """One word or mark; its derived forms are computed once, as every pass reads them."""

    __slots__ = ("text", "is_word", "initial", "in_title", "lower", "capitalised", "acronym")

    def __init__(self, text: str, is_word: bool, initial: bool = False, in_title: bool = False) -> None:
        self.text = text
        self.is_word = is_word
        self.initial = initial
        self.in_title = in_title
        self.lower = text.lower()
        self.capitalised = text[:1].isupper()
        # isupper() is a cheap necessary condition: it fails on any lower-case letter.
        self.acronym = text.isupper() and _all_letters_upper(text)


def _all_letters_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass
class _Candidate:
    words: tuple[str, ...]
    mentions: int = 0
    in_title: bool = False
    # Spelling -> uses; a plain dict, as building a Counter for each of the many candidates is slow.
    spellings: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return self.mentions + (TITLE_BONUS if self.in_title else 0.0)

    def count_spelling(self, spelling: str) -> None:
        self.spellings[spelling] = self.spellings.get(spelling, 0) + 1

    @property
    def usual_spelling(self) -> str:
        """The most used spelling, the first seen among equals."""
        return max(self.spellings, key=self.spellings.__getitem__)


def _tokenize(text: str, *, in_title: bool) -> list[_Token]:
    tokens: list[_Token] = []
    text = unicodedata.normalize("NFC", text)
    previous = "\n"
    for raw in _TOKEN.findall(text):
        # Contractions and possessives need an apostrophe; most words have none, so skip their regexes.
        has_apostrophe = "'" in raw or "’" in raw
        # "I've" and "don't" are function words however they are capitalised.
        is_word = raw[0].isalnum() and not (has_apostrophe and _CONTRACTION.search(raw))
        if is_word:
            owner = _POSSESSIVE.sub("", raw) if has_apostrophe else raw
            after_abbreviation = previous == "." and len(tokens) >= 2 and tokens[-2].lower in ABBREVIATIONS
            sentence_start = previous in _SENTENCE_END and not after_abbreviation
            tokens.append(_Token(owner, True, sentence_start or previous in _OPENERS, in_title))
            if owner != raw:
                # A possessive ends a name: "Blair's Tory critics" is not #BlairTory.
                tokens.append(_Token("'s", False, in_title=in_title))
        else:
            tokens.append(_Token(raw, False, in_title=in_title))
        previous = raw
    return tokens


def _is_title_case(tokens: list[_Token]) -> bool:
    """Headline Style Capitalises Every Word, so the title's capitals say nothing about names."""
    content = [t for t in tokens if t.is_word and len(t.text) > 3 and t.lower not in stopwords()]
    return len(content) >= 2 and sum(t.capitalised for t in content) >= 0.75 * len(content)


def _name_words(body: list[_Token], title: list[_Token]) -> set[str]:
    """Lower-cased words the document itself capitalises mid-sentence more often than not."""
    title_counts = not _is_title_case(title)
    capitalised_mid = Counter()
    lower = Counter()
    for token in [*body, *(title if title_counts else [])]:
        if not token.is_word or token.acronym:
            continue
        if not token.capitalised:
            lower[token.lower] += 1
        elif not token.initial:
            capitalised_mid[token.lower] += 1
    names = {word for word, count in capitalised_mid.items() if count >= lower[word]}
    if not title_counts:
        # A headline word the body never uses at all is probably a name, unless it looks like a verb.
        body_words = {t.lower for t in body if t.is_word}
        for token in title:
            word = token.lower
            if token.is_word and word not in body_words and not word.endswith(("ing", "ed")):
                names.add(word)
    names -= stopwords() | MONTHS_AND_DAYS
    # "Javier Solana, the EU's..." opens a sentence: a first name is seen capitalised only there.
    ordinary = stopwords() | word_list("generic_words.txt") | set(lower)

    def is_name(token: _Token) -> bool:
        return token.is_word and token.capitalised and (token.lower in names or token.acronym)

    padded = [*body, _Token("\n", False)]
    for token, following, after in zip(padded, padded[1:], padded[2:], strict=False):
        if not (token.initial and token.capitalised):
            continue
        plausible = token.lower not in ordinary and not token.lower.endswith(("ing", "ed"))
        # Only "First Last": "Teenager LaShawn Merritt" does not make "Teenager" a name.
        if plausible and is_name(following) and not is_name(after):
            names.add(token.lower)
    return names


def _is_name_token(token: _Token, names: set[str]) -> bool:
    if not token.is_word or not token.text[:1].isupper():
        return False
    if token.acronym:
        return len(token.text) > 1
    return token.lower in names


def _name_runs(tokens: list[_Token], names: set[str]) -> list[list[_Token]]:
    """Maximal runs of name words, joined by connectors, within one clause."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    pending: list[_Token] = []
    for token in tokens:
        is_name = _is_name_token(token, names)
        if is_name and not (current and token.initial):
            current.extend(pending)
            current.append(token)
            pending = []
        elif current and token.is_word and token.lower in CONNECTORS and len(pending) < 2:
            pending.append(token)
        else:
            if current:
                runs.append(current)
            current, pending = [], []
            if is_name:
                current = [token]
    if current:
        runs.append(current)
    return runs


def _is_title(run: list[_Token], i: int) -> bool:
    """Mr, Home Secretary; but not Lord of the Rings or Secretary of State, which are names themselves."""
    following = run[i + 1].lower if i + 1 < len(run) else ""
    if run[i].lower in TITLE_MODIFIERS:
        return following in TITLE_WORDS and _is_title(run, i + 1)
    return run[i].lower in TITLE_WORDS and following not in CONNECTORS


def _split_at_titles(run: list[_Token]) -> list[list[_Token]]:
    """A title inside a run starts a new name: "Bank of England Governor Mervyn King" is two."""
    parts: list[list[_Token]] = [[]]
    for i, token in enumerate(run):
        if _is_title(run, i) and parts[-1] and not _is_title(run, i - 1):
            parts.append([])
        parts[-1].append(token)
    return parts


def _strip_titles(run: list[_Token]) -> list[_Token]:
    """Drop "Home Secretary" from "Home Secretary Charles Clarke"; a run that is only a title is no name."""
    start = 0
    while start < len(run) and _is_title(run, start):
        start += 1
    end = len(run)
    while end > start and run[end - 1].lower in CONNECTORS:
        end -= 1
    while start < end and run[start].lower in CONNECTORS:
        start += 1
    return run[start:end]


def _fold_short_forms(candidates: dict[str, _Candidate]) -> None:
    """Count "Blair" as a mention of "Tony Blair" and "Australian" of "Australian Open".

    A lone word always joins the most-mentioned name it ends (a surname); it joins a name it
    starts only when that name is mentioned at least as often, so "Chelsea" stays itself.
    """
    multi = [c for c in candidates.values() if len(c.words) > 1]
    for key, single in list(candidates.items()):
        if len(single.words) != 1:
            continue
        word = single.words[0]
        owners = [c for c in multi if c.words[-1] == word]
        owners = owners or [c for c in multi if c.words[0] == word and c.mentions >= single.mentions]
        if not owners:
            continue
        owner = max(owners, key=lambda c: c.mentions)
        owner.mentions += single.mentions
        owner.in_title = owner.in_title or single.in_title
        del candidates[key]


def _names(tokens: list[_Token], names: set[str]) -> dict[str, _Candidate]:
    candidates: dict[str, _Candidate] = {}
    for whole_run in _name_runs(tokens, names):
        for part in _split_at_titles(whole_run):
            run = _strip_titles(part)
            if not run or len(run) > MAX_WORDS or all(t.lower in TITLE_MODIFIERS for t in run):
                continue
            words = tuple(t.lower for t in run)
            key = hashtag_key(" ".join(words))
            candidate = candidates.get(key)
            if candidate is None:
                # Not setdefault: that would build a _Candidate for every mention.
                candidate = candidates[key] = _Candidate(words)
            candidate.mentions += 1
            candidate.in_title = candidate.in_title or run[0].in_title
            candidate.count_spelling(" ".join(t.text for t in run))
    _fold_short_forms(candidates)
    return candidates


def _singular(word: str, vocabulary: set[str]) -> str:
    """Merge plurals only when the document also uses the singular: profits -> profit, but not news -> new."""
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + replacement in vocabulary:
            return word[: -len(suffix)] + replacement
    return word


def _common_words(tokens: list[_Token], names: set[str]) -> dict[str, _Candidate]:
    ignored = stopwords() | word_list("generic_words.txt") | names | TITLE_WORDS | TITLE_MODIFIERS
    words = [
        t
        for t in tokens
        if t.is_word
        and not t.acronym
        and (t.text[:1].islower() or t.initial or t.in_title)
        and t.lower not in ignored
        and len(t.lower) >= MIN_COMMON_LENGTH
        and t.text.replace("-", "").isalpha()
        and not t.lower.endswith("ly")
    ]
    vocabulary = {t.lower for t in words}
    singular = {word: _singular(word, vocabulary) for word in vocabulary}
    candidates: dict[str, _Candidate] = {}
    for token in words:
        word = singular[token.lower]
        candidate = candidates.get(word)
        if candidate is None:
            candidate = candidates[word] = _Candidate((word,))
        # Headlines are full of verbs ("approves", "boosts"): a topic word must recur in the body.
        candidate.mentions += not token.in_title
        candidate.in_title = candidate.in_title or token.in_title
        candidate.count_spelling(token.lower)
    return candidates


def extract_keywords(title: str, text: str, limit: int = 10) -> list[tuple[str, float]]:
    """Hashtag names from the article itself with a salience in (0, 1], most salient first."""
    title_tokens = _tokenize(title or "", in_title=True)
    body_tokens = _tokenize(text or "", in_title=False)
    names = _name_words(body_tokens, title_tokens)
    tokens = [*title_tokens, _Token("\n", False), *body_tokens]

    scored: list[tuple[float, str]] = []
    for candidate in _names(tokens, names).values():
        if candidate.in_title or candidate.mentions >= MIN_NAME_MENTIONS:
            scored.append((candidate.score, candidate.usual_spelling))
    common = [
        candidate
        for candidate in _common_words(tokens, names).values()
        if candidate.mentions >= MIN_COMMON_MENTIONS
    ]
    common.sort(key=lambda c: -c.score)
    for candidate in common[:MAX_COMMON_WORDS]:
        scored.append((candidate.score * COMMON_WORD_FACTOR, candidate.usual_spelling))

    keywords: dict[str, tuple[str, float]] = {}
    for score, phrase in sorted(scored, key=lambda item: -item[0]):
        name = to_hashtag(phrase)
        if name and hashtag_key(name) not in keywords:
            keywords[hashtag_key(name)] = (name, score)
        if len(keywords) == limit:
            break
    if not keywords:
        return []
    top = max(score for _, score in keywords.values())
    return [(name, round(score / top, 3)) for name, score in keywords.values()]

"""An article's hashtags: publisher tags, keywords from its text and its source, weighed and ranked.

Candidates are collected from every origin (publisher tags, names and key phrases from the text,
the source), then passed through STEPS, each a function from candidates to candidates: alias
folding (Trump, President Trump -> DonaldTrump), merging, and crediting mentions.
A candidate's weight combines its origins as independent evidence (noisy-or), so a tag the
publisher gave and the text names outranks either alone.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from newsdesk.enrich.hashtags.aliases import Aliases, fold_within_article, known_names_in, strip_job_titles
from newsdesk.enrich.hashtags.keywords import extract_keywords
from newsdesk.enrich.hashtags.names import (
    MAX_WORDS,
    camel_words,
    hashtag_key,
    looks_like_code,
    spelled_as_written,
    split_tag_list,
    to_hashtag,
    words_of,
)
from newsdesk.enrich.hashtags.phrases import extract_key_phrases

FEED = "feed"
PAGE = "page"
TEXT = "text"
MENTION = "mention"
SOURCE = "source"

EXPLICIT_WEIGHT = 0.8
# Publishers list their main tags first; later ones lose a little, never below the floor.
EXPLICIT_DECAY = 0.02
EXPLICIT_FLOOR = 0.6
TEXT_FLOOR = 0.15
TEXT_CEILING = 0.6
# An explicit tag the title or text actually names is confirmed by it.
MENTION_WEIGHT = 0.25
# A curated name (aliases.txt) the headline names is as good as a name the text keeps repeating.
KNOWN_NAME_IN_TITLE = TEXT_CEILING
# Key phrases are topics, weaker evidence than the names an article is about.
PHRASE_FACTOR = 0.6
# Below every topical weight, so the source is shown but never displaces a topic.
SOURCE_WEIGHT = 0.1


@dataclass
class Candidate:
    name: str
    evidence: dict[str, float]
    # Position of first sighting: ties keep the publisher's order.
    order: int
    # A spelling with its own capitals (iPhone, McDonald) beats one we had to invent (Iphone).
    spelled_by_publisher: bool = False
    # A key phrase of the text ("InterestRates"), which outranks its own words found alone.
    is_phrase: bool = False

    @property
    def key(self) -> str:
        return hashtag_key(self.name)

    @property
    def weight(self) -> float:
        # Carrying the publisher's name says nothing about the topic, so it only counts on its own.
        topical = {origin: s for origin, s in self.evidence.items() if origin != SOURCE}
        doubt = 1.0
        for strength in (topical or self.evidence).values():
            doubt *= 1.0 - strength
        return 1.0 - doubt


class MentionedKeys:
    """`key in mentioned` when a run of up to MAX_WORDS words of a passage spells the key, so
    "Times of India" in the text confirms #TimesOfIndia.

    Only a few keys are ever asked for, so rather than every run's key, each word's positions
    are kept and a key is followed from the words it can start with.
    """

    def __init__(self, *passages: str) -> None:
        self._passages: list[tuple[list[str], dict[str, list[int]]]] = []
        for passage in passages:
            words = [word.lower() for word in words_of(passage or "")]
            positions: dict[str, list[int]] = {}
            for i, word in enumerate(words):
                positions.setdefault(word, []).append(i)
            self._passages.append((words, positions))

    def __contains__(self, key: str) -> bool:
        return any(
            _spells(words, start, key)
            for words, positions in self._passages
            for length in range(1, len(key) + 1)
            for start in positions.get(key[:length], ())
        )


def _spells(words: list[str], start: int, key: str) -> bool:
    """Whether up to MAX_WORDS words from `start` join into `key`."""
    run = ""
    for word in words[start : start + MAX_WORDS]:
        run += word
        if run == key:
            return True
        if not key.startswith(run):
            return False
    return False


@dataclass(frozen=True)
class ArticleText:
    title: str
    text: str
    aliases: Aliases = field(default_factory=Aliases)

    @cached_property
    def mentioned_keys(self) -> MentionedKeys:
        """Built on first use: only publisher tags are checked against it, and many articles have none."""
        return MentionedKeys(self.title, self.text)


Step = Callable[[list[Candidate], ArticleText], list[Candidate]]


def _has_own_capitals(raw: str) -> bool:
    return any(c.isupper() for c in raw) and any(c.islower() for c in raw)


def _publisher_tag_filter(title: str, text: str, source_name: str) -> Callable[[str, str], bool]:
    """Whether to keep a publisher tag (raw, name).

    One shaped like a code must be named by the title or text; the publisher's own name by the
    headline (a story about the publisher), otherwise it is only the source, shown last.
    """
    source_key = hashtag_key(source_name or "")
    written: list[str] = []

    def keep(raw: str, name: str) -> bool:
        if source_key and hashtag_key(name) == source_key:
            return source_key in MentionedKeys(title)
        if not looks_like_code(raw):
            return True
        if not written:
            written.extend(f" {spelled_as_written(passage)} " for passage in (title, text))
        tag = f" {spelled_as_written(raw)} "
        return any(tag in passage for passage in written)

    return keep


def _explicit_candidates(
    origin: str, tags: Iterable[str], start: int, keep: Callable[[str, str], bool]
) -> list[Candidate]:
    candidates: list[Candidate] = []
    for raw in split_tag_list(tags or ()):
        name = to_hashtag(raw)
        if name and keep(raw, name):
            position = len(candidates)
            strength = max(EXPLICIT_FLOOR, EXPLICIT_WEIGHT - EXPLICIT_DECAY * position)
            candidates.append(Candidate(name, {origin: strength}, start + position, _has_own_capitals(raw)))
    return candidates


def collect_candidates(
    feed_tags: Iterable[str], page_tags: Iterable[str], title: str, text: str, source_name: str
) -> list[Candidate]:
    keep = _publisher_tag_filter(title, text, source_name)
    candidates = _explicit_candidates(FEED, feed_tags, 0, keep)
    candidates += _explicit_candidates(PAGE, page_tags, len(candidates), keep)
    for name, salience in extract_keywords(title, text):
        strength = TEXT_FLOOR + (TEXT_CEILING - TEXT_FLOOR) * salience
        candidates.append(Candidate(name, {TEXT: strength}, len(candidates)))
    for name, in_title in known_names_in(title, text):
        strength = KNOWN_NAME_IN_TITLE if in_title else TEXT_FLOOR
        candidates.append(Candidate(name, {TEXT: strength}, len(candidates), True))
    for name, salience in extract_key_phrases(title, text):
        strength = TEXT_FLOOR + (TEXT_CEILING - TEXT_FLOOR) * salience * PHRASE_FACTOR
        candidates.append(Candidate(name, {TEXT: strength}, len(candidates), is_phrase=True))
    source = to_hashtag(source_name or "")
    if source:
        candidates.append(Candidate(source, {SOURCE: SOURCE_WEIGHT}, len(candidates), True))
    return candidates


def fold_aliases(candidates: list[Candidate], article: ArticleText) -> list[Candidate]:
    """Rename each candidate to the hashtag it stands for; merge_same_key then joins the copies.

    Within the article a surname joins the full name used beside it; otherwise the curated and
    learnt aliases decide. Job titles go first: "President Trump" is "Trump".
    """
    names = [c for c in candidates if not c.is_phrase]
    stripped = {id(c): strip_job_titles(c.name) for c in names}
    in_article = fold_within_article(list(stripped.values()))
    for candidate in names:
        name = stripped[id(candidate)]
        folded = in_article.get(hashtag_key(name)) or article.aliases.canonical(name)
        if hashtag_key(folded) != candidate.key:
            # The canonical spelling is chosen, not invented, so it beats a lower-cased tag.
            candidate.name, candidate.spelled_by_publisher = folded, True
        elif folded != candidate.name and not candidate.spelled_by_publisher:
            candidate.name = folded
    return candidates


def merge_same_key(candidates: list[Candidate], article: ArticleText) -> list[Candidate]:
    """One candidate per key; each origin keeps its strongest evidence."""
    merged: dict[str, Candidate] = {}
    for candidate in candidates:
        kept = merged.get(candidate.key)
        if kept is None:
            merged[candidate.key] = Candidate(
                candidate.name,
                dict(candidate.evidence),
                candidate.order,
                candidate.spelled_by_publisher,
                candidate.is_phrase,
            )
            continue
        for origin, strength in candidate.evidence.items():
            kept.evidence[origin] = max(strength, kept.evidence.get(origin, 0.0))
        kept.is_phrase = kept.is_phrase or candidate.is_phrase
        if candidate.spelled_by_publisher and not kept.spelled_by_publisher:
            kept.name, kept.spelled_by_publisher = candidate.name, True
    return list(merged.values())


def merge_plurals(candidates: list[Candidate], article: ArticleText) -> list[Candidate]:
    """Within one article "Parks" and "Park" are one topic; the first-seen spelling wins."""
    by_key = {c.key: c for c in candidates}
    kept: list[Candidate] = []
    for candidate in candidates:
        key = candidate.key
        singular = key[:-3] + "y" if key.endswith("ies") else key[:-1] if key.endswith("s") else ""
        other = by_key.get(singular) or by_key.get(key + "s")
        if other is not None and other.order < candidate.order and by_key.get(other.key) is other:
            for origin, strength in candidate.evidence.items():
                other.evidence[origin] = max(strength, other.evidence.get(origin, 0.0))
            del by_key[key]
            continue
        kept.append(candidate)
    return kept


def credit_mentions(candidates: list[Candidate], article: ArticleText) -> list[Candidate]:
    """Publisher tags that the story itself names are agreed on by two origins."""
    for candidate in candidates:
        explicit = FEED in candidate.evidence or PAGE in candidate.evidence
        if explicit and candidate.key in article.mentioned_keys:
            candidate.evidence[MENTION] = MENTION_WEIGHT
    return candidates


def drop_phrase_words(candidates: list[Candidate], article: ArticleText) -> list[Candidate]:
    """A topic word found only in the text ("#Interest") gives way to its phrase ("#InterestRates")."""
    in_phrases = {word.lower() for c in candidates if c.is_phrase for word in camel_words(c.name)}
    return [c for c in candidates if not (set(c.evidence) == {TEXT} and c.key in in_phrases)]


STEPS: tuple[Step, ...] = (fold_aliases, merge_same_key, merge_plurals, drop_phrase_words, credit_mentions)


def _rank(candidates: list[Candidate], cap: int) -> list[Candidate]:
    ranked = sorted(candidates, key=lambda c: (-c.weight, c.order))
    source_only = [c for c in ranked if set(c.evidence) == {SOURCE}]
    topical = [c for c in ranked if c not in source_only]
    if cap <= 0:
        return []
    if source_only and topical:
        return topical[: cap - 1] + source_only if cap > 1 else topical[:1]
    return (topical or source_only)[:cap]


def build_hashtags(
    *,
    feed_tags: Iterable[str] = (),
    page_tags: Iterable[str] = (),
    title: str = "",
    text: str = "",
    source_name: str = "",
    cap: int = 8,
    aliases: Aliases | None = None,
) -> list[tuple[str, float]]:
    """(CamelCase name, weight in (0, 1]) best first, one per key, at most `cap`; the source comes last.

    `aliases` adds what the archive has learnt (see learned_aliases); the curated table always applies.
    """
    article = ArticleText(
        title=title or "",
        text=text or "",
        aliases=aliases or Aliases(),
    )
    candidates = collect_candidates(feed_tags, page_tags, article.title, article.text, source_name)
    for step in STEPS:
        candidates = step(candidates, article)
    return [(c.name, round(c.weight, 3)) for c in _rank(candidates, cap)]

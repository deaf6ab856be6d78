"""Online story clustering: each article, in time order, joins the best recent story or starts one.

An article is scored against a story three ways:
- meaning: cosine to the story centroid, or to its closest members when the story has drifted;
- shared rare words: the article's title terms weighted by an IDF learned from the stream itself,
  so a name that few headlines carry ("Plosser", "Sbarro") counts far more than "market";
- time: a story quiet for longer than the window is closed, and one that received an article
  moments ago gets a burst bonus, since outlets cover a breaking event together. The bonus
  multiplies the content score (so an unrelated headline stays unrelated however close in time)
  and halves every minute, so it only tips the balance for an article arriving on top of a story.

The same functions serve the in-memory stream (`StoryClusterer`, used by the CLI and the
evaluation) and the database step (`newsdesk.enrich.stories.actions`), which builds
`StoryState`s for the candidate stories it loads.
"""

import math
import re
from bisect import bisect_left, insort
from collections import Counter, deque
from dataclasses import dataclass, field
from heapq import merge

import numpy as np

STOPWORDS = frozenset(
    """a an the and or but nor of to in on at for with by from as is are was were be been being it its
    this that these those after before over under into onto about up down out off new says say said
    will would can could may might must shall should not no yes than then so if how what why who whom
    when where which while you your we our they their them he she his her him i me my us vs via just
    more most all any some has have had do does did get gets got report reports reported news update
    live video photos watch here now today week year first last one two""".split()
)
_WORD = re.compile(r"[a-z0-9][a-z0-9&\-\.]*")


def title_terms(title: str) -> frozenset[str]:
    """Lower-cased content words with possessives and plural -s dropped, so variants meet."""
    lowered = title.lower().replace("\u2019", "'").replace("'s ", " ")
    words = set()
    for word in _WORD.findall(lowered):
        word = word.strip(".-")
        if len(word) < 2 or word in STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


@dataclass(frozen=True)
class ClusterSettings:
    # Chosen on half of the dev stories, checked on the other half (docs/quality.md).
    join_threshold: float = 0.45
    lexical_weight: float = 0.40
    burst_bonus: float = 2.0  # a story's score is multiplied by up to 1 + this
    burst_half_life: float = 60.0  # seconds
    window: float = 3 * 86400.0  # seconds a story stays open after its latest article
    merge_threshold: float = 0.70  # centroid cosine at which two open stories become one
    # ...if their spans also come within this many seconds of each other: the merge folds back
    # fragments of one event that split as it broke, not successive events on one topic.
    merge_within: float = 3600.0
    candidates: int = 20  # stories compared in full, picked by centroid similarity
    closest_members: int = 5
    members_kept: int = 50

    @property
    def merge_reach(self) -> float:
        """Seconds apart two stories' spans may be and still merge (never beyond the window)."""
        return min(self.window, self.merge_within)


class TermStatistics:
    """Document frequencies of title terms, learned online; the IDF of an unseen term is the highest."""

    def __init__(self) -> None:
        self.documents = 0
        self.frequency: Counter[str] = Counter()

    def add(self, terms: frozenset[str]) -> None:
        self.documents += 1
        self.frequency.update(terms)

    def idf(self, term: str) -> float:
        return math.log((self.documents + 1) / (self.frequency[term] + 0.5))


@dataclass
class StoryItem:
    id: str
    title: str
    published: float  # epoch seconds
    vector: np.ndarray  # L2-normalised
    source: str = ""
    terms: frozenset[str] = field(default=frozenset())

    def __post_init__(self) -> None:
        if not self.terms:
            self.terms = title_terms(self.title)


@dataclass
class StoryState:
    """What scoring needs to know about one story."""

    key: int
    vector_sum: np.ndarray
    first: float
    last: float
    size: int = 0
    term_counts: Counter = field(default_factory=Counter)
    members: deque = field(default_factory=deque)  # (item id, vector), newest last
    # Every member's publication time, sorted: an article arriving out of order is "moments after"
    # the story only if some member went out moments before or after it, not anywhere in its span.
    times: list[float] = field(default_factory=list)
    item_ids: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    # Derived from the fields above, cached because every article scores many stories.
    _centroid: np.ndarray | None = field(default=None, repr=False, compare=False)
    _member_matrix: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def centroid(self) -> np.ndarray:
        if self._centroid is None:
            norm = float(np.linalg.norm(self.vector_sum))
            self._centroid = self.vector_sum / norm if norm else self.vector_sum
        return self._centroid

    def member_matrix(self) -> np.ndarray:
        """The kept members' vectors as rows, oldest first."""
        if self._member_matrix is None:
            self._member_matrix = np.array([vector for _, vector in self.members], dtype=np.float32)
        return self._member_matrix

    def changed(self) -> None:
        """Forget the derived values: call after changing vector_sum or members in place."""
        self._centroid = self._member_matrix = None

    def absorb(self, item: StoryItem, members_kept: int) -> None:
        self.vector_sum = self.vector_sum + item.vector
        self.first, self.last = min(self.first, item.published), max(self.last, item.published)
        self.size += 1
        insort(self.times, item.published)
        self.term_counts.update(item.terms)
        self.members.append((item.id, item.vector))
        while len(self.members) > members_kept:
            self.members.popleft()
        self.item_ids.append(item.id)
        if item.source:
            self.sources.add(item.source)
        self.changed()

    def gap(self, when: float) -> float:
        """Seconds between `when` and the story's span (0 inside it): articles may arrive out of order."""
        if when < self.first:
            return self.first - when
        return max(0.0, when - self.last)

    def burst_gap(self, when: float) -> float:
        """Seconds between `when` and the nearest member's publication (the span's edge if none is known).

        Members known only by their day do not count: infinity when no member has a time.
        """
        if not self.times:
            return self.gap(when)
        after = bisect_left(self.times, when)
        before = after - 1
        while before >= 0 and day_only(self.times[before]):
            before -= 1
        while after < len(self.times) and day_only(self.times[after]):
            after += 1
        gaps = [abs(when - self.times[i]) for i in (before, after) if 0 <= i < len(self.times)]
        return min(gaps, default=math.inf)

    def representative(self) -> str | None:
        """The kept member closest to the centroid: the headline that best stands for the story."""
        if not self.members:
            return None
        return self.members[int(np.argmax(self.member_matrix() @ self.centroid))][0]


def day_only(when: float) -> bool:
    """Whether `when` (epoch seconds) is exactly a midnight UTC: how a feed's or a page's bare day is
    stored. It says nothing of the hour a story went out, so it earns no burst bonus: otherwise
    every article of a day-only feed would be "moments after" every other one of that day."""
    return when % 86400 == 0


def new_story(key: int, item: StoryItem, members_kept: int) -> StoryState:
    story = StoryState(
        key=key, vector_sum=np.zeros_like(item.vector), first=item.published, last=item.published
    )
    story.absorb(item, members_kept)
    return story


def content_score(
    item: StoryItem, story: StoryState, terms: TermStatistics, settings: ClusterSettings
) -> float:
    meaning = float(item.vector @ story.centroid)
    if len(story.members) > 1:
        similarities = np.sort(story.member_matrix() @ item.vector)
        meaning = max(meaning, float(similarities[-settings.closest_members :].mean()))
    weights = {term: terms.idf(term) for term in item.terms}
    total = sum(weights.values())
    lexical = 0.0
    if total > 0:
        shared = sum(w * min(1.0, 2 * story.term_counts[t] / story.size) for t, w in weights.items())
        lexical = shared / total
    return (1 - settings.lexical_weight) * meaning + settings.lexical_weight * lexical


def story_score(
    item: StoryItem, story: StoryState, terms: TermStatistics, settings: ClusterSettings
) -> float:
    content = content_score(item, story, terms, settings)
    if not settings.burst_bonus or day_only(item.published):
        return content
    burst_gap = story.burst_gap(item.published)
    return content * (1 + settings.burst_bonus * 2 ** (-burst_gap / settings.burst_half_life))


def best_story(
    item: StoryItem, candidates: list[StoryState], terms: TermStatistics, settings: ClusterSettings
) -> StoryState | None:
    """The open story `item` should join, or None when it starts a story of its own."""
    best, best_score = None, settings.join_threshold
    for story in candidates:
        if story.gap(item.published) > settings.window:
            continue
        score = story_score(item, story, terms, settings)
        if score >= best_score:
            best, best_score = story, score
    return best


class OpenStories:
    """The open stories, with their centroids and spans kept as arrays so that shortlisting the
    stories worth scoring costs one matrix-vector product, not a pass over every story."""

    def __init__(self) -> None:
        self.states: dict[int, StoryState] = {}
        self._rows: dict[int, int] = {}
        self._keys: list[int | None] = []
        self._centroids = np.zeros((0, 0), dtype=np.float32)
        self._first = np.zeros(0)
        self._last = np.zeros(0)

    def __contains__(self, key: object) -> bool:
        return key in self.states

    def __getitem__(self, key: int) -> StoryState:
        return self.states[key]

    def __len__(self) -> int:
        return len(self.states)

    def values(self) -> list[StoryState]:
        return list(self.states.values())

    def put(self, story: StoryState) -> None:
        """Add `story`, or take in its new centroid and span after it changed."""
        centroid = story.centroid
        if self._centroids.shape[1] != centroid.shape[0]:
            if self.states:
                raise ValueError(f"story {story.key} has {centroid.shape[0]} dimensions, the others not")
            self._centroids = np.zeros((0, centroid.shape[0]), dtype=np.float32)
        row = self._rows.get(story.key)
        if row is None:
            row = len(self._keys)
            if row == len(self._centroids):
                self._grow(max(64, 2 * row))
            self._keys.append(story.key)
            self._rows[story.key] = row
        self.states[story.key] = story
        self._centroids[row] = centroid
        self._first[row], self._last[row] = story.first, story.last

    def drop(self, key: int) -> None:
        self.states.pop(key, None)
        row = self._rows.pop(key, None)
        if row is None:
            return
        self._keys[row] = None
        self._centroids[row] = 0.0
        self._first[row], self._last[row] = np.inf, -np.inf
        if len(self._keys) > 64 and len(self._rows) < len(self._keys) // 2:
            self._compact()

    def close_quiet(self, before: float) -> None:
        """Drop the stories whose latest article is older than `before`."""
        count = len(self._keys)
        # Keys first: a drop may compact the rows, after which the old row numbers mean nothing.
        quiet = [self._keys[row] for row in np.flatnonzero(self._last[:count] < before).tolist()]
        for key in quiet:
            if key is not None:
                self.drop(key)

    def shortlist(self, item: StoryItem, settings: ClusterSettings) -> list[StoryState]:
        """Stories worth scoring in full: open at the item's time, and among the closest centroids
        or in the current burst."""
        count = len(self._keys)
        if not self.states:
            return []
        when = item.published
        gaps = np.maximum(np.maximum(self._first[:count] - when, when - self._last[:count]), 0.0)
        open_rows = np.flatnonzero(gaps <= settings.window)
        if len(open_rows) > settings.candidates:
            similarities = self._centroids[open_rows] @ item.vector
            top = np.argpartition(-similarities, settings.candidates - 1)[: settings.candidates]
            closest = open_rows[top]
            burst_horizon = 10 * settings.burst_half_life if settings.burst_bonus else -1.0
            burst = open_rows[gaps[open_rows] <= burst_horizon]
            open_rows = np.union1d(closest, burst)
        return [self.states[self._keys[row]] for row in open_rows.tolist()]

    def converging(self, story: StoryState, threshold: float, window: float) -> list[StoryState]:
        """The other stories whose centroid is at least `threshold` cosine from `story`'s and whose
        span comes within `window` of its span (a closed story stays closed)."""
        count = len(self._keys)
        apart = np.maximum(self._first[:count] - story.last, story.first - self._last[:count])
        similar = self._centroids[:count] @ story.centroid >= threshold
        rows = np.flatnonzero(similar & (apart <= window)).tolist()
        return [self.states[key] for row in rows if (key := self._keys[row]) not in (None, story.key)]

    def _grow(self, capacity: int) -> None:
        count = len(self._keys)
        centroids = np.zeros((capacity, self._centroids.shape[1]), dtype=np.float32)
        centroids[:count] = self._centroids[:count]
        first, last = np.full(capacity, np.inf), np.full(capacity, -np.inf)
        first[:count], last[:count] = self._first[:count], self._last[:count]
        self._centroids, self._first, self._last = centroids, first, last

    def _compact(self) -> None:
        stories = list(self.states.values())
        self.states, self._rows, self._keys = {}, {}, []
        self._centroids = np.zeros((0, self._centroids.shape[1]), dtype=np.float32)
        self._first, self._last = np.zeros(0), np.zeros(0)
        for story in stories:
            self.put(story)


class StoryClusterer:
    """The whole stream in memory: `add` items in time order, read `story_of` at any point."""

    def __init__(self, settings: ClusterSettings | None = None, *, first_key: int = 1) -> None:
        self.settings = settings or ClusterSettings()
        self.terms = TermStatistics()
        self.open = OpenStories()
        self.next_key = first_key
        self._story: dict[str, int] = {}
        self._merged_into: dict[int, int] = {}

    def add(self, item: StoryItem) -> int:
        """Place `item`; returns its story key (which a later merge may fold into an older story)."""
        self.terms.add(item.terms)
        self.open.close_quiet(item.published - self.settings.window)
        story = best_story(item, self.open.shortlist(item, self.settings), self.terms, self.settings)
        if story is None:
            story = new_story(self.next_key, item, self.settings.members_kept)
            self.next_key += 1
        else:
            story.absorb(item, self.settings.members_kept)
            self.open.put(story)
            story = self._merge_converged(story)
        self.open.put(story)
        self._story[item.id] = story.key
        return story.key

    def story_of(self, item_id: str) -> int:
        key = self._story[item_id]
        while key in self._merged_into:
            key = self._merged_into[key]
        return key

    def _merge_converged(self, grown: StoryState) -> StoryState:
        """Fold `grown` and any open story whose centroid now matches it into the older of the two."""
        settings = self.settings
        while converged := self.open.converging(grown, settings.merge_threshold, settings.merge_reach):
            other = converged[0]
            older, newer = (other, grown) if other.key < grown.key else (grown, other)
            merge_into(older, newer, self.settings.members_kept)
            self.open.drop(newer.key)
            self.open.put(older)
            self._merged_into[newer.key] = older.key
            grown = older
        return grown


def merge_into(target: StoryState, source: StoryState, members_kept: int) -> None:
    target.vector_sum = target.vector_sum + source.vector_sum
    target.first, target.last = min(target.first, source.first), max(target.last, source.last)
    target.size += source.size
    target.times = list(merge(target.times, source.times))
    target.term_counts.update(source.term_counts)
    target.members = deque([*target.members, *source.members][-members_kept:])
    target.item_ids.extend(source.item_ids)
    target.sources |= source.sources
    target.changed()

"""Pooling category evidence by story: the headlines of one event share its category.

An aggregator lists a whole story under one category, and many of our headline errors are
stragglers of a story whose other headlines are classified right ("Sprint CEO" in a story about a
T-Mobile merger). Each item's log-probabilities are therefore moved toward the mean of its story's,
the stories being found by the project's own clusterer (`StoryClusterer`) over titles and stored
vectors, with no timestamps (the `categorize` CLI gets none): input order stands in for time.
Held out by whole story this took aggregator headlines from 0.771 to 0.79-0.80 and left BBC
articles and the unseen titles unchanged (docs/quality.md, Categories).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from newsdesk.enrich.categories.model import probabilities_from_log
from newsdesk.enrich.stories.cluster import ClusterSettings, StoryClusterer, StoryItem

# Share of an item's evidence taken from its story's mean (which includes the item itself).
POOL_WEIGHT = 0.8
# Without time: no burst bonus (every item would be "moments after" every story), and a story
# stays open for the next STORY_WINDOW_ITEMS items of the stream, which bounds the cost per item.
# Stories are closed here, between batches, where their items' evidence is dropped with them; the
# clusterer's own window (in seconds) is set out of reach.
STORY_WINDOW_ITEMS = 1000
UNTIMED_SETTINGS = ClusterSettings(burst_bonus=0.0, window=1e12)
# A bare headline is weak evidence on its own, so headlines pool more eagerly: a looser join (0.25,
# not 0.45) gathers the story's other headlines and close ones of the same beat, and the group's
# mean weighs more. Held out by whole story, a file of the aggregator's headlines went from 0.79-0.80
# to 0.81-0.83 (docs/quality.md); full articles, which barely cluster, keep the settings above, as
# at this threshold BBC articles fell from 0.975 to 0.955-0.966.
HEADLINE_SETTINGS = ClusterSettings(burst_bonus=0.0, window=1e12, join_threshold=0.25)
HEADLINE_POOL_WEIGHT = 0.9
# Items of an input classified and pooled together: each sees its whole story within the batch,
# not only the items before it (+2 points held out on headlines in the set's own order). An input
# of the dev sets' size is one batch; a longer one (or stdin) is answered batch by batch.
INPUT_BATCH = 5000


def toward_story(own: np.ndarray, story: Sequence[np.ndarray], weight: float = POOL_WEIGHT) -> np.ndarray:
    """Probabilities of an item after moving its log-probabilities `weight` of the way to the mean
    of its story's (`story`: every member's, the item's own among them; alone, it is unchanged).

    `own` may also be rows, one item each, all pooled with the same story: one array operation.
    """
    own = np.asarray(own, dtype=np.float64)
    pooled = (1 - weight) * own + weight * np.mean(story, axis=0)
    return probabilities_from_log(np.atleast_2d(pooled)).reshape(own.shape)


@dataclass
class StoryPool:
    """Stories of a stream of items without timestamps, and the log-probabilities of their members.

    `pool` clusters a batch (after every earlier batch), then pools each item with all members of
    its story seen so far, this batch included (later items of the batch too): a stream can be
    classified batch by batch, and the larger the batch, the more of each story an item sees.
    """

    weight: float = POOL_WEIGHT
    clusterer: StoryClusterer = field(default_factory=lambda: StoryClusterer(UNTIMED_SETTINGS))
    _log_p: dict[str, np.ndarray] = field(default_factory=dict)
    _count: int = 0

    def pool(self, titles: Sequence[str], vectors: np.ndarray, log_probabilities: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms > 0, norms, 1.0)
        ids, stories = [], []
        for title, vector, log_p in zip(titles, vectors, log_probabilities, strict=True):
            item_id = str(self._count)
            self._count += 1
            key = self.clusterer.add(
                StoryItem(id=item_id, title=title, published=float(self._count), vector=vector)
            )
            self._log_p[item_id] = np.asarray(log_p, dtype=np.float64)
            ids.append(item_id)
            stories.append(self.clusterer.open[key])
        pooled = []
        for item_id, story in zip(ids, stories, strict=True):
            # The story as it is now (grown, or merged into another), unless it closed in between.
            key = self.clusterer.story_of(item_id)
            members = (self.clusterer.open[key] if key in self.clusterer.open else story).item_ids
            story_log_p = [self._log_p[member] for member in members]
            pooled.append(toward_story(self._log_p[item_id], story_log_p, self.weight))
        self._forget_closed()
        return np.array(pooled).reshape(len(ids), -1)

    def _forget_closed(self) -> None:
        """Close the stories quiet for STORY_WINDOW_ITEMS items and drop their items' evidence."""
        self.clusterer.open.close_quiet(self._count - STORY_WINDOW_ITEMS)
        if len(self._log_p) <= 2 * STORY_WINDOW_ITEMS:
            return
        open_ids = {i for story in self.clusterer.open.values() for i in story.item_ids}
        self._log_p = {i: v for i, v in self._log_p.items() if i in open_ids}


@dataclass
class InputPools:
    """The pools of one input: bare headlines with each other, items with text with each other."""

    headlines: StoryPool = field(
        default_factory=lambda: StoryPool(HEADLINE_POOL_WEIGHT, StoryClusterer(HEADLINE_SETTINGS))
    )
    articles: StoryPool = field(default_factory=StoryPool)

    def pool(
        self,
        titles: Sequence[str],
        vectors: np.ndarray,
        log_probabilities: np.ndarray,
        titles_only: np.ndarray,
    ) -> np.ndarray:
        pooled = np.zeros_like(np.asarray(log_probabilities, dtype=np.float64))
        for pool, rows in (
            (self.headlines, np.flatnonzero(titles_only)),
            (self.articles, np.flatnonzero(~titles_only)),
        ):
            if len(rows):
                pooled[rows] = pool.pool([titles[i] for i in rows], vectors[rows], log_probabilities[rows])
        return pooled

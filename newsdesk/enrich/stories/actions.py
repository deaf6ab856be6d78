"""The pipeline's clustering step: put one stored article into a story, with the stream's rules.

Candidate stories come from the vector index (stories of the nearest recent articles) plus the
stories active in the current burst; each is rebuilt as a `StoryState` from its newest members,
and `best_story` decides exactly as it does for the CLI stream.
"""

import math
import threading
import time
from collections import Counter, deque
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Count, Max, Min

from newsdesk.enrich.stories.cluster import (
    ClusterSettings,
    StoryItem,
    StoryState,
    TermStatistics,
    best_story,
    title_terms,
)
from newsdesk.models import Article, Story

# Nearest articles asked of the vector index; their stories are the candidates.
NEIGHBOURS = 30
# Titles the word statistics are learned from, and how long they are reused.
TERM_SAMPLE = 20_000
TERM_REFRESH_SECONDS = 600.0
# Doubling a story's sources is worth this much freshness in `rank_score`.
FRESHNESS_HALF_LIFE_HOURS = 12.0

# One article at a time per process, so two copies enriched together do not start two stories.
_lock = threading.Lock()
_terms: tuple[float, TermStatistics] | None = None


def cluster_settings() -> ClusterSettings:
    defaults = ClusterSettings()
    return replace(
        defaults,
        window=getattr(django_settings, "NEWSDESK_STORY_WINDOW_HOURS", defaults.window / 3600) * 3600,
        burst_bonus=getattr(django_settings, "NEWSDESK_STORY_BURST_BONUS", defaults.burst_bonus),
    )


def rank_score(source_count: int, last_published_at: datetime) -> float:
    """Breadth and freshness in one number that never needs recomputing as time passes.

    log2(1 + distinct sources) + hours since the epoch / FRESHNESS_HALF_LIFE_HOURS: a story
    told by twice as many sources ranks like one FRESHNESS_HALF_LIFE_HOURS newer.
    """
    hours = last_published_at.timestamp() / 3600
    return math.log2(1 + source_count) + hours / FRESHNESS_HALF_LIFE_HOURS


def join_story(article: Article, vector: np.ndarray | None) -> Story | None:
    """Place `article` in a story (idempotent); None when it has no vector and no version in a story."""
    with _lock:
        if article.story_id:
            return Story.objects.filter(id=article.story_id).first()
        version_story = _story_of_versions(article)
        if version_story is not None:
            return _attach(article, version_story, vector)
        if vector is None:
            return None
        settings = cluster_settings()
        item = StoryItem(
            id=article.id,
            title=article.title,
            published=article.published_at.timestamp(),
            vector=np.asarray(vector, dtype=np.float32),
            source=str(article.source_id),
        )
        candidates = _candidate_states(article, item, settings)
        chosen = best_story(item, candidates, _term_statistics(item.terms), settings)
        if chosen is None:
            return _start_story(article, item.vector)
        story = _attach(article, Story.objects.get(id=chosen.key), item.vector, state=chosen)
        article.story = _merge_converged(story, [c for c in candidates if c.key != chosen.key], settings)
        return article.story


def _story_of_versions(article: Article) -> Story | None:
    """The story of another version of the same wire text: copies always share a story."""
    root = article.duplicate_of_id or article.id
    version = (
        Article.objects.filter(story__isnull=False, duplicate_of_id=root).exclude(id=article.id).first()
        or Article.objects.filter(story__isnull=False, id=root).exclude(id=article.id).first()
    )
    return version.story if version else None


def _candidate_states(article: Article, item: StoryItem, settings: ClusterSettings) -> list[StoryState]:
    from newsdesk.enrich.vectors import get_vector_index

    window = timedelta(seconds=settings.window)
    neighbours = get_vector_index().search(
        item.vector, k=NEIGHBOURS, since=article.published_at - window, exclude_ids={article.id}
    )
    story_ids = set(
        Article.objects.filter(
            id__in=[article_id for article_id, _ in neighbours], story__isnull=False
        ).values_list("story_id", flat=True)
    )
    if settings.burst_bonus:
        burst = timedelta(seconds=10 * settings.burst_half_life)
        story_ids |= set(
            Story.objects.filter(
                last_published_at__gte=article.published_at - burst,
                first_published_at__lte=article.published_at + burst,
            ).values_list("id", flat=True)[:50]
        )
    stories = Story.objects.filter(
        id__in=story_ids,
        last_published_at__gte=article.published_at - window,
        first_published_at__lte=article.published_at + window,
    )
    return [_state_of(story, settings) for story in stories]


def _state_of(story: Story, settings: ClusterSettings) -> StoryState:
    from newsdesk.enrich.vectors import load_vectors

    members = list(
        Article.objects.filter(story=story).order_by("-published_at").values_list("id", "title")[:200]
    )
    vectors = load_vectors([member_id for member_id, _ in members[: settings.members_kept]])
    centroid = _centroid_of(story)
    if centroid is None:
        centroid = np.mean(list(vectors.values()), axis=0) if vectors else np.zeros(1, dtype=np.float32)
    term_counts: Counter[str] = Counter()
    for _, title in members:
        term_counts.update(title_terms(title))
    kept = [(member_id, vectors[member_id]) for member_id, _ in reversed(members) if member_id in vectors]
    return StoryState(
        key=story.id,
        vector_sum=centroid * max(story.article_count, 1),
        first=story.first_published_at.timestamp(),
        last=story.last_published_at.timestamp(),
        size=max(len(members), 1),
        term_counts=term_counts,
        members=deque(kept),
        item_ids=[member_id for member_id, _ in members],
    )


def _term_statistics(new_terms: frozenset[str]) -> TermStatistics:
    """Word statistics of the recent titles, learned online and rebuilt from the database now and then."""
    global _terms
    now = time.monotonic()
    if _terms is None or now - _terms[0] > TERM_REFRESH_SECONDS:
        statistics = TermStatistics()
        for title in Article.objects.order_by("-published_at").values_list("title", flat=True)[:TERM_SAMPLE]:
            statistics.add(title_terms(title))
        _terms = (now, statistics)
    statistics = _terms[1]
    statistics.add(new_terms)
    return statistics


def reset_term_statistics() -> None:
    """Forget the cached word statistics (a new database, e.g. in tests)."""
    global _terms
    _terms = None


def _centroid_of(story: Story) -> np.ndarray | None:
    data = bytes(story.centroid or b"")
    return np.frombuffer(data, dtype="<f4").copy() if data else None


def _start_story(article: Article, vector: np.ndarray) -> Story:
    with transaction.atomic():
        story = Story.objects.create(
            title=article.title,
            representative=article,
            centroid=np.asarray(vector, dtype="<f4").tobytes(),
            first_published_at=article.published_at,
            last_published_at=article.published_at,
        )
        Article.objects.filter(id=article.id).update(story=story)
        article.story = story
        refresh_story(story)
    return story


def _attach(
    article: Article,
    story: Story,
    vector: np.ndarray | None,
    *,
    state: StoryState | None = None,
) -> Story:
    """Add `article` to `story`: the centroid moves by its vector, the counts are recounted."""
    with transaction.atomic():
        if vector is not None:
            centroid = _centroid_of(story)
            count = max(story.article_count, 1)
            if centroid is None or centroid.shape != vector.shape:
                centroid = np.asarray(vector, dtype=np.float32)
            else:
                centroid = (centroid * count + vector) / (count + 1)
            story.centroid = centroid.astype("<f4").tobytes()
        Article.objects.filter(id=article.id).update(story=story)
        article.story = story
        if state is not None and vector is not None:
            state.members.append((article.id, np.asarray(vector, dtype=np.float32)))
            state.vector_sum = np.frombuffer(story.centroid, dtype="<f4") * (story.article_count + 1)
            representative = state.representative()
            if representative:
                story.representative_id = representative
        story.save(update_fields=["centroid", "representative"])
        refresh_story(story)
    return story


def _merge_converged(story: Story, others: list[StoryState], settings: ClusterSettings) -> Story:
    """Fold open stories whose centroid now matches `story`'s into the oldest of them."""
    centroid = _centroid_of(story)
    if centroid is None:
        return story
    centroid = centroid / (np.linalg.norm(centroid) or 1.0)
    converged = [
        other.key
        for other in others
        if other.centroid.shape == centroid.shape
        and float(other.centroid @ centroid) >= settings.merge_threshold
    ]
    if not converged:
        return story
    group = list(Story.objects.filter(id__in=[story.id, *converged]).order_by("first_published_at", "id"))
    survivor, absorbed = group[0], group[1:]
    with transaction.atomic():
        weights = [max(s.article_count, 1) for s in group]
        vectors = [_centroid_of(s) for s in group]
        if all(v is not None and v.shape == centroid.shape for v in vectors):
            mean = sum(w * v for w, v in zip(weights, vectors, strict=True)) / sum(weights)
            survivor.centroid = mean.astype("<f4").tobytes()
            survivor.save(update_fields=["centroid"])
        Article.objects.filter(story__in=absorbed).update(story=survivor)
        Story.objects.filter(id__in=[s.id for s in absorbed]).delete()
        refresh_story(survivor)
    return survivor


def refresh_story(story: Story) -> Story:
    """Recount a story's articles, sources and span, and its title and rank, from its articles."""
    totals = Article.objects.filter(story=story).aggregate(
        articles=Count("id"),
        sources=Count("source", distinct=True),
        first=Min("published_at"),
        last=Max("published_at"),
    )
    if not totals["articles"]:
        story.delete()
        return story
    representative = story.representative if story.representative_id else None
    if representative is None or representative.story_id != story.id:
        representative = Article.objects.filter(story=story).order_by("published_at").first()
    story.representative = representative
    story.title = representative.title
    story.article_count = totals["articles"]
    story.source_count = totals["sources"]
    story.first_published_at = totals["first"]
    story.last_published_at = totals["last"]
    story.rank_score = rank_score(story.source_count, story.last_published_at or datetime.now(UTC))
    story.save()
    return story

"""The pipeline's clustering step: put one stored article into a story, with the stream's rules.

The open stories live in this process as `StoryState`s (`StoryCache`), so placing an article is
a shortlist over their centroids plus `best_story`, exactly as the CLI stream decides, and two or
three small statements: no member vectors or titles are read per article. Other processes
(Celery workers) write stories too, so the cache is kept in step cheaply:

- every join asks for the highest story id: stories others just started are loaded at once;
- every VERSION_SCAN_SECONDS it reads (id, updated_at) of the open stories: those others grew
  are reloaded, those merged away are dropped;
- every write is conditional on the `updated_at` the decision was made with: when another process
  changed the story in between, that story is reloaded and the article placed again.
"""

import math
import threading
import time
from bisect import insort
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

import numpy as np
from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Count, Max, Min, QuerySet
from django.db.models.signals import post_delete
from django.utils import timezone

from newsdesk.enrich.stories.cluster import (
    ClusterSettings,
    OpenStories,
    StoryItem,
    StoryState,
    TermStatistics,
    best_story,
    merge_into,
    new_story,
    title_terms,
)
from newsdesk.models import Article, Comment, Follow, Story, StoryRedirect
from newsdesk.store.actions import repoint_per_reader

# Titles the word statistics are learned from when the cache is rebuilt.
TERM_SAMPLE = 20_000
# Stories whose latest article is up to this many windows old are cached: an article published up
# to one window ago still finds every story it could join. Older articles load their stories anew.
CACHED_WINDOWS = 2
# How often every open story's version is compared with the database, and how often the cache and
# the word statistics are rebuilt from scratch.
VERSION_SCAN_SECONDS = 5.0
REBUILD_SECONDS = 600.0
# Story ids per query when loading members.
LOAD_CHUNK = 500
# Placements retried when another process changed a chosen story in between.
ATTEMPTS = 5
# Doubling a story's sources is worth this much freshness in `rank_score`.
FRESHNESS_HALF_LIFE_HOURS = 12.0

# One article at a time per process, so two copies enriched together do not start two stories.
_lock = threading.Lock()


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


class StaleStory(Exception):
    """A story changed in the database since this process loaded it."""

    def __init__(self, key: int) -> None:
        super().__init__(f"story {key} changed in the database")
        self.key = key


class StoryCache:
    """Stories as `StoryState`s with the `updated_at` each was loaded or written at."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.settings = settings
        self.open = OpenStories()
        self.versions: dict[int, datetime] = {}
        self.titles: dict[int, dict[str, str]] = {}  # kept members' titles, for the story title
        self.max_id = 0
        self.terms = TermStatistics()
        self.horizon: datetime | None = None
        self.scanned_at = self.built_at = -math.inf
        self.touched: set[int] = set()  # stories changed in memory by the placement under way

    # --- keeping in step with the database

    def sync(self) -> None:
        """Bring the cache up to date with what other processes wrote (see the module docstring)."""
        now = time.monotonic()
        horizon = timezone.now() - CACHED_WINDOWS * timedelta(seconds=self.settings.window)
        if now - self.built_at > REBUILD_SECONDS:
            self._rebuild(horizon)
            self.built_at = self.scanned_at = now
            return
        self.horizon = horizon
        self.open.close_quiet(horizon.timestamp())
        for key in [key for key in self.versions if key not in self.open]:
            self.forget(key)
        newest = Story.objects.aggregate(newest=Max("id"))["newest"] or 0
        if newest < self.max_id or now - self.scanned_at > VERSION_SCAN_SECONDS:
            self.scan()
            self.scanned_at = now
        elif newest > self.max_id:
            self.load(Story.objects.filter(id__gt=self.max_id, last_published_at__gte=horizon))
        self.max_id = newest

    def covers(self, moment: datetime) -> bool:
        """Whether every story an article published at `moment` could join is in the cache."""
        window = timedelta(seconds=self.settings.window)
        return self.horizon is not None and moment - window >= self.horizon

    def _rebuild(self, horizon: datetime) -> None:
        self.open, self.versions, self.titles = OpenStories(), {}, {}
        self.horizon = horizon
        self.max_id = Story.objects.aggregate(newest=Max("id"))["newest"] or 0
        self.load(Story.objects.filter(last_published_at__gte=horizon))
        self.terms = TermStatistics()
        for title in Article.objects.order_by("-published_at").values_list("title", flat=True)[:TERM_SAMPLE]:
            self.terms.add(title_terms(title))

    def scan(self) -> None:
        """Reload the open stories whose version changed, drop those that are gone."""
        if self.horizon is None:
            return
        # Unordered: with Story's default ordering SQLite walks the rank_score index over every
        # story ever made (0.26 s at 300 k stories) instead of the open ones in story_open_versions.
        open_stories = Story.objects.filter(last_published_at__gte=self.horizon).order_by()
        current = dict(open_stories.values_list("id", "updated_at"))
        for key in [key for key in self.versions if key not in current]:
            self.forget(key)
        changed = [key for key, version in current.items() if self.versions.get(key) != version]
        if changed:
            self.load(Story.objects.filter(id__in=changed))

    def reload(self, keys: Iterable[int]) -> None:
        keys = list(keys)
        for key in keys:
            self.forget(key)
        self.load(Story.objects.filter(id__in=keys))

    def forget(self, key: int) -> None:
        self.open.drop(key)
        self.versions.pop(key, None)
        self.titles.pop(key, None)

    def load(self, stories: QuerySet) -> None:
        """Build the states of `stories` from their articles: three queries per LOAD_CHUNK stories."""
        from newsdesk.enrich.vectors import load_vectors

        rows = list(
            stories.order_by().values_list(  # unordered, as in `scan`
                "id", "centroid", "article_count", "first_published_at", "last_published_at", "updated_at"
            )
        )
        kept = self.settings.members_kept
        for start in range(0, len(rows), LOAD_CHUNK):
            chunk = rows[start : start + LOAD_CHUNK]
            members: dict[int, list[tuple[str, str, int, datetime]]] = {row[0]: [] for row in chunk}
            for story_id, article_id, title, source_id, published in (
                Article.objects.filter(story_id__in=list(members))
                .order_by("published_at", "id")
                .values_list("story_id", "id", "title", "source_id", "published_at")
            ):
                members[story_id].append((article_id, title, source_id, published))
            vectors = load_vectors([m[0] for listed in members.values() for m in listed[-kept:]])
            for key, centroid, count, first, last, version in chunk:
                listed = members[key]
                if not listed:
                    continue
                newest = [(m[0], vectors[m[0]]) for m in listed[-kept:] if m[0] in vectors]
                mean = _vector_of(centroid)
                if mean is None and newest:
                    mean = np.mean([vector for _, vector in newest], axis=0)
                if mean is None:
                    continue  # no vector at all: nothing to compare an article with
                state = StoryState(
                    key=key,
                    vector_sum=mean * max(count, 1),
                    first=first.timestamp(),
                    last=last.timestamp(),
                    size=len(listed),
                    term_counts=Counter(term for m in listed for term in title_terms(m[1])),
                    members=deque(newest),
                    times=[m[3].timestamp() for m in listed],  # in publication order already
                    item_ids=[m[0] for m in listed],
                    sources={str(m[2]) for m in listed},
                )
                self.put(state, version, {m[0]: m[1] for m in listed[-kept:]})

    def put(self, state: StoryState, version: datetime, titles: dict[str, str]) -> None:
        self.touched.add(state.key)
        self.open.put(state)
        self.versions[state.key] = version
        kept = {member_id for member_id, _ in state.members}
        known = {**self.titles.get(state.key, {}), **titles}
        self.titles[state.key] = {member: title for member, title in known.items() if member in kept}
        self.max_id = max(self.max_id, state.key)

    def next_version(self, key: int) -> datetime:
        """A new `updated_at` for `key`, later than the one we know even if clocks disagree."""
        now, known = timezone.now(), self.versions.get(key)
        return max(now, known + timedelta(microseconds=1)) if known else now


_cache: StoryCache | None = None


def reset_story_cache() -> None:
    """Forget the cached stories and word statistics (a new database, e.g. in tests)."""
    global _cache
    with _lock:
        _cache = None


def _story_cache() -> StoryCache:
    global _cache
    settings = cluster_settings()
    if _cache is None or _cache.settings != settings:
        _cache = StoryCache(settings)
    _cache.sync()
    return _cache


def join_story(article: Article, vector: np.ndarray | None) -> Story | None:
    """Place `article` in a story (idempotent); None when it has no vector and no version in a story."""
    with _lock:
        if article.story_id:
            return Story.objects.filter(id=article.story_id).first()
        cache = _story_cache()
        item = None
        if vector is not None:
            item = StoryItem(
                id=article.id,
                title=article.title,
                published=article.published_at.timestamp(),
                vector=np.asarray(vector, dtype=np.float32),
                source=str(article.source_id),
            )
            cache.terms.add(item.terms)
        for _ in range(ATTEMPTS):
            version_story = _story_of_versions(article)
            if version_story is None and item is None:
                return None
            place_in = cache if cache.covers(article.published_at) else _cache_around(article, cache)
            place_in.touched = set()
            try:
                with transaction.atomic():
                    return _place(article, item, version_story, place_in)
            except StaleStory as stale:
                # The transaction rolled back: what we changed in memory is no longer true either.
                # Another process wrote: whatever else it changed (a merge grows a story we would
                # not otherwise reload) is read now rather than at the next scan.
                place_in.reload({stale.key, *place_in.touched})
                place_in.scan()
            except BaseException:
                place_in.reload(place_in.touched)
                raise
        raise RuntimeError(f"article {article.id}: its stories kept changing during {ATTEMPTS} attempts")


def _cache_around(article: Article, cache: StoryCache) -> StoryCache:
    """The stories an article older than the cache could join, loaded for this article only."""
    around = StoryCache(cache.settings)
    around.terms = cache.terms
    window = timedelta(seconds=cache.settings.window)
    around.load(
        Story.objects.filter(
            last_published_at__gte=article.published_at - window,
            first_published_at__lte=article.published_at + window,
        )
    )
    return around


def _story_of_versions(article: Article) -> int | None:
    """The story of another version of the same wire text: copies always share a story."""
    root = article.duplicate_of_id or article.id
    versions = Article.objects.filter(story__isnull=False).exclude(id=article.id)
    if article.duplicate_of_id:
        versions = versions.filter(duplicate_of_id=root) | versions.filter(id=root)
    else:
        versions = versions.filter(duplicate_of_id=root)
    return versions.values_list("story_id", flat=True).first()


def _place(article: Article, item: StoryItem | None, version_story: int | None, cache: StoryCache) -> Story:
    """Join the chosen story or start one, then fold in stories that converged with it."""
    if version_story is not None:
        if version_story not in cache.open:
            cache.reload([version_story])
        chosen = cache.open.states.get(version_story)
        if chosen is None:
            if Story.objects.filter(id=version_story).exists():
                return _attach_without_state(article, version_story)
            raise StaleStory(version_story)
    else:
        chosen = best_story(item, cache.open.shortlist(item, cache.settings), cache.terms, cache.settings)
        if chosen is None:
            return _start_story(article, item, cache)
    _attach(article, item, chosen, cache)
    survivor = _merge_converged(chosen, cache)
    article.story_id = survivor.key
    return Story.objects.get(id=survivor.key)


def _start_story(article: Article, item: StoryItem, cache: StoryCache) -> Story:
    story = Story.objects.create(
        title=article.title,
        representative=article,
        centroid=item.vector.astype("<f4").tobytes(),
        article_count=1,
        source_count=1,
        first_published_at=article.published_at,
        last_published_at=article.published_at,
        rank_score=rank_score(1, article.published_at),
    )
    Article.objects.filter(id=article.id).update(story=story)
    article.story = story
    state = new_story(story.id, item, cache.settings.members_kept)
    cache.put(state, story.updated_at, {article.id: article.title})
    return story


def _attach(article: Article, item: StoryItem | None, state: StoryState, cache: StoryCache) -> None:
    """Add `article` to `state`'s story: one conditional UPDATE of the story, one of the article."""
    cache.touched.add(state.key)
    if item is not None:
        state.absorb(item, cache.settings.members_kept)
    else:  # a copy without a vector: it counts, but does not move the centroid
        state.size += 1
        state.item_ids.append(article.id)
        insort(state.times, article.published_at.timestamp())
        state.first = min(state.first, article.published_at.timestamp())
        state.last = max(state.last, article.published_at.timestamp())
        state.sources.add(str(article.source_id))
    titles = {**cache.titles.get(state.key, {}), article.id: article.title}
    _save_state(state, cache, titles)
    Article.objects.filter(id=article.id).update(story_id=state.key)


def _save_state(state: StoryState, cache: StoryCache, titles: dict[str, str]) -> None:
    """Write `state` over its story row if nobody changed the row since we read it, else StaleStory."""
    version = cache.next_version(state.key)
    last = _moment(state.last)
    fields = {
        "centroid": (state.vector_sum / max(state.size, 1)).astype("<f4").tobytes(),
        "article_count": state.size,
        "source_count": len(state.sources),
        "first_published_at": _moment(state.first),
        "last_published_at": last,
        "rank_score": rank_score(len(state.sources), last),
        "updated_at": version,
    }
    representative = state.representative()
    if representative in titles:
        fields.update(representative_id=representative, title=titles[representative])
    updated = Story.objects.filter(id=state.key, updated_at=cache.versions.get(state.key)).update(**fields)
    if not updated:
        raise StaleStory(state.key)
    cache.put(state, version, titles)


def _attach_without_state(article: Article, story_id: int) -> Story:
    """A vector-less copy whose story has no vector either (or is out of the cache's reach)."""
    Article.objects.filter(id=article.id).update(story_id=story_id)
    story = refresh_story(Story.objects.get(id=story_id))
    article.story = story
    return story


def _merge_converged(grown: StoryState, cache: StoryCache) -> StoryState:
    """Fold open stories whose centroid now matches `grown`'s into the oldest of them."""
    converged = cache.open.converging(grown, cache.settings.merge_threshold, cache.settings.merge_reach)
    if not converged:
        return grown
    group = sorted([grown, *converged], key=lambda state: (state.first, state.key))
    survivor, absorbed = group[0], group[1:]
    titles = dict(cache.titles.get(survivor.key, {}))
    for other in absorbed:
        # Conditional, so a story another process changed is not folded in with members we miss;
        # on PostgreSQL the UPDATE also locks the row until we commit.
        claimed = Story.objects.filter(id=other.key, updated_at=cache.versions.get(other.key)).update(
            updated_at=cache.next_version(other.key)
        )
        if not claimed:
            raise StaleStory(other.key)
    absorbed_keys = [other.key for other in absorbed]
    Article.objects.filter(story_id__in=absorbed_keys).update(story_id=survivor.key)
    _hand_over_reader_data(absorbed_keys, survivor.key)
    Story.objects.filter(id__in=absorbed_keys).delete()
    cache.touched.update(absorbed_keys)
    for other in absorbed:
        titles.update(cache.titles.get(other.key, {}))
        merge_into(survivor, other, cache.settings.members_kept)
        cache.forget(other.key)
    _save_state(survivor, cache, titles)
    return survivor


def _hand_over_reader_data(absorbed_keys: list[int], survivor_key: int) -> None:
    """Give the surviving story the comments, follows and links of those it absorbs.

    Deleting a story deletes its comments, and a follow names its story by id only: left
    behind, it would show nowhere and could not be undone. A reader following two of the
    merged stories keeps one follow. The absorbed stories' pages redirect to the survivor.
    """
    Comment.objects.filter(story_id__in=absorbed_keys).update(story_id=survivor_key)
    StoryRedirect.objects.filter(story_id__in=absorbed_keys).update(story_id=survivor_key)
    StoryRedirect.objects.bulk_create(
        [StoryRedirect(old_id=key, story_id=survivor_key) for key in absorbed_keys]
    )
    story_follows = Follow.objects.filter(kind=Follow.Kind.STORY)
    repoint_per_reader(
        story_follows.filter(value__in=[str(key) for key in absorbed_keys]),
        story_follows.filter(value=str(survivor_key)),
        value=str(survivor_key),
    )


def _has_reader_data(story: Story) -> bool:
    return (
        Comment.objects.filter(story=story).exists()
        or Follow.objects.filter(kind=Follow.Kind.STORY, value=str(story.id)).exists()
    )


def _vector_of(data: bytes | memoryview | None) -> np.ndarray | None:
    data = bytes(data or b"")
    return np.frombuffer(data, dtype="<f4").copy() if data else None


def _moment(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(round(epoch_seconds, 6), UTC)


def connect_story_upkeep() -> None:
    """Recount an article's story when the article is deleted (by an operator in the admin, or with
    its source), once the deletion commits: its counts decide the home page's top stories."""

    def article_deleted(sender, instance: Article, **kwargs) -> None:
        if instance.story_id is not None:
            transaction.on_commit(partial(_refresh_story_if_kept, instance.story_id))

    post_delete.connect(article_deleted, sender=Article, weak=False, dispatch_uid="newsdesk-story-upkeep")


def _refresh_story_if_kept(story_id: int) -> None:
    story = Story.objects.filter(id=story_id).first()
    if story is not None:
        refresh_story(story)


def refresh_story(story: Story) -> Story:
    """Recount a story's articles, sources and span, and its title and rank, from its articles.

    A story left without articles is deleted, unless readers commented on or follow it: where
    its articles went is not known here, so it stays, empty and out of every list (no sources),
    rather than losing the comments or leaving follows that name nothing.
    """
    totals = Article.objects.filter(story=story).aggregate(
        articles=Count("id"),
        sources=Count("source", distinct=True),
        first=Min("published_at"),
        last=Max("published_at"),
    )
    if not totals["articles"]:
        if not _has_reader_data(story):
            story.delete()
            return story
        story.representative = None
        story.article_count = story.source_count = 0
        story.save()
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

"""Related articles: other stories close in meaning, close in time, from a mix of publishers.

v2 is computed at ingest (`relate_article`) from the article vectors and stored as
RelatedArticle rows, so a page only reads them (`related_articles`). Copies of the article
and articles of its own story are never "related": the story page shows those.
Articles without stored rows (not embedded yet, or ingested before v2) get v1: shared
hashtags, then the newest of the same category.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from newsdesk.enrich.vectors import VectorIndex, get_vector_index, load_vectors
from newsdesk.models import Article, ArticleHashtag, RelatedArticle

# Nearest neighbours fetched before exclusions and the variety pick.
CANDIDATES = 60
# Below this cosine an article is about something else (MiniLM: unrelated news sits near 0.1).
MIN_SIMILARITY = 0.35
# Above this it is the same text reworded or syndicated, which dedup may not have caught.
MAX_SIMILARITY = 0.95
# Time decay of the score: halves the time-dependent part every this many days apart...
TIME_HALF_LIFE_DAYS = 3.0
# ...down to this share, so a close match from last month still beats a loose one from today.
TIME_FLOOR = 0.5
# Each article already picked from the same source, or the same story, multiplies the next one's
# score by this, so a list is not five takes from one publisher or five pieces of one event.
SAME_SOURCE_PENALTY = 0.5
SAME_STORY_PENALTY = 0.5
# A new article is offered to this many of its closest neighbours' lists.
OFFER_TO = 20
# v1: how many recent taggings per shared hashtag to consider; keeps popular tags (#India) cheap.
CANDIDATES_PER_HASHTAG = 200

_FIELDS = ("id", "source_id", "canonical_url", "content_hash", "duplicate_of_id", "story_id", "published_at")


def related_articles(article: Article, limit: int = 6) -> list[Article]:
    """Up to `limit` articles related to `article`: the stored ones, else v1's picks."""
    stored = (
        RelatedArticle.objects.filter(article_id=article.id)
        .select_related("related__source")
        .defer("related__html")
        .order_by("-score")
    )
    # Stories merge after the list was stored; re-check the exclusions, they cost nothing here.
    picked = [row.related for row in stored if not _excluded(row.related, article)][:limit]
    if not picked:
        picked = _related_by_hashtags(article, limit)
    return picked


def relate_article(
    article: Article, vector: np.ndarray | None = None, index: VectorIndex | None = None
) -> list[RelatedArticle]:
    """Compute and store `article`'s related list, and offer `article` to its neighbours' lists.

    `vector` is the article's stored vector when the caller has it (read from the database if not).
    """
    if vector is None:
        vector = load_vectors([article.id]).get(article.id)
        if vector is None:
            return []
    window = timedelta(days=settings.NEWSDESK_VECTOR_WINDOW_DAYS)
    neighbours = (index or get_vector_index()).search(
        vector, k=CANDIDATES, since=article.published_at - window, exclude_ids={article.id}
    )
    similarity = {
        article_id: score for article_id, score in neighbours if MIN_SIMILARITY <= score < MAX_SIMILARITY
    }
    scored = _ranked_candidates(article, similarity, _time_factor)
    limit = settings.NEWSDESK_RELATED_STORED
    picked = _pick_varied(scored, limit)
    rows = [RelatedArticle(article_id=article.id, related_id=c.id, score=score) for score, c in picked]
    offers = {candidate.id: score for score, candidate in scored[:OFFER_TO]}
    with transaction.atomic():
        RelatedArticle.objects.filter(article_id=article.id).delete()
        # Articles enriched at the same time offer themselves to each other's lists: a pair another
        # transaction wrote since this one read is already there, and stays as it is.
        RelatedArticle.objects.bulk_create(rows, ignore_conflicts=True)
        _offer(offers, article.id, limit)
    return rows


def _offer(offers: dict[str, float], newcomer_id: str, limit: int) -> None:
    """Put the newcomer in older articles' lists (owner id -> score) that have room or a weaker entry.

    Cheap on purpose: one query reads every owner's list and two write the changes, with no
    re-ranking of an owner's list (its variety pick is redone whenever the owner is related again).
    """
    lists: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for owner_id, related_id, score in RelatedArticle.objects.filter(article_id__in=list(offers)).values_list(
        "article_id", "related_id", "score"
    ):
        lists[owner_id].append((related_id, score))
    dropped: list[tuple[str, str]] = []
    added: list[RelatedArticle] = []
    for owner_id, score in offers.items():
        current = lists[owner_id]
        if any(related_id == newcomer_id for related_id, _ in current):
            continue
        if len(current) >= limit:
            weakest_id, weakest = min(current, key=lambda pair: pair[1])
            if score <= weakest:
                continue
            dropped.append((owner_id, weakest_id))
        added.append(RelatedArticle(article_id=owner_id, related_id=newcomer_id, score=score))
    if dropped:
        match = Q()
        for owner_id, related_id in dropped:
            match |= Q(article_id=owner_id, related_id=related_id)
        RelatedArticle.objects.filter(match).delete()
    RelatedArticle.objects.bulk_create(added, ignore_conflicts=True)


def _ranked_candidates(
    article: Article, scores: dict[str, float], time_factor: Callable[[Article, Article], float]
) -> list[tuple[float, Article]]:
    """Candidates read on the few columns scoring needs, best first; copies and its story left out."""
    candidates = Article.objects.only(*_FIELDS).in_bulk(list(scores))
    return sorted(
        (
            (scores[c.id] * time_factor(c, article), c)
            for c in candidates.values()
            if not _excluded(c, article)
        ),
        key=lambda pair: (pair[0], pair[1].published_at),
        reverse=True,
    )


def _excluded(candidate: Article, article: Article) -> bool:
    """The article itself, a copy of it (same page, same text, a syndication link), or its own story."""
    if candidate.id == article.id or candidate.canonical_url == article.canonical_url:
        return True
    if article.content_hash and candidate.content_hash == article.content_hash:
        return True
    if article.id == candidate.duplicate_of_id or candidate.id == article.duplicate_of_id:
        return True
    if article.duplicate_of_id and candidate.duplicate_of_id == article.duplicate_of_id:
        return True
    return article.story_id is not None and candidate.story_id == article.story_id


def _time_factor(candidate: Article, article: Article) -> float:
    days_apart = abs((candidate.published_at - article.published_at).total_seconds()) / 86400
    return TIME_FLOOR + (1 - TIME_FLOOR) * math.pow(0.5, days_apart / TIME_HALF_LIFE_DAYS)


def _pick_varied(ranked: list[tuple[float, Article]], limit: int) -> list[tuple[float, Article]]:
    """Greedy pick: a second article from one source, or one story, must still beat the rest.

    Copies among the candidates (one wire text on several sites) count once.
    """
    picked: list[tuple[float, Article]] = []
    per_source: Counter[int] = Counter()
    per_story: Counter[int] = Counter()
    seen_texts: set[str] = set()
    pool = list(ranked)

    def adjusted(pair: tuple[float, Article]) -> float:
        score, candidate = pair
        penalty = SAME_SOURCE_PENALTY ** per_source[candidate.source_id]
        if candidate.story_id is not None:
            penalty *= SAME_STORY_PENALTY ** per_story[candidate.story_id]
        return score * penalty

    while pool and len(picked) < limit:
        best = max(range(len(pool)), key=lambda i: adjusted(pool[i]))
        score, chosen = pool.pop(best)
        text_key = chosen.content_hash or chosen.id
        original = chosen.duplicate_of_id or chosen.id
        if text_key in seen_texts or original in seen_texts:
            continue
        seen_texts.update({text_key, original})
        picked.append((score, chosen))
        per_source[chosen.source_id] += 1
        if chosen.story_id is not None:
            per_story[chosen.story_id] += 1
    return picked


def _related_by_hashtags(article: Article, limit: int) -> list[Article]:
    """v1: sharing hashtags comes first; the newest of the same category fill the rest."""
    scores = _hashtag_scores(article)
    # Hundreds of candidates are scored on a few columns; only the picked few are read whole.
    ranked = _ranked_candidates(article, scores, _time_factor_v1)
    chosen = [c.id for _, c in _pick_varied(ranked, limit)]
    whole = Article.objects.select_related("source").defer("html").in_bulk(chosen)
    picked = [whole[article_id] for article_id in chosen if article_id in whole]
    # Then the newest of the same category, then the newest of any: a page never ends empty.
    for same_category in (True, False):
        if len(picked) >= limit:
            break
        taken = {a.id for a in picked} | {article.id}
        fillers = Article.objects.select_related("source").defer("html").exclude(id__in=taken)
        if same_category:
            fillers = fillers.filter(category=article.category)
        fillers = fillers.order_by("-published_at")[: (limit - len(picked)) * 3]
        ranked_fillers = [(1.0, c) for c in fillers if not _excluded(c, article)]
        picked += [c for _, c in _pick_varied(ranked_fillers, limit - len(picked))]
    return picked


def _hashtag_scores(article: Article) -> dict[str, float]:
    """Candidate id -> summed weight of the hashtags it shares with `article`."""
    tag_ids = list(ArticleHashtag.objects.filter(article=article).values_list("hashtag_id", flat=True))
    scores: dict[str, float] = defaultdict(float)
    for tag_id in tag_ids:
        rows = (
            ArticleHashtag.objects.filter(hashtag_id=tag_id)
            .exclude(article_id=article.id)
            .order_by("-published_at")
            .values_list("article_id", "weight")[:CANDIDATES_PER_HASHTAG]
        )
        for article_id, weight in rows:
            scores[article_id] += weight
    return scores


def _time_factor_v1(candidate: Article, article: Article) -> float:
    """v1 ranks shared-hashtag counts, a coarse signal, so time weighs more: 3 days apart halves it."""
    days_apart = abs((candidate.published_at - article.published_at).total_seconds()) / 86400
    return 1.0 / (1.0 + days_apart / TIME_HALF_LIFE_DAYS)

"""Related articles, v1: stories that share hashtags, close in time, from a mix of publishers.

A later version replaces the scoring with semantic similarity; callers rely only on
`related_articles(article, limit)`.
"""

from collections import Counter, defaultdict

from newsdesk.models import Article, ArticleHashtag

# How many recent taggings per shared hashtag to consider; keeps popular tags (#India) cheap.
CANDIDATES_PER_HASHTAG = 200
# Articles this many days apart score half as much as same-day ones.
TIME_HALF_LIFE_DAYS = 3.0
# Each article already picked from a source halves the next one's score from that source.
SAME_SOURCE_PENALTY = 0.5


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


def _is_copy(candidate: Article, article: Article) -> bool:
    if candidate.id == article.id or candidate.canonical_url == article.canonical_url:
        return True
    return bool(article.content_hash) and candidate.content_hash == article.content_hash


def _time_factor(candidate: Article, article: Article) -> float:
    days_apart = abs((candidate.published_at - article.published_at).total_seconds()) / 86400
    return 1.0 / (1.0 + days_apart / TIME_HALF_LIFE_DAYS)


def _pick_varied(ranked: list[tuple[float, Article]], limit: int) -> list[Article]:
    """Greedy pick that lets a second story from one publisher in only if it still beats the others."""
    picked: list[Article] = []
    per_source: Counter[int] = Counter()
    pool = list(ranked)
    while pool and len(picked) < limit:
        best = max(
            range(len(pool)),
            key=lambda i: pool[i][0] * SAME_SOURCE_PENALTY ** per_source[pool[i][1].source_id],
        )
        _, chosen = pool.pop(best)
        picked.append(chosen)
        per_source[chosen.source_id] += 1
    return picked


def related_articles(article: Article, limit: int = 6) -> list[Article]:
    """Up to `limit` articles related to `article`, never itself or a copy of it.

    Sharing hashtags comes first; when that finds too few, the newest stories of the
    same category fill the rest, so a fresh or untagged article still has neighbours.
    """
    scores = _hashtag_scores(article)
    candidates = Article.objects.select_related("source").in_bulk(list(scores))
    ranked = sorted(
        (
            (scores[candidate.id] * _time_factor(candidate, article), candidate)
            for candidate in candidates.values()
            if not _is_copy(candidate, article)
        ),
        key=lambda pair: (pair[0], pair[1].published_at),
        reverse=True,
    )
    picked = _pick_varied(ranked, limit)
    if len(picked) < limit:
        taken = {a.id for a in picked} | {article.id}
        fillers = (
            Article.objects.select_related("source")
            .filter(category=article.category)
            .exclude(id__in=taken)
            .order_by("-published_at")[: (limit - len(picked)) * 3]
        )
        ranked_fillers = [(1.0, c) for c in fillers if not _is_copy(c, article)]
        picked += _pick_varied(ranked_fillers, limit - len(picked))
    return picked

"""Idempotent writes of articles: every call can be repeated, or die half-way, safely.

An article is written as soon as a feed names it (from the feed's own content), then
improved in place once its page is extracted. A crash between the two loses nothing:
the article waits in the PENDING state and the next crawl picks it up.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from newsdesk.models import Article, ArticleHashtag, ExtractionState, Feed, FetchFailure, Hashtag, Source
from newsdesk.store.identity import article_id, canonicalize_url, content_hash

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DiscoveredArticle:
    """What a feed tells us about one article, before its page is fetched."""

    url: str
    guid: str
    title: str
    summary: str
    text: str
    html: str
    published: datetime | None
    authors: list[str]
    tags: list[str]
    image: str


def find_existing(source: Source, url: str, guid: str) -> Article | None:
    """The stored article this link or GUID names, under any of its identities."""
    canonical = canonicalize_url(url)
    match = Q(id=article_id(canonical)) | Q(url=url) | Q(canonical_url=canonical)
    if guid:
        match |= Q(source=source, guid=guid)
    return Article.objects.filter(match).first()


def record_discovered(source: Source, feed: Feed | None, found: DiscoveredArticle) -> Article | None:
    """Store a newly seen feed entry; None when we already have it."""
    if find_existing(source, found.url, found.guid) is not None:
        return None
    canonical = canonicalize_url(found.url)
    now = timezone.now()
    published = min(found.published, now) if found.published else now
    article = Article(
        id=article_id(canonical),
        url=found.url[:2000],
        canonical_url=canonical[:2000],
        guid=found.guid[:1000],
        content_hash=content_hash(found.text),
        source=source,
        feed=feed,
        title=found.title or found.url,
        description=found.summary,
        text=found.text,
        html=found.html,
        authors=found.authors,
        image_url=found.image[:2000],
        tags=found.tags,
        published_at=published,
        discovered_at=now,
        site_name=source.name,
        category=feed.section if feed and feed.section else Article._meta.get_field("category").default,
    )
    try:
        with transaction.atomic():
            article.save(force_insert=True)
    except IntegrityError:
        # Another worker stored it between our check and our insert.
        return None
    return article


def rekey_article(article: Article, canonical_url: str) -> Article:
    """Move an article to the id of the canonical URL its page declares.

    Returns the article that now holds the story: the moved one, or the one that
    already had that id (the duplicate is then removed).
    """
    canonical = canonicalize_url(canonical_url)
    new_id = article_id(canonical)
    if new_id == article.id:
        return article
    with transaction.atomic():
        existing = Article.objects.filter(id=new_id).first()
        if existing is not None:
            Article.objects.filter(id=article.id).delete()
            return existing
        old_id = article.id
        article.id = new_id
        article.canonical_url = canonical[:2000]
        article.save(force_insert=True)
        ArticleHashtag.objects.filter(article_id=old_id).update(article_id=new_id)
        Article.objects.filter(id=old_id).delete()
    return article


def find_same_text(article: Article) -> Article | None:
    """Another article of the same publisher with the same body: one story at two URLs."""
    if not article.content_hash:
        return None
    return (
        Article.objects.filter(source_id=article.source_id, content_hash=article.content_hash)
        .exclude(id=article.id)
        .order_by("discovered_at")
        .first()
    )


def replace_hashtags(article: Article, tags: list[tuple[str, float]]) -> None:
    """Set an article's hashtags to exactly `tags` (CamelCase name, weight).

    A hashtag keeps the spelling it was first stored with. Bulk statements: a row each
    would hold the write lock for a dozen round trips (and send a cache signal each).
    """
    spelling = {name.lower(): name for name, _ in reversed(tags)}
    with transaction.atomic():
        ArticleHashtag.objects.filter(article=article).delete()
        if not tags:
            return
        Hashtag.objects.bulk_create(
            [Hashtag(key=key, name=name) for key, name in spelling.items()], ignore_conflicts=True
        )
        ids = dict(Hashtag.objects.filter(key__in=list(spelling)).values_list("key", "id"))
        weights: dict[str, float] = {}
        for name, weight in tags:
            weights.setdefault(name.lower(), weight)
        ArticleHashtag.objects.bulk_create(
            [
                ArticleHashtag(
                    article=article, hashtag_id=ids[key], weight=weight, published_at=article.published_at
                )
                for key, weight in weights.items()
            ]
        )


def record_failure(
    url: str, stage: str, error: str, *, feed: Feed | None = None, status_code: int | None = None
) -> None:
    """Keep one visible row per failing URL and stage, counting attempts."""
    now = timezone.now()
    updated = FetchFailure.objects.filter(url=url[:2000], stage=stage).update(
        error=error, status_code=status_code, last_seen_at=now, feed=feed, attempts=F("attempts") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                FetchFailure.objects.create(
                    url=url[:2000], stage=stage, error=error, status_code=status_code, feed=feed
                )
        except IntegrityError:
            pass
    log.warning("%s failed for %s: %s", stage, url, error)


def clear_failure(url: str, *stages: str) -> None:
    """Forget the URL's failures at these stages (one statement: each write waits for the database lock)."""
    FetchFailure.objects.filter(url=url[:2000], stage__in=stages).delete()


def pending_articles(limit: int, max_attempts: int) -> list[str]:
    """Ids of articles whose page has not been extracted yet, oldest first."""
    return list(
        Article.objects.filter(extraction=ExtractionState.PENDING, extract_attempts__lt=max_attempts)
        .order_by("discovered_at")
        .values_list("id", flat=True)[:limit]
    )


def unenriched_articles(limit: int) -> list[str]:
    """Ids of articles past extraction whose enrichment never finished, oldest first."""
    return list(
        Article.objects.exclude(extraction=ExtractionState.PENDING)
        .filter(enriched_at__isnull=True)
        .order_by("discovered_at")
        .values_list("id", flat=True)[:limit]
    )


def give_up_on_pages(max_attempts: int) -> int:
    """Show articles whose page failed `max_attempts` times from their feed entry, for good."""
    return Article.objects.filter(
        extraction=ExtractionState.PENDING, extract_attempts__gte=max_attempts
    ).update(extraction=ExtractionState.FEED)

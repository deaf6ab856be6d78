"""Idempotent writes of articles: every call can be repeated, or die half-way, safely.

An article is written as soon as a feed names it (from the feed's own content), then
improved in place once its page is extracted. A crash between the two loses nothing:
the article waits in the PENDING state and the next crawl picks it up.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.encoding import iri_to_uri, uri_to_iri

from newsdesk.models import (
    Article,
    ArticleHashtag,
    ArticleRedirect,
    Category,
    Comment,
    ExtractionState,
    Feed,
    FetchFailure,
    Hashtag,
    SavedArticle,
    Source,
)
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


def existing_article_id(source: Source, url: str, guid: str) -> str | None:
    """The id of the stored article this link or GUID names, under any of its identities, or of the
    one it moved to: a feed entry dropped as a second URL of another article's text is not new
    again the next time its feed is read. Only ids are read: every entry of every poll asks."""
    canonical = canonicalize_url(url)
    match = _named_by_url(url, canonical)
    if guid:
        match |= Q(source=source, guid=guid)
    found = Article.objects.filter(match).values_list("id", flat=True)[:1]
    if not found:
        moved_to = ArticleRedirect.objects.filter(old_id=article_id(canonical)).values("article_id")
        found = Article.objects.filter(id__in=moved_to).values_list("id", flat=True)[:1]
    return found[0] if found else None


def find_article(id_or_url: str) -> Article | None:
    """The article with this id, or this link (as the feed gave it, or any form of its canonical URL)."""
    value = id_or_url.strip()
    match = Q(id=value)
    if "://" in value:
        # As typed, and percent-encoded or not: a browser's copy encodes what a feed gave as text.
        for form in {value, uri_to_iri(value), iri_to_uri(value)}:
            try:
                match |= _named_by_url(form, canonicalize_url(form))
            except ValueError:  # a port that is not a number: only the link as given can name it
                match |= Q(url=form)
    return Article.objects.filter(match).first()


def _named_by_url(url: str, canonical: str) -> Q:
    return Q(id=article_id(canonical)) | Q(url=url) | Q(canonical_url=canonical)


def record_discovered(source: Source, feed: Feed | None, found: DiscoveredArticle) -> Article | None:
    """Store a newly seen feed entry; None when we already have it."""
    if existing_article_id(source, found.url, found.guid) is not None:
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
    already had that id (the duplicate is then removed, its readers' comments and saves kept).
    """
    canonical = canonicalize_url(canonical_url)
    new_id = article_id(canonical)
    if new_id == article.id:
        return article
    with transaction.atomic():
        existing = Article.objects.filter(id=new_id).first()
        if existing is not None:
            drop_duplicate_article(article.id, existing.id)
            return existing
        old_id = article.id
        article.id = new_id
        article.canonical_url = canonical[:2000]
        article.save(force_insert=True)
        ArticleHashtag.objects.filter(article_id=old_id).update(article_id=new_id)
        drop_duplicate_article(old_id, new_id)
    return article


def drop_duplicate_article(duplicate_id: str, kept_id: str) -> None:
    """Delete an article known under another id, handing readers' comments and saves to `kept_id`.

    Deleting would cascade to them. Derived data (AI results, related links) goes with it. The
    old id, and any id that led to it, now redirects to `kept_id`: readers and feed readers
    were given links to it while it was shown from its feed entry.
    """
    with transaction.atomic():
        Comment.objects.filter(article_id=duplicate_id).update(article_id=kept_id)
        repoint_per_reader(
            SavedArticle.objects.filter(article_id=duplicate_id),
            SavedArticle.objects.filter(article_id=kept_id),
            article_id=kept_id,
        )
        ArticleRedirect.objects.filter(article_id=duplicate_id).update(article_id=kept_id)
        ArticleRedirect.objects.update_or_create(old_id=duplicate_id, defaults={"article_id": kept_id})
        Article.objects.filter(id=duplicate_id).delete()


def repoint_per_reader(moving: QuerySet, already_there: QuerySet, **target: object) -> None:
    """Point a model's `moving` rows at `target`, where `already_there` are, keeping one per reader.

    For rows unique per reader and target (a save, a follow): a reader's row that would
    duplicate one they already have there, or another moving one, is deleted instead.
    """
    moving.filter(user_id__in=already_there.values("user_id")).delete()
    earliest = moving.order_by().values("user_id").annotate(earliest=Min("pk")).values("earliest")
    moving.exclude(pk__in=earliest).delete()
    moving.update(**target)


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


def articles_to_enrich_again(
    *, missing_evidence: bool = False, since: datetime | None = None, source_id: int | None = None
) -> QuerySet[Article]:
    """Articles past extraction to run through enrichment again (`newsdesk enrich`), unordered.

    With no argument: every one of them. `missing_evidence` keeps those the classifier would give
    evidence to but that have none (enriched before it was stored): something to read, and a
    category neither locked by an operator nor imposed by a valid feed override (such articles
    never get evidence, so they would be picked again on every run). `since`: published at or
    after it; `source_id`: of that source. Articles still waiting for their page are never picked:
    the pipeline enriches them once extracted.
    """
    articles = Article.objects.exclude(extraction=ExtractionState.PENDING)
    if missing_evidence:
        articles = articles.filter(category_evidence__isnull=True, category_locked=False).filter(
            ~Q(title="") | ~Q(text="") | ~Q(description=""),
            Q(feed__isnull=True) | ~Q(feed__category_override__in=Category.values),
        )
    if since is not None:
        articles = articles.filter(published_at__gte=since)
    if source_id is not None:
        articles = articles.filter(source_id=source_id)
    return articles


def id_batches(articles: QuerySet[Article], size: int, limit: int | None = None) -> Iterator[list[str]]:
    """The ids of `articles`, oldest published first, `size` at a time (at most `limit` in all).

    Keyset paging on (published_at, id): each page is one indexed query starting where the last
    one ended, so no rows are read and thrown away for an OFFSET and no more than a page is held,
    on any size of archive; and an article that leaves the selection once processed (its evidence
    is now set) does not shift the pages after it. Oldest first is about the order the pipeline
    met them in, so what depends on order (related lists, the story of an article that had none,
    the story members a category is pooled with) comes out as ingest left it.
    """
    ordered = articles.order_by("published_at", "id")
    last: tuple[datetime, str] | None = None
    left = limit
    while left is None or left > 0:
        page = ordered
        if last is not None:
            page = page.filter(published_at__gte=last[0]).exclude(published_at=last[0], id__lte=last[1])
        rows = list(page.values_list("published_at", "id")[: size if left is None else min(size, left)])
        if not rows:
            return
        yield [article_id for _, article_id in rows]
        last = rows[-1]
        if left is not None:
            left -= len(rows)


# How an enrichment failure is told apart from an extraction one in `Article.last_error`.
ENRICH_ERROR_PREFIX = "enrich: "


def record_enrich_failure(article_id: str, error: str) -> None:
    """Keep on the article (`last_error`, shown in the admin) why enriching it again failed."""
    Article.objects.filter(id=article_id).update(last_error=f"{ENRICH_ERROR_PREFIX}{error}")


def clear_enrich_failures(article_ids: list[str]) -> None:
    """Forget the enrichment failures of articles since enriched (one statement; other errors stay)."""
    Article.objects.filter(id__in=article_ids, last_error__startswith=ENRICH_ERROR_PREFIX).update(
        last_error=""
    )


def give_up_on_pages(max_attempts: int) -> int:
    """Show articles whose page failed `max_attempts` times from their feed entry, for good."""
    return Article.objects.filter(
        extraction=ExtractionState.PENDING, extract_attempts__gte=max_attempts
    ).update(extraction=ExtractionState.FEED)

"""The API's queries. Each reuses what the reader pages use, so the API shows what the site shows.

Lists page with cursors: newest-first lists by their (published_at, id) key and sources by
their (name, id), so a page costs an index range whatever its depth and a new row never shifts
the next page; ranked lists (search, stories), whose order has no such key, by offset.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone

from newsdesk.enrich.dedup import originals
from newsdesk.enrich.hashtags.trending import trending_hashtags
from newsdesk.enrich.related import related_articles
from newsdesk.models import Article, ArticleHashtag, ArticleRedirect, Hashtag, Source, Story, StoryRedirect
from newsdesk.store.search import search_articles
from newsdesk.web.api.http import not_found
from newsdesk.web.api.params import (
    ArticleFilters,
    ArticleQuery,
    Cursor,
    KeyCursor,
    NameCursor,
    OffsetCursor,
    SourceQuery,
    StoryQuery,
    TimelineQuery,
    bad_parameter,
)
from newsdesk.web.pages.article_page import article_context
from newsdesk.web.pages.hashtags import hashtag_named, hashtag_taggings
from newsdesk.web.pages.stories import TELLING_ORDER, ranked_stories, story_coverage, story_timeline

# Listings never read the two body columns, the biggest by far.
BODY_FIELDS = ("html", "text")
# A hashtag's article counts are over these windows: bounded index ranges, never its whole history.
COUNT_DAY = timedelta(hours=24)
COUNT_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class ArticlePage:
    articles: list[Article]
    hashtags: dict[str, list[str]]  # article id -> hashtag names, heaviest first
    next: Cursor | None
    previous: Cursor | None


@dataclass(frozen=True)
class StoryPage:
    stories: list[Story]
    first_reports: dict[int, Article]  # story id -> its earliest article
    next: OffsetCursor | None
    previous: OffsetCursor | None


@dataclass(frozen=True)
class SourcePage:
    sources: list[Source]  # each annotated with latest_published_at
    next: NameCursor | None
    previous: NameCursor | None


@dataclass(frozen=True)
class HashtagDetail:
    hashtag: Hashtag
    article_count_24h: int  # originals published in the last 24 hours
    article_count_7d: int  # and in the last 7 days
    latest_published_at: datetime | None  # its newest original's date


@dataclass(frozen=True)
class ArticleDetail:
    article: Article
    page: dict  # the article page's context: the display policy already applied
    copies: list[str]
    related: list[Article]


@dataclass(frozen=True)
class _Rows:
    """A filtered newest-first list: its rows are articles, or hashtag taggings pointing at them."""

    queryset: QuerySet
    date: str  # the rows' date field
    key: str  # the rows' article id field
    article_of: Callable[[Any], Article]


def article_page(query: ArticleQuery) -> ArticlePage:
    """One page of /articles: the newest originals matching the filters, or search's ranking for `q`."""
    if query.q is not None:
        articles, next_cursor, previous_cursor = _search_page(query)
    else:
        articles, next_cursor, previous_cursor = _newest_page(query)
    prefetch_related_objects([a for a in articles if not _source_loaded(a)], "source")
    return ArticlePage(articles, hashtag_names([a.id for a in articles]), next_cursor, previous_cursor)


def hashtag_names(article_ids: list[str]) -> dict[str, list[str]]:
    """Each article's hashtags in one query, heaviest first and as many as its page shows."""
    names: dict[str, list[str]] = {}
    taggings = (
        ArticleHashtag.objects.filter(article_id__in=article_ids)
        .order_by("article_id", "-weight", "hashtag__key")
        .values_list("article_id", "hashtag__name")
    )
    for article_id, name in taggings:
        shown = names.setdefault(article_id, [])
        if len(shown) < settings.NEWSDESK_MAX_HASHTAGS:
            shown.append(name)
    return names


def _source_loaded(article: Article) -> bool:
    return Article.source.is_cached(article)


def _search_page(query: ArticleQuery) -> tuple[list[Article], Cursor | None, Cursor | None]:
    """Search's own ranking, by offset; a syndicated copy stands for its original, once."""
    offset = query.cursor.offset if isinstance(query.cursor, OffsetCursor) else 0
    size = query.page_size
    found = search_articles(query.q, limit=size + 1, offset=offset)
    articles = found[:size]
    next_cursor = OffsetCursor(offset + size) if len(found) > size else None
    previous_cursor = OffsetCursor(max(0, offset - size)) if offset > 0 else None
    return articles, next_cursor, previous_cursor


def _newest_page(query: ArticleQuery) -> tuple[list[Article], Cursor | None, Cursor | None]:
    rows = _filtered_rows(query.filters)
    if rows is None:
        return [], None, None
    cursor = query.cursor
    start = (cursor.older, cursor.published_at, cursor.article_id) if isinstance(cursor, KeyCursor) else None
    page, more_older, more_newer = _key_page(
        rows.queryset, (rows.date, rows.key), descending=True, size=query.page_size, start=start
    )
    # The key is the row's own: a tagging's copy of the date is what its index orders by.
    next_cursor = _key(rows, page[-1], older=True) if more_older else None
    previous_cursor = _key(rows, page[0], older=False) if more_newer else None
    return [rows.article_of(row) for row in page], next_cursor, previous_cursor


def _key(rows: _Rows, row: Any, *, older: bool) -> KeyCursor:
    return KeyCursor(older, getattr(row, rows.date), getattr(row, rows.key))


def _key_page(
    queryset: QuerySet,
    fields: tuple[str, str],
    *,
    descending: bool,
    size: int,
    start: tuple[bool, Any, Any] | None,
) -> tuple[list, bool, bool]:
    """One page of a list ordered by `fields` (the second breaks ties), in list order, and whether
    rows follow it and precede it.

    `start` is a cursor's (forward, first value, second value): the page is the rows after that
    key in list order (forward) or the ones just before it; None is the list's first page. An
    empty page (past an end, after deletions) has no neighbours to link to.
    """
    first, second = fields
    list_order = (f"-{first}", f"-{second}") if descending else (first, second)
    if start is None:
        found = list(queryset.order_by(*list_order)[: size + 1])
        page = found[:size]
        return page, bool(page) and len(found) > size, False
    forward, first_value, second_value = start
    # Forward in a descending list is down the index, back in an ascending one too.
    direction = "lt" if forward == descending else "gt"
    # Strictly beyond the key; the outer bound on the first field keeps it an index range.
    beyond = Q(**{f"{first}__{direction}e": first_value}) & (
        Q(**{f"{first}__{direction}": first_value}) | Q(**{f"{second}__{direction}": second_value})
    )
    if forward:
        found = list(queryset.filter(beyond).order_by(*list_order)[: size + 1])
        page = found[:size]
        return page, bool(page) and len(found) > size, bool(page)
    backward_order = (first, second) if descending else (f"-{first}", f"-{second}")
    found = list(queryset.filter(beyond).order_by(*backward_order)[: size + 1])
    page = found[:size][::-1]
    return page, bool(page), bool(page) and len(found) > size


def _filtered_rows(filters: ArticleFilters) -> _Rows | None:
    """The rows to page through; None when a hashtag that was never used makes the answer empty."""
    source = None
    if filters.source is not None:
        source = Source.objects.filter(slug=filters.source).first()
        if source is None:
            raise bad_parameter("source", f"unknown source {filters.source!r}; /api/v1/sources lists them")
    if filters.hashtag is None:
        rows = _Rows(
            originals(Article.objects.defer(*BODY_FIELDS)), "published_at", "id", lambda article: article
        )
        prefix = ""
    else:
        # The hashtag page's own lookup and rows: its taggings carry the date, so one index range
        # gives the page.
        hashtag = hashtag_named(filters.hashtag)
        if hashtag is None:
            return None
        taggings = (
            hashtag_taggings(hashtag)
            .select_related("article")
            .defer(*(f"article__{name}" for name in BODY_FIELDS))
        )
        rows = _Rows(taggings, "published_at", "article_id", lambda tagging: tagging.article)
        prefix = "article__"
    conditions = Q()
    if filters.category is not None:
        conditions &= Q(**{f"{prefix}category": filters.category})
    if source is not None:
        conditions &= Q(**{f"{prefix}source": source})
    if filters.language is not None:
        conditions &= Q(**{f"{prefix}language": filters.language})
    if filters.since is not None:
        conditions &= Q(**{f"{rows.date}__gte": filters.since})
    if filters.until is not None:
        conditions &= Q(**{f"{rows.date}__lt": filters.until})
    return _Rows(rows.queryset.filter(conditions), rows.date, rows.key, rows.article_of)


def moved_article_id(article_id: str) -> str | None:
    """Where an article no longer known by `article_id` went (re-keyed, or a duplicate dropped)."""
    return ArticleRedirect.objects.filter(old_id=article_id).values_list("article_id", flat=True).first()


def merged_story_id(story_id: int) -> int | None:
    """The story a story no longer known by `story_id` was merged into."""
    return StoryRedirect.objects.filter(old_id=story_id).values_list("story_id", flat=True).first()


def article_detail(article_id: str, site_url: str) -> ArticleDetail:
    """One article as its page shows it: the page's own context (so the display policy holds),
    its syndicated copies, and the related articles of the page's side column."""
    article = Article.objects.select_related("source").filter(id=article_id).first()
    if article is None:
        raise not_found(f"no article {article_id}")
    copies = list(
        Article.objects.filter(duplicate_of=article)
        .order_by("published_at", "id")
        .values_list("id", flat=True)
    )
    return ArticleDetail(article, article_context(article, site_url), copies, related_articles(article))


def story_page(query: StoryQuery) -> StoryPage:
    """Stories as the home page ranks its top stories, each with the article that reported it first."""
    offset = query.cursor.offset if query.cursor is not None else 0
    size = query.page_size
    # In the story page's order, ties and all, so both name the same first report.
    first_article = Article.objects.filter(story=OuterRef("pk")).order_by(*TELLING_ORDER).values("id")[:1]
    found = list(
        ranked_stories(query.min_sources)
        .select_related("representative__source")
        .defer("centroid", *(f"representative__{name}" for name in BODY_FIELDS))
        .annotate(first_article_id=Subquery(first_article))[offset : offset + size + 1]
    )
    stories = found[:size]
    first = (
        Article.objects.select_related("source")
        .defer(*BODY_FIELDS)
        .in_bulk([story.first_article_id for story in stories if story.first_article_id])
    )
    return StoryPage(
        stories,
        {story.id: first[story.first_article_id] for story in stories if story.first_article_id in first},
        OffsetCursor(offset + size) if len(found) > size else None,
        OffsetCursor(max(0, offset - size)) if offset > 0 else None,
    )


@dataclass(frozen=True)
class CoveragePage:
    coverage: dict  # the story page's grouping by source and counts (`story_coverage`)
    timeline: list[Article]
    next: OffsetCursor | None
    previous: OffsetCursor | None


def coverage_page(story_id: int, query: TimelineQuery) -> CoveragePage:
    """Full coverage as the story page shows it: each source's first versions with a count of the
    rest, and one page of the timeline; bounded work however many versions the story has."""
    story = (
        Story.objects.select_related("representative__source").defer("centroid").filter(id=story_id).first()
    )
    if story is None:
        raise not_found(f"no story {story_id}")
    offset = query.cursor.offset if query.cursor is not None else 0
    size = query.page_size
    found = list(story_timeline(story)[offset : offset + size + 1])
    return CoveragePage(
        story_coverage(story),
        found[:size],
        OffsetCursor(offset + size) if len(found) > size else None,
        OffsetCursor(max(0, offset - size)) if offset > 0 else None,
    )


def trending(limit: int) -> list[tuple[Hashtag, float]]:
    """The home page's trending hashtags, now."""
    return trending_hashtags(timezone.now(), limit)


def source_page(query: SourceQuery) -> SourcePage:
    """One page of the sources being followed, by name, each with its newest article's date
    (one index seek per source on the page)."""
    newest = (
        Article.objects.filter(source=OuterRef("pk")).order_by("-published_at").values("published_at")[:1]
    )
    active = Source.objects.filter(is_active=True).annotate(latest_published_at=Subquery(newest))
    cursor = query.cursor
    start = None if cursor is None else (cursor.after, cursor.name, cursor.row_id)
    page, more_after, more_before = _key_page(
        active, ("name", "id"), descending=False, size=query.page_size, start=start
    )
    return SourcePage(
        page,
        NameCursor(True, page[-1].name, page[-1].id) if more_after else None,
        NameCursor(False, page[0].name, page[0].id) if more_before else None,
    )


def hashtag_detail(name: str) -> HashtagDetail:
    """The hashtag the hashtag page would show for `name` (any case, '#' or not), with how many
    originals carried it lately and when the newest was published; a 404 when none has that name."""
    hashtag = hashtag_named(name)
    if hashtag is None:
        raise not_found(f"no hashtag {name!r}")
    now = timezone.now()
    taggings = hashtag_taggings(hashtag)
    counts = taggings.filter(published_at__gte=now - COUNT_WEEK).aggregate(
        week=Count("pk"), day=Count("pk", filter=Q(published_at__gte=now - COUNT_DAY))
    )
    latest = taggings.order_by("-published_at").values_list("published_at", flat=True).first()
    return HashtagDetail(hashtag, counts["day"], counts["week"], latest)

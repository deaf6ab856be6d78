"""Article pages that failed to fetch or extract: which, and putting them back in line."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from newsdesk.models import Article, ExtractionState, FetchFailure

# The stages an article's page fails at; feed failures are `newsdesk sources list`'s.
PAGE_STAGES = (FetchFailure.Stage.PAGE, FetchFailure.Stage.EXTRACT)
LISTED = 50  # failures a listing shows unless told


@dataclass(frozen=True)
class PageFailure:
    source: str  # "" when neither the failure's feed nor an article names one
    url: str
    stage: str
    status_code: int | None
    error: str
    attempts: int
    last_seen_at: datetime


def page_failures(*, source_id: int | None = None, limit: int = LISTED) -> list[PageFailure]:
    """The most recently seen page and extraction failures, newest first (two queries at most)."""
    failures = FetchFailure.objects.filter(stage__in=PAGE_STAGES)
    if source_id is not None:
        failures = failures.filter(
            Q(feed__source_id=source_id)
            | Q(url__in=Article.objects.filter(source_id=source_id).values("url"))
        )
    rows = list(failures.select_related("feed__source").order_by("-last_seen_at", "-id")[:limit])
    # A failure without a feed (a feed since removed): its article says whose page it is.
    article_sources = dict(
        Article.objects.filter(url__in={row.url for row in rows if row.feed is None}).values_list(
            "url", "source__name"
        )
    )
    return [
        PageFailure(
            source=row.feed.source.name if row.feed else article_sources.get(row.url, ""),
            url=row.url,
            stage=row.stage,
            status_code=row.status_code,
            error=row.error,
            attempts=row.attempts,
            last_seen_at=row.last_seen_at,
        )
        for row in rows
    ]


def failing_articles(source_id: int) -> QuerySet[Article]:
    """The source's articles whose page failed and that are not extracted since, oldest found first."""
    return (
        Article.objects.filter(source_id=source_id)
        .exclude(extraction=ExtractionState.PAGE)
        .filter(url__in=FetchFailure.objects.filter(stage__in=PAGE_STAGES).values("url"))
        .order_by("discovered_at")
    )


def wait_for_page_again(article_ids: list[str]) -> int:
    """Put articles shown from their feed entry back to waiting for their page, with every attempt
    the pipeline allows a page (`pipeline.MAX_PAGE_ATTEMPTS`); an extracted article is left alone."""
    return (
        Article.objects.filter(id__in=article_ids)
        .exclude(extraction=ExtractionState.PAGE)
        .update(extraction=ExtractionState.PENDING, extract_attempts=0)
    )

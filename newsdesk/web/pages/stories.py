"""Full coverage: one story as every source tells it, and the story links on other pages."""

from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from newsdesk.models import Article, ExtractionState, Source, Story
from newsdesk.web.pages.redirects import merged_story
from newsdesk.web.paging import queryset_fetcher, requested_page, slice_page

# Stories in the home page's "Top stories" block; a story needs two sources to be "top".
TOP_STORIES = 6
MIN_TOP_SOURCES = 2
# Without a top story, the home page leads with the newest extracted article among this many.
LEAD_LOOKBACK = 200
# Sibling headlines under "More on this story" on an article page.
SIBLINGS_SHOWN = 4
# The story page does bounded work however big the story grows (some pass 500 articles): each
# source lists its first few versions and counts the rest, and the timeline comes in pages.
VERSIONS_PER_SOURCE = 3
TIMELINE_PAGE_SIZE = 50
# The order a story's versions are told in: "who reported first" is the first of it.
TELLING_ORDER = ("published_at", "discovered_at", "id")


@dataclass
class SourceCoverage:
    source: Source
    articles: list[Article]  # oldest first
    # Versions from this source beyond `articles` (the story page shows only the first few).
    more: int = 0


@dataclass
class StorySummary:
    story: Story
    lead: Article | None


@dataclass
class HomeLead:
    article: Article
    story: Story | None  # the story it stands for, when it came from one


def home_lead(
    ranked: list[StorySummary], newest_items: list[Article], newest: QuerySet[Article]
) -> HomeLead | None:
    """The home page's "Top story": the top-ranked story, told by its representative article.

    Without stories, the newest article whose page was extracted: a feed-only blurb from a
    site whose pages fail must not take the hero slot. `newest_items` (the page already
    fetched) are looked at first, then at most LEAD_LOOKBACK of `newest`.
    """
    for entry in ranked:
        if entry.lead is not None:
            return HomeLead(entry.lead, entry.story)
    if not newest_items:
        return None
    extracted = next((item for item in newest_items if item.extraction == ExtractionState.PAGE), None)
    if extracted is None:
        states = newest.prefetch_related(None).values_list("id", "extraction")[:LEAD_LOOKBACK]
        found = next((article_id for article_id, state in states if state == ExtractionState.PAGE), None)
        extracted = newest.filter(id=found).first() if found else None
    return HomeLead(extracted or newest_items[0], None)


def _versions(story: Story) -> QuerySet[Article]:
    return Article.objects.filter(story=story).select_related("source", "duplicate_of__source").defer("html")


def story_page_context(story: Story, timeline_page: int) -> dict:
    """The story page's context: its coverage, and page `timeline_page` of its timeline."""
    timeline = slice_page(queryset_fetcher(story_timeline(story)), timeline_page, TIMELINE_PAGE_SIZE)
    return {**story_coverage(story), "timeline_page": timeline}


def story_timeline(story: Story) -> QuerySet[Article]:
    """Every version of `story`, oldest first: slice it, a big story passes 500 articles."""
    return _versions(story).order_by(*TELLING_ORDER)


def story_coverage(story: Story) -> dict:
    """Versions grouped by source, who reported first and the counts, in a few queries whatever
    the story's size.

    Each source shows its first VERSIONS_PER_SOURCE versions and a count of the rest (one
    query ranks versions within their source), sources ordered by their first version.
    """
    counts = dict(
        Article.objects.filter(story=story)
        .order_by()
        .values("source_id")
        .annotate(versions=Count("id"))
        .values_list("source_id", "versions")
    )
    first_versions = (
        _versions(story)
        .annotate(
            place_in_source=Window(
                RowNumber(), partition_by=F("source_id"), order_by=[F(field).asc() for field in TELLING_ORDER]
            )
        )
        .filter(place_in_source__lte=VERSIONS_PER_SOURCE)
        .order_by(*TELLING_ORDER)
    )
    by_source: dict[int, SourceCoverage] = {}
    for article in first_versions:
        by_source.setdefault(article.source_id, SourceCoverage(article.source, [])).articles.append(article)
    # Sources in the order their first version appeared: the first group reported first.
    coverage = sorted(by_source.values(), key=lambda group: _telling_key(group.articles[0]))
    for group in coverage:
        group.more = counts.get(group.source.id, 0) - len(group.articles)
    return {
        "story": story,
        "coverage": coverage,
        "first_report": coverage[0].articles[0] if coverage else None,
        "source_count": len(counts),
        "article_count": sum(counts.values()),
    }


def _telling_key(article: Article) -> tuple:
    return tuple(getattr(article, field) for field in TELLING_ORDER)


def more_on_this_story(article: Article, limit: int = SIBLINGS_SHOWN) -> dict | None:
    """A few other sources' versions of `article`'s story, for its page; None when it stands alone."""
    if not article.story_id:
        return None
    siblings = (
        Article.objects.filter(story_id=article.story_id)
        .exclude(id=article.id)
        .exclude(source_id=article.source_id)
        .select_related("source")
        .defer("html")
        .order_by("published_at")
    )
    shown, seen_sources = [], set()
    for sibling in siblings[:200]:
        if sibling.source_id not in seen_sources:
            seen_sources.add(sibling.source_id)
            shown.append(sibling)
        if len(shown) == limit:
            break
    if not shown:
        return None
    story = Story.objects.get(id=article.story_id)
    return {"story": story, "articles": shown}


def ranked_stories(min_sources: int = MIN_TOP_SOURCES) -> QuerySet[Story]:
    """Stories told by at least `min_sources` sources, broadest and freshest first (`Story.rank_score`).

    Ties go to the newer story: offset pages need one total order, and the database's own order
    of equal scores changes with the LIMIT (unranked stories all score 0).
    """
    return Story.objects.filter(source_count__gte=min_sources).order_by("-rank_score", "-id")


def top_stories(limit: int = TOP_STORIES) -> list[StorySummary]:
    """The home page's top stories, each with its representative article.

    A representative that is a syndicated copy is told by its original: lists show a wire story
    once, under the publisher that ran it first.
    """
    stories = list(
        ranked_stories()
        .select_related("representative__source", "representative__duplicate_of__source")
        .defer("centroid", "representative__html", "representative__duplicate_of__html")[:limit]
    )
    return [StorySummary(story, _original(story.representative)) for story in stories]


def _original(article: Article | None) -> Article | None:
    if article is None or article.duplicate_of_id is None:
        return article
    return article.duplicate_of


def story(request: HttpRequest, story_id: int) -> HttpResponse:
    found = Story.objects.filter(id=story_id).first()
    if found is None:
        return merged_story(request, story_id)
    context = story_page_context(found, requested_page(request))
    feed_url = reverse("story_feed", args=[found.id])
    return render(request, "newsdesk/story.html", {**context, "feed_url": feed_url})

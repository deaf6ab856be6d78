"""Full coverage: one story as every source tells it, and the story links on other pages."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from newsdesk.models import Article, Source, Story

# Stories in the home page's "Top stories" block; a story needs two sources to be "top".
TOP_STORIES = 6
MIN_TOP_SOURCES = 2
# Sibling headlines under "More on this story" on an article page.
SIBLINGS_SHOWN = 4


@dataclass
class SourceCoverage:
    source: Source
    articles: list[Article]  # oldest first


@dataclass
class StorySummary:
    story: Story
    lead: Article | None


def story_context(story: Story) -> dict:
    """Every version grouped by source (first reporter first), the timeline and the source count."""
    timeline = list(
        Article.objects.filter(story=story)
        .select_related("source", "duplicate_of__source")
        .defer("html")
        .order_by("published_at", "discovered_at")
    )
    by_source: dict[int, SourceCoverage] = {}
    for article in timeline:
        by_source.setdefault(article.source_id, SourceCoverage(article.source, [])).articles.append(article)
    return {
        "story": story,
        "timeline": timeline,
        "coverage": list(by_source.values()),
        "first_report": timeline[0] if timeline else None,
        "source_count": len(by_source),
    }


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
    """Stories told by at least `min_sources` sources, broadest and freshest first (`Story.rank_score`)."""
    return Story.objects.filter(source_count__gte=min_sources).order_by("-rank_score")


def top_stories(limit: int = TOP_STORIES) -> list[StorySummary]:
    """The home page's top stories, each with its representative article."""
    stories = list(ranked_stories().select_related("representative__source")[:limit])
    return [StorySummary(story, story.representative) for story in stories]


def story(request: HttpRequest, story_id: int) -> HttpResponse:
    found = get_object_or_404(Story.objects.select_related("representative"), id=story_id)
    feed_url = reverse("story_feed", args=[found.id])
    return render(request, "newsdesk/story.html", {**story_context(found), "feed_url": feed_url})

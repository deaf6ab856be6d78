from datetime import timedelta

import pytest

from newsdesk.enrich.related import related_articles
from newsdesk.models import Article
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources():
    return [make_source(name) for name in ("Alpha News", "Beta Post", "Gamma Wire")]


def test_excludes_the_article_itself(sources):
    story = make_article(sources[0], "Story", hashtags=("Iran", "Putin"))
    make_article(sources[1], "Other", hashtags=("Iran",))
    related = related_articles(story)
    assert story not in related
    assert [a.title for a in related] == ["Other"]


def test_more_shared_hashtags_rank_higher(sources):
    story = make_article(sources[0], "Story", hashtags=("Iran", "Putin", "Israel"))
    make_article(sources[1], "One shared", hashtags=("Iran",))
    make_article(sources[2], "Three shared", hashtags=("Iran", "Putin", "Israel"))
    make_article(sources[1], "Two shared", hashtags=("Putin", "Israel"), age=timedelta(hours=2))
    assert [a.title for a in related_articles(story)] == ["Three shared", "Two shared", "One shared"]


def test_closer_in_time_wins_between_equal_matches(sources):
    story = make_article(sources[0], "Story", hashtags=("Gaza",))
    make_article(sources[1], "Last month", hashtags=("Gaza",), age=timedelta(days=30))
    make_article(sources[2], "Today", hashtags=("Gaza",), age=timedelta(hours=3))
    assert [a.title for a in related_articles(story)] == ["Today", "Last month"]


def test_excludes_copies_of_the_same_story(sources):
    story = make_article(sources[0], "Story", hashtags=("Gaza",), content_hash="a" * 40)
    make_article(sources[1], "Syndicated copy", hashtags=("Gaza",), content_hash="a" * 40)
    # The page's own <link rel=canonical> can point at a story already stored under another URL.
    alias = make_article(sources[2], "Same canonical page", hashtags=("Gaza",))
    Article.objects.filter(id=alias.id).update(canonical_url=story.canonical_url)
    make_article(sources[2], "Different story", hashtags=("Gaza",), content_hash="b" * 40)
    assert [a.title for a in related_articles(story)] == ["Different story"]


def test_prefers_a_variety_of_sources(sources):
    story = make_article(sources[0], "Story", hashtags=("Election",))
    for n in range(3):
        make_article(sources[1], f"Beta {n}", hashtags=("Election",), age=timedelta(minutes=10 + n))
    make_article(sources[2], "Gamma", hashtags=("Election",), age=timedelta(minutes=20))
    picked = related_articles(story, limit=2)
    assert {a.source.name for a in picked} == {"Beta Post", "Gamma Wire"}


def test_same_category_fills_in_for_untagged_stories(sources):
    story = make_article(sources[0], "Untagged", category="sports")
    make_article(sources[1], "Cricket", category="sports")
    make_article(sources[2], "Budget", category="business")
    assert [a.title for a in related_articles(story)] == ["Cricket"]


def test_respects_limit(sources):
    story = make_article(sources[0], "Story", hashtags=("Tech",))
    for n in range(5):
        make_article(sources[n % 3], f"Tech {n}", hashtags=("Tech",))
    assert len(related_articles(story, limit=3)) == 3

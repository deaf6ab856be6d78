from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.enrich.stories.actions import join_story, rank_score, reset_term_statistics
from newsdesk.enrich.vectors import embed_article, reset_vector_index
from newsdesk.models import Article, Source, Story

# Recent: the vector index only searches its window of recent days.
NOON = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)


@pytest.fixture(autouse=True)
def fresh_indexes():
    reset_vector_index()
    reset_term_statistics()
    yield
    reset_vector_index()
    reset_term_statistics()


def publish(source_name: str, title: str, minutes: float, **fields) -> Article:
    source, _ = Source.objects.get_or_create(slug=source_name, defaults={"name": source_name})
    number = Article.objects.count()
    article = Article.objects.create(
        id=f"{number:032x}",
        url=f"https://{source_name}.example/{number}",
        canonical_url=f"https://{source_name}.example/{number}",
        source=source,
        title=title,
        published_at=NOON + timedelta(minutes=minutes),
        **fields,
    )
    return article


def cluster(article: Article) -> Story | None:
    return join_story(article, embed_article(article))


@pytest.mark.django_db
def test_versions_from_several_sources_form_one_story_with_counts_and_a_title():
    harbour = [
        publish("gazette", "Harbour breakwater to close for six weeks of storm gate repairs", 0),
        publish("courier", "Breakwater closure: harbour storm gates to be replaced next month", 40),
        publish("herald", "Harbour breakwater shuts for repairs; ferry moves to temporary pontoon", 90),
    ]
    unrelated = publish("gazette", "Titanfall review roundup: critics praise the mech shooter", 60)
    stories = [cluster(article) for article in [harbour[0], harbour[1], unrelated, harbour[2]]]
    story = stories[0]
    assert stories[1] == stories[3] == story
    assert stories[2] != story
    story.refresh_from_db()
    assert story.article_count == 3
    assert story.source_count == 3
    assert story.first_published_at == harbour[0].published_at
    assert story.last_published_at == harbour[2].published_at
    assert story.title in {a.title for a in harbour}
    assert story.representative_id in {a.id for a in harbour}
    assert len(bytes(story.centroid)) == 384 * 4
    assert story.rank_score == pytest.approx(rank_score(3, harbour[2].published_at))


@pytest.mark.django_db
def test_joining_is_idempotent_and_a_copy_joins_its_originals_story_even_without_a_vector():
    original = publish("wire", "Harbour breakwater to close for repairs", 0)
    story = cluster(original)
    assert cluster(Article.objects.get(id=original.id)) == story
    copy = publish("reprint", "Breakwater to close", 30, duplicate_of=original)
    assert join_story(copy, None) == story
    assert Story.objects.get(id=story.id).article_count == 2


@pytest.mark.django_db
def test_an_article_without_a_vector_or_versions_gets_no_story():
    assert join_story(publish("gazette", "Harbour news", 0), None) is None
    assert Story.objects.count() == 0


def test_rank_score_trades_breadth_for_freshness():
    later = NOON + timedelta(hours=12)
    assert rank_score(3, NOON) == pytest.approx(rank_score(1, later))
    assert rank_score(7, NOON) > rank_score(1, later)
    assert rank_score(2, later) > rank_score(2, NOON)

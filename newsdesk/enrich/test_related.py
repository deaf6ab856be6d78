from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from newsdesk.enrich.language import label_language
from newsdesk.enrich.related import relate_article, related_articles
from newsdesk.enrich.vectors import embed_article, reset_vector_index, store_embedding
from newsdesk.enrich.vectors.matrix import MatrixIndex
from newsdesk.models import Article, ArticleEmbedding, RelatedArticle, Story
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


def test_same_category_then_the_newest_fill_in_for_untagged_stories(sources):
    story = make_article(sources[0], "Untagged", category="sports")
    make_article(sources[1], "Cricket", category="sports")
    make_article(sources[2], "Budget", category="business")
    assert [a.title for a in related_articles(story)] == ["Cricket", "Budget"]
    assert [a.title for a in related_articles(story, limit=1)] == ["Cricket"]


def test_respects_limit(sources):
    story = make_article(sources[0], "Story", hashtags=("Tech",))
    for n in range(5):
        make_article(sources[n % 3], f"Tech {n}", hashtags=("Tech",))
    assert len(related_articles(story, limit=3)) == 3


# --- v2: nearest neighbours by meaning, stored at ingest.

DIMENSIONS = 16
MODEL = "test-16d"
QUERY = np.eye(DIMENSIONS, dtype=np.float32)[0]


def similar(cosine: float, n: int) -> np.ndarray:
    """A unit vector at `cosine` to QUERY; different `n` give vectors apart from each other."""
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    vector[0], vector[1 + n % (DIMENSIONS - 1)] = cosine, np.sqrt(1 - cosine**2)
    return vector


@pytest.fixture
def index():
    return MatrixIndex(model=MODEL, dimensions=DIMENSIONS, window_days=30)


def embedded(index, source, title, vector, **fields):
    article = make_article(source, title, **fields)
    store_embedding(article, vector, model=MODEL, index=index)
    return article


def titles(rows):
    return [Article.objects.get(id=row.related_id).title for row in rows]


def make_story(title="An event"):
    now = timezone.now()
    return Story.objects.create(title=title, first_published_at=now, last_published_at=now)


def test_v2_ranks_by_meaning_and_stores_rows(sources, index):
    story = embedded(index, sources[0], "Story", QUERY)
    embedded(index, sources[1], "Close", similar(0.9, 1))
    embedded(index, sources[2], "Closer", similar(0.93, 2))
    embedded(index, sources[1], "Loose", similar(0.5, 3), age=timedelta(hours=2))
    embedded(index, sources[2], "Unrelated", similar(0.1, 4))
    rows = relate_article(story, index=index)
    assert titles(rows) == ["Closer", "Close", "Loose"]
    assert [a.title for a in related_articles(story)] == ["Closer", "Close", "Loose"]
    assert RelatedArticle.objects.filter(article=story).count() == 3


def test_v2_excludes_copies_and_the_same_story(sources, index):
    event = make_story()
    original = embedded(index, sources[1], "Wire original", similar(0.9, 1))
    story = embedded(
        index, sources[0], "Story", QUERY, content_hash="a" * 40, story=event, duplicate_of=original
    )
    embedded(index, sources[1], "Same text", similar(0.92, 2), content_hash="a" * 40)
    embedded(index, sources[2], "Copy of story", similar(0.93, 3), duplicate_of=story)
    embedded(index, sources[2], "Other copy of the wire", similar(0.91, 4), duplicate_of=original)
    embedded(index, sources[1], "Same event, other outlet", similar(0.9, 5), story=event)
    alias = embedded(index, sources[2], "Same page", similar(0.9, 6))
    Article.objects.filter(id=alias.id).update(canonical_url=story.canonical_url)
    embedded(index, sources[2], "Reworded", similar(0.97, 7))
    embedded(index, sources[2], "Related event", similar(0.8, 8), story=make_story("Another event"))
    assert titles(relate_article(story, index=index)) == ["Related event"]


def test_v2_prefers_variety_of_sources_and_stories(sources, index):
    story = embedded(index, sources[0], "Story", QUERY)
    other_event = make_story("Another event")
    for n in range(3):
        embedded(index, sources[1], f"Beta {n}", similar(0.9 - n / 100, n))
    embedded(index, sources[2], "Gamma", similar(0.8, 5))
    embedded(index, sources[0], "Alpha event 1", similar(0.85, 6), story=other_event)
    embedded(index, sources[2], "Gamma event 2", similar(0.84, 7), story=other_event)
    picked = titles(relate_article(story, index=index))[:3]
    assert picked[0] == "Beta 0"
    assert {"Gamma", "Alpha event 1"} <= set(picked)
    assert "Beta 1" not in picked


def test_v2_decays_with_time_apart(sources, index):
    story = embedded(index, sources[0], "Story", QUERY)
    embedded(index, sources[1], "Same day", similar(0.8, 1), age=timedelta(hours=3))
    embedded(index, sources[2], "Weeks ago", similar(0.85, 2), age=timedelta(days=20))
    assert titles(relate_article(story, index=index)) == ["Same day", "Weeks ago"]


def test_new_article_joins_older_neighbours_lists(sources, index, settings):
    settings.NEWSDESK_RELATED_STORED = 2
    older = embedded(index, sources[0], "Older", QUERY, age=timedelta(hours=5))
    embedded(index, sources[1], "Weak A", similar(0.5, 1), age=timedelta(hours=6))
    embedded(index, sources[2], "Weak B", similar(0.45, 2), age=timedelta(hours=6))
    assert titles(relate_article(older, index=index)) == ["Weak A", "Weak B"]
    newcomer = embedded(index, sources[1], "Strong newcomer", similar(0.9, 3))
    relate_article(newcomer, index=index)
    assert [a.title for a in related_articles(older)] == ["Strong newcomer", "Weak A"]


def test_a_pair_another_enrichment_wrote_meanwhile_is_kept_not_an_error(sources, index, monkeypatch):
    """Two articles enriched at once each put the other in its lists; the second write of a pair
    (between this transaction's read and its write) must not fail the whole enrichment."""
    older = embedded(index, sources[0], "Older", QUERY, age=timedelta(hours=5))
    newcomer = embedded(index, sources[1], "Newcomer", similar(0.9, 1))
    create = RelatedArticle.objects.bulk_create

    def after_a_concurrent_write(rows, **kwargs):
        for row in rows:  # what the other article's enrichment committed in the meantime
            RelatedArticle.objects.get_or_create(
                article_id=row.article_id, related_id=row.related_id, defaults={"score": 0.5}
            )
        return create(rows, **kwargs)

    monkeypatch.setattr(RelatedArticle.objects, "bulk_create", after_a_concurrent_write)
    relate_article(newcomer, index=index)
    pairs = list(RelatedArticle.objects.values_list("article_id", "related_id"))
    assert sorted(pairs) == sorted([(newcomer.id, older.id), (older.id, newcomer.id)])


def test_without_a_vector_nothing_is_stored_and_v1_answers(sources, index):
    story = make_article(sources[0], "Not embedded", hashtags=("Gaza",))
    make_article(sources[1], "Tagged alike", hashtags=("Gaza",))
    assert relate_article(story, index=index) == []
    assert [a.title for a in related_articles(story)] == ["Tagged alike"]


def test_article_page_shows_the_stored_related_articles(sources, index, client):
    story = embedded(index, sources[0], "Harbour ferry strike", QUERY, category="business")
    embedded(index, sources[1], "Ferry workers vote on pay offer", similar(0.8, 1), category="world")
    relate_article(story, index=index)
    page = client.get(story.get_absolute_url()).content.decode()
    related = page[page.index('class="related"') :]
    assert "Ferry workers vote on pay offer" in related


@pytest.fixture
def process_index():
    reset_vector_index()
    yield
    reset_vector_index()


def test_ingest_steps_label_embed_and_relate(sources, process_index):
    """The steps enrich_stage runs (language early, embed, relate last), with the real model."""
    texts = {
        "Harbour ferry strike halts crossings": "Ferry crews walked out over pay, stopping all crossings.",
        "Ferry crossings cancelled as crews strike over pay": "No ferries ran as the crew strike went on.",
        "Local team wins the cup final": "The home side scored twice in extra time to lift the trophy.",
        "Grève des ferries dans le port": "Les équipages des ferries ont cessé le travail pour les salaires.",
    }
    articles = [
        make_article(sources[n % 3], title, text=text) for n, (title, text) in enumerate(texts.items())
    ]
    for article in articles:
        label_language(article)
        embed_article(article)
        relate_article(article)
    strike, cancelled, cup, french = (Article.objects.get(id=a.id) for a in articles)
    assert [strike.language, cup.language, french.language] == ["en", "en", "fr"]
    assert ArticleEmbedding.objects.filter(article_id__in=[a.id for a in articles]).count() == 4
    assert related_articles(strike)[0] == cancelled
    assert cup not in related_articles(strike)

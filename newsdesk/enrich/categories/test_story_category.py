"""The pipeline pools an article's category evidence with its story's, and decides the story's newest
members again from the same pool (assign.story_category)."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk import pipeline
from newsdesk.enrich.categories import assign
from newsdesk.enrich.categories.assign import pack_evidence, story_category, unpack_evidence
from newsdesk.enrich.categories.classifier import decide
from newsdesk.enrich.categories.model import shipped_model
from newsdesk.models import Article, Feed, Story
from newsdesk.web.testing import make_article, make_source

CATEGORIES = shipped_model().categories


def log_p(**shares: float) -> np.ndarray:
    """Log-probabilities giving each named category its share and the rest an equal remainder."""
    rest = (1 - sum(shares.values())) / (len(CATEGORIES) - len(shares))
    return np.log(np.array([shares.get(c, rest) for c in CATEGORIES]))


# Clearly business; and a headline leaning slightly to technology, business a close second.
BUSINESS = log_p(business=0.9)
LEANS_TECH = log_p(technology=0.46, business=0.40)


@pytest.fixture
def source():
    return make_source("Harbour Times")


def story_of(source, members: int) -> Story:
    now = timezone.now()
    story = Story.objects.create(title="Acme merger", first_published_at=now, last_published_at=now)
    for index in range(members):
        make_article(
            source,
            f"Acme shares jump on merger talk {index}",
            story=story,
            category_evidence=pack_evidence(BUSINESS),
        )
    return story


def joining(source, story: Story | None, **fields) -> Article:
    return make_article(
        source,
        "Acme chief on the new phone",
        story=story,
        category_evidence=pack_evidence(LEANS_TECH),
        **fields,
    )


def test_the_example_evidence_leans_to_technology_on_its_own():
    assert decide(np.exp(LEANS_TECH), CATEGORIES)[0] == "technology"


@pytest.mark.django_db
def test_an_article_joining_a_business_story_is_business(source):
    story = story_of(source, 3)
    with CaptureQueriesContext(connection) as queries:
        category, confidence = story_category(joining(source, story), story.id).article
    assert category == "business"
    assert confidence > 0.5
    assert len([q for q in queries if "category_evidence" in q["sql"] and q["sql"].startswith("SELECT")]) == 1


@pytest.mark.django_db
def test_alone_in_its_story_an_article_keeps_its_own_category(source):
    story = story_of(source, 0)
    article = joining(source, story)
    assert story_category(article, story.id) is None
    # Members without stored evidence (enriched before it was kept) do not count either.
    make_article(source, "Acme shares jump on merger talk", story=story)
    assert story_category(article, story.id) is None


@pytest.mark.django_db
def test_locked_and_overridden_articles_are_not_pooled(source):
    story = story_of(source, 3)
    assert story_category(joining(source, story, category_locked=True), story.id) is None
    feed = Feed.objects.create(source=source, url="https://harbour.example/rss", category_override="science")
    assert story_category(joining(source, story, feed=feed), story.id) is None


@pytest.mark.django_db
def test_only_the_newest_members_are_read(source, monkeypatch):
    monkeypatch.setattr(assign, "STORY_MEMBERS_POOLED", 2)
    story = story_of(source, 0)
    for hours, evidence in (
        (1, BUSINESS),
        (2, BUSINESS),
        (30, LEANS_TECH),
        (31, LEANS_TECH),
        (32, LEANS_TECH),
    ):
        make_article(
            source,
            "Acme",
            story=story,
            category_evidence=pack_evidence(evidence),
            age=timezone.timedelta(hours=hours),
        )
    assert story_category(joining(source, story), story.id).article[0] == "business"


def test_evidence_of_another_model_is_not_read():
    assert unpack_evidence(pack_evidence(BUSINESS), len(CATEGORIES)) == pytest.approx(BUSINESS, abs=1e-6)
    assert unpack_evidence(pack_evidence(BUSINESS[:5]), len(CATEGORIES)) is None
    assert unpack_evidence(None, len(CATEGORIES)) is None


@pytest.fixture
def own_evidence_leans_tech(monkeypatch):
    """The classifier's own evidence for every article is LEANS_TECH (the model is not under test here)."""
    monkeypatch.setattr(assign, "log_evidence", lambda items, **kwargs: ([0], LEANS_TECH[np.newaxis]))


def enrich_into(article: Article, story: Story, monkeypatch) -> Article:
    """enrich_stage with the article placed in `story` (the clusterer is not under test here)."""
    monkeypatch.setattr(pipeline, "join_story", lambda article, vector: story)
    pipeline.enrich_stage(article.id)
    return Article.objects.get(id=article.id)


@pytest.mark.django_db
def test_the_pipeline_gives_a_story_member_its_story_category(source, monkeypatch, own_evidence_leans_tech):
    story = story_of(source, 3)
    stored = enrich_into(make_article(source, "Acme chief on the new phone"), story, monkeypatch)
    assert stored.category == "business"
    assert stored.enriched_at is not None
    # Its own evidence is stored, not the pooled one: later members pool with what it said itself.
    assert unpack_evidence(stored.category_evidence, len(CATEGORIES)) == pytest.approx(LEANS_TECH, abs=1e-6)
    # The earlier members are decided again from the same pool, and written.
    assert set(Article.objects.exclude(id=stored.id).values_list("category", flat=True)) == {"business"}


@pytest.mark.django_db
def test_a_story_s_first_article_follows_what_later_members_say(source):
    story = story_of(source, 0)
    first = joining(source, story, category="technology", category_confidence=0.46)
    for index in range(3):
        make_article(
            source, f"Acme shares jump {index}", story=story, category_evidence=pack_evidence(BUSINESS)
        )
    newest = make_article(source, "Acme merger", story=story, category_evidence=pack_evidence(BUSINESS))
    decisions = story_category(newest, story.id)
    assert decisions.article[0] == "business"
    assert decisions.members[first.id][0] == "business"
    # The other members were "general" (never decided) and are business now; none is left out.
    assert {category for category, _ in decisions.members.values()} == {"business"}
    assert len(decisions.members) == 4


@pytest.mark.django_db
def test_members_an_operator_decides_keep_their_category_but_count_in_the_pool(source):
    story = story_of(source, 0)
    feed = Feed.objects.create(source=source, url="https://harbour.example/rss", category_override="science")
    locked = joining(source, story, category="world", category_locked=True)
    overridden = joining(source, story, category="science", feed=feed)
    kept = make_article(source, "Acme shares", story=story, category_evidence=pack_evidence(BUSINESS))
    article = joining(source, story)
    decisions = story_category(article, story.id)
    assert set(decisions.members) == {kept.id}
    # Their evidence, leaning to technology, counted: without them the story is surer of business.
    Article.objects.filter(id__in=[locked.id, overridden.id]).delete()
    without_them = story_category(article, story.id)
    assert decisions.article[0] == without_them.article[0] == "business"
    assert decisions.article[1] < without_them.article[1]


@pytest.mark.django_db
def test_members_whose_decision_stands_are_not_rewritten(source):
    story = story_of(source, 2)
    first = story_category(joining(source, story), story.id)
    for member_id, (category, confidence) in first.members.items():
        Article.objects.filter(id=member_id).update(category=category, category_confidence=confidence)
    assert story_category(Article.objects.exclude(id__in=first.members).get(), story.id).members == {}


@pytest.mark.django_db
def test_the_pipeline_leaves_an_article_alone_in_its_story_its_own_category(
    source, monkeypatch, own_evidence_leans_tech
):
    stored = enrich_into(
        make_article(source, "Acme chief on the new phone"), story_of(source, 0), monkeypatch
    )
    assert stored.category == "technology"


@pytest.mark.django_db
def test_the_pipeline_pools_neither_locked_nor_overridden_articles(
    source, monkeypatch, own_evidence_leans_tech
):
    story = story_of(source, 3)
    locked = make_article(source, "Acme chief", category="entertainment", category_locked=True)
    assert enrich_into(locked, story, monkeypatch).category == "entertainment"
    feed = Feed.objects.create(source=source, url="https://harbour.example/rss", category_override="science")
    assert (
        enrich_into(make_article(source, "Acme chief", feed=feed), story, monkeypatch).category == "science"
    )

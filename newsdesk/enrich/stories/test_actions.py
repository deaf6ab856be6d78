from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from newsdesk.enrich.stories import actions
from newsdesk.enrich.stories.actions import (
    StoryCache,
    cluster_settings,
    join_story,
    rank_score,
    refresh_story,
)
from newsdesk.enrich.stories.cluster import StoryClusterer, StoryItem
from newsdesk.enrich.vectors import embed_article, store_embedding
from newsdesk.models import Article, Comment, Follow, Source, Story
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import post_comment
from newsdesk.web.follows.actions import follow
from newsdesk.web.follows.lib import followed_things, for_you_articles

# Recent: the vector index only searches its window of recent days.
NOON = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)


pytestmark = pytest.mark.usefixtures("fresh_vector_and_story_indexes")


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


HARBOUR = [
    "Harbour breakwater to close for six weeks of storm gate repairs",
    "Breakwater closure: harbour storm gates to be replaced next month",
    "Harbour breakwater shuts for storm gate repairs; ferry moves to pontoon",
    "Storm gate repairs will close the harbour breakwater for six weeks",
]


@pytest.fixture
def processes(monkeypatch):
    """Two story caches standing for two worker processes; no periodic scan, so only the
    cheap checks (new ids, conditional writes) can notice what the other one wrote."""
    monkeypatch.setattr(actions, "VERSION_SCAN_SECONDS", 1e9)
    caches = {"a": StoryCache(cluster_settings()), "b": StoryCache(cluster_settings())}

    def run(name: str, article: Article) -> Story | None:
        monkeypatch.setattr(actions, "_cache", caches[name])
        return cluster(article)

    run.caches = caches
    return run


@pytest.mark.django_db
def test_a_process_joins_a_story_another_process_started_moments_ago(processes):
    titanfall = "Titanfall review roundup: critics praise the mech shooter"
    gazette = processes("a", publish("gazette", titanfall, 0))
    started_by_b = processes("b", publish("courier", HARBOUR[0], 1))
    joined_by_a = processes("a", publish("herald", HARBOUR[1], 2))
    assert joined_by_a == started_by_b != gazette
    assert Story.objects.get(id=started_by_b.id).article_count == 2


@pytest.mark.django_db
def test_a_stale_cached_story_is_reloaded_before_writing_so_no_article_is_lost(processes):
    sources = ["gazette", "courier", "herald"]
    articles = [publish(source, HARBOUR[i], i) for i, source in enumerate(sources)]
    story = processes("a", articles[0])
    assert processes("b", articles[1]) == story
    # Process a still holds the one-article story; its write must notice b's and recount.
    assert processes("a", articles[2]) == story
    story.refresh_from_db()
    assert story.article_count == 3
    assert story.source_count == 3
    assert processes.caches["a"].open[story.id].size == 3
    vectors = [embed_article(article) for article in articles]  # stored as float16: hence abs=1e-3
    assert np.frombuffer(story.centroid, dtype="<f4") == pytest.approx(np.mean(vectors, axis=0), abs=1e-3)


@pytest.mark.django_db
def test_an_article_whose_cached_story_was_merged_away_joins_the_survivor(processes):
    first = processes("a", publish("gazette", HARBOUR[0], 0))
    other = processes("a", publish("other", "Island choir wins national folk song contest", 1))
    # Another process folds the harbour story into the choir story (standing for any merge).
    Article.objects.filter(story=first).update(story=other)
    Story.objects.filter(id=first.id).delete()
    Story.objects.filter(id=other.id).update(updated_at=other.updated_at + timedelta(seconds=1))
    joined = processes("a", publish("courier", HARBOUR[1], 2))
    assert joined.id == other.id
    assert Story.objects.get(id=other.id).article_count == 3
    assert first.id not in processes.caches["a"].open


@pytest.mark.django_db
def test_an_article_older_than_the_cache_still_joins_its_story():
    old = NOON - timedelta(days=10)
    articles = []
    for minutes, source in enumerate(["gazette", "courier"]):
        article = publish(source, HARBOUR[minutes], 0)
        Article.objects.filter(id=article.id).update(published_at=old + timedelta(minutes=minutes))
        article.refresh_from_db()
        articles.append(article)
    stories = [cluster(article) for article in articles]
    assert stories[0] == stories[1]
    assert Story.objects.get(id=stories[0].id).article_count == 2


@pytest.mark.django_db
def test_a_story_loaded_from_the_database_knows_when_each_member_went_out():
    first = publish("gazette", HARBOUR[0], 0)
    last = publish("courier", HARBOUR[1], 180)
    for article in (first, last):
        assert cluster(article) is not None
    actions.reset_story_cache()  # another process: the story is rebuilt from its rows

    state = actions._story_cache().open.states[Article.objects.get(id=last.id).story_id]
    assert state.times == [first.published_at.timestamp(), last.published_at.timestamp()]
    assert state.burst_gap((NOON + timedelta(minutes=90)).timestamp()) == 90 * 60


@pytest.mark.django_db
def test_the_database_step_groups_a_stream_exactly_as_the_in_memory_clusterer():
    rng = np.random.default_rng(7)
    topics = rng.normal(size=(4, 384))
    stream = []
    for number in range(40):
        topic = int(rng.integers(4))
        vector = topics[topic] + rng.normal(scale=0.9, size=384)
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        title = f"{['Harbour', 'Titanfall', 'Choir', 'Eclipse'][topic]} update number {number}"
        stream.append((title, float(rng.uniform(0, 600)), vector))
    stream.sort(key=lambda entry: entry[1])
    clusterer = StoryClusterer(cluster_settings())
    for number, (title, minutes, vector) in enumerate(stream):
        article = publish(f"source{number % 5}", title, minutes)
        store_embedding(article, vector)
        join_story(article, vector)
        clusterer.add(
            StoryItem(
                id=article.id,
                title=title,
                published=article.published_at.timestamp(),
                vector=vector,
                source=str(article.source_id),
            )
        )
    in_database = dict(Article.objects.values_list("id", "story_id"))
    in_memory = {article_id: clusterer.story_of(article_id) for article_id in in_database}

    def partition(mapping):
        groups = {}
        for article_id, key in mapping.items():
            groups.setdefault(key, set()).add(article_id)
        return sorted(sorted(group) for group in groups.values())

    assert 4 <= len(set(in_memory.values())) < 30
    assert partition(in_database) == partition(in_memory)


@pytest.mark.django_db
@pytest.mark.parametrize("days_apart, merged", [(0, True), (1, False)])
def test_the_database_step_merges_converging_stories_only_when_close_in_time(days_apart, merged):
    def vector(x: float, y: float) -> np.ndarray:
        values = np.zeros(384, dtype=np.float32)
        values[:2] = x, y
        return values / np.linalg.norm(values)

    stream = [
        ("Harbour gates fail", -days_apart * 24 * 60, vector(1, 0)),
        ("Ferry crews strike", 0, vector(0.6, 0.8)),
        # Closer to the second story, whose centroid it pulls to 0.71 of the first's.
        ("Quay flooded overnight", 30, vector(0.8, 0.6)),
    ]
    articles = []
    for number, (title, minutes, embedding) in enumerate(stream):
        article = publish(f"source{number}", title, minutes)
        store_embedding(article, embedding)
        join_story(article, embedding)
        articles.append(article)
    stories = [Article.objects.get(id=article.id).story_id for article in articles]
    assert stories[1] == stories[2]
    assert (stories[0] == stories[1]) is merged
    assert Story.objects.count() == (1 if merged else 2)


def converging_stream() -> list[tuple[str, int, np.ndarray]]:
    """Two stories, then an article that makes them converge (as in the test above, but the
    second far enough from the first in time that no burst bonus joins them at once)."""

    def vector(x: float, y: float) -> np.ndarray:
        values = np.zeros(384, dtype=np.float32)
        values[:2] = x, y
        return values / np.linalg.norm(values)

    return [
        ("Harbour gates fail", 0, vector(1, 0)),
        ("Ferry crews strike", 40, vector(0.6, 0.8)),
        ("Quay flooded overnight", 45, vector(0.8, 0.6)),
    ]


def publish_and_join(number: int, title: str, minutes: int, embedding: np.ndarray) -> Story:
    article = publish(f"source{number}", title, minutes)
    store_embedding(article, embedding)
    return join_story(article, embedding)


@pytest.mark.django_db
def test_merged_stories_hand_their_comments_and_follows_to_the_survivor():
    (first, second, converging) = converging_stream()
    survivor = publish_and_join(0, *first)
    absorbed = publish_and_join(1, *second)
    assert absorbed != survivor
    ann, bob = make_reader("ann@example.org"), make_reader("bob@example.org")
    comment = post_comment(bob, absorbed, "Stay safe out there.")
    reply = post_comment(ann, absorbed, "You too.", parent=comment)
    follow(ann, Follow.Kind.STORY, str(survivor.id))
    for reader in (ann, bob):
        follow(reader, Follow.Kind.STORY, str(absorbed.id))

    assert publish_and_join(2, *converging) == survivor

    assert list(Story.objects.values_list("id", flat=True)) == [survivor.id]
    assert list(Comment.objects.filter(story=survivor).order_by("id")) == [comment, reply]
    assert Comment.objects.get(id=reply.id).parent_id == comment.id
    assert sorted(Follow.objects.values_list("user__email", "value")) == [
        ("ann@example.org", str(survivor.id)),
        ("bob@example.org", str(survivor.id)),
    ]
    assert [thing.value for thing in followed_things(bob)] == [str(survivor.id)]
    assert for_you_articles(bob).count() == 3
    response = Client().get(reverse("story", args=[absorbed.id]))
    assert response.status_code == 301 and response["Location"] == survivor.get_absolute_url()


@pytest.mark.django_db
def test_a_reader_following_several_absorbed_stories_keeps_one_follow():
    survivor, *absorbed = [
        Story.objects.create(title=title, first_published_at=NOON, last_published_at=NOON)
        for title in ("Harbour gates fail", "Ferry crews strike", "Quay flooded")
    ]
    ann = make_reader("ann@example.org")
    for story in absorbed:
        follow(ann, Follow.Kind.STORY, str(story.id))

    actions._hand_over_reader_data([story.id for story in absorbed], survivor.id)

    assert list(Follow.objects.values_list("value", flat=True)) == [str(survivor.id)]


@pytest.mark.django_db
def test_a_story_left_without_articles_stays_while_readers_commented_on_or_follow_it(client):
    commented, followed, forgotten = [
        Story.objects.create(title=title, first_published_at=NOON, last_published_at=NOON, source_count=3)
        for title in ("Harbour gates fail", "Ferry crews strike", "Quay flooded")
    ]
    ann = make_reader("ann@example.org")
    post_comment(ann, commented, "Stay safe out there.")
    follow(ann, Follow.Kind.STORY, str(followed.id))

    for story in (commented, followed, forgotten):
        refresh_story(story)

    assert set(Story.objects.values_list("id", "article_count", "source_count")) == {
        (commented.id, 0, 0),
        (followed.id, 0, 0),
    }
    assert Comment.objects.get().story_id == commented.id
    assert [thing.value for thing in followed_things(ann)] == [str(followed.id)]
    page = client.get(commented.get_absolute_url())
    assert page.status_code == 200
    assert "Stay safe out there." in page.content.decode()

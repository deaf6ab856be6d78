"""The online clusterer on hand-made vectors: topics are axes, so similarities are known exactly."""

from dataclasses import replace

import numpy as np

from newsdesk.enrich.stories.cluster import (
    ClusterSettings,
    OpenStories,
    StoryClusterer,
    StoryItem,
    new_story,
    title_terms,
)

HOUR = 3600.0
# Streams start at noon: an exact midnight is how a bare day is stored, and earns no burst bonus.
NOON = 12 * HOUR
NO_BURST = replace(ClusterSettings(), burst_bonus=0.0)


def axis(*weights: float) -> np.ndarray:
    vector = np.zeros(8, dtype=np.float32)
    vector[: len(weights)] = weights
    return vector / np.linalg.norm(vector)


def item(item_id: str, title: str, hours: float, vector: np.ndarray, source: str = "") -> StoryItem:
    return StoryItem(id=item_id, title=title, published=NOON + hours * HOUR, vector=vector, source=source)


def test_title_terms_fold_plurals_and_possessives_and_drop_stopwords():
    assert title_terms("Sbarro's lenders approve the plans") == {"sbarro", "lender", "approve", "plan"}


def test_a_small_stream_forms_one_story_per_event():
    clusterer = StoryClusterer(NO_BURST)
    stream = [
        item("a1", "Sbarro files for bankruptcy", 0, axis(1, 0.1), "x"),
        item("b1", "Titanfall review roundup", 0.5, axis(0, 0, 1), "y"),
        item("a2", "Pizza chain Sbarro seeks bankruptcy protection", 1, axis(0.95, 0.2), "y"),
        item("b2", "Titanfall reviews are in", 1.5, axis(0.1, 0, 1), "x"),
        item("a3", "Sbarro bankruptcy: what it means", 2, axis(1, 0, 0.1), "z"),
    ]
    keys = {entry.id: clusterer.add(entry) for entry in stream}
    assert keys["a1"] == keys["a2"] == keys["a3"]
    assert keys["b1"] == keys["b2"] != keys["a1"]
    assert clusterer.open[keys["a1"]].sources == {"x", "y", "z"}


def test_shared_rare_words_join_headlines_whose_vectors_alone_would_not():
    # cosine 0.45 is well below the join threshold; the rare shared words carry the rest.
    first, second = axis(1, 0), axis(0.45, np.sqrt(1 - 0.45**2))
    background = [item(f"n{i}", f"Markets rise on day {i}", i * 0.01, axis(0, 0, 0, 1)) for i in range(20)]
    with_name = StoryClusterer(NO_BURST)
    for entry in background:
        with_name.add(entry)
    a = with_name.add(item("p1", "Plosser taper warning", 1, first))
    b = with_name.add(item("p2", "Plosser taper comments", 2, second))
    assert a == b
    without_name = StoryClusterer(NO_BURST)
    a = without_name.add(item("q1", "Official warning", 1, first))
    b = without_name.add(item("q2", "Banker comments", 2, second))
    assert a != b


def test_a_story_quiet_for_longer_than_the_window_is_closed():
    settings = replace(NO_BURST, window=24 * HOUR)
    clusterer = StoryClusterer(settings)
    first = clusterer.add(item("e1", "Eclipse over the harbour", 0, axis(1)))
    later_same_day = clusterer.add(item("e2", "Eclipse over the harbour tonight", 20, axis(1)))
    week_later = clusterer.add(item("e3", "Eclipse over the harbour again", 20 + 7 * 24, axis(1)))
    assert first == later_same_day
    assert week_later != first
    assert first not in clusterer.open


def test_the_burst_bonus_joins_an_article_arriving_seconds_after_a_story_and_not_an_hour_later():
    weakly_related = axis(0.3, np.sqrt(1 - 0.09))
    clusterer = StoryClusterer()
    story = clusterer.add(item("s1", "Harbour gates fail", 0, axis(1)))
    seconds_later = clusterer.add(item("s2", "Quay flooded", 5 / HOUR, weakly_related))
    assert seconds_later == story
    clusterer = StoryClusterer()
    story = clusterer.add(item("s1", "Harbour gates fail", 0, axis(1)))
    hour_later = clusterer.add(item("s2", "Quay flooded", 1, weakly_related))
    assert hour_later != story


def test_an_article_arriving_out_of_order_inside_a_long_story_gets_no_burst_bonus():
    """Crawls deliver out of publication order: inside a story's span is not "moments after" it."""
    weakly_related = axis(0.3, np.sqrt(1 - 0.09))

    def long_story() -> tuple[StoryClusterer, int]:
        clusterer = StoryClusterer()
        story = clusterer.add(item("s1", "Harbour gates fail", 0, axis(1)))
        assert clusterer.add(item("s2", "Harbour gates still shut", 3, axis(1))) == story
        return clusterer, story

    # Published between the two, an hour and a half from each: as unrelated as an hour later.
    clusterer, story = long_story()
    assert clusterer.add(item("s3", "Quay flooded", 1.5, weakly_related)) != story
    # Seconds from a member, it is in that member's burst wherever it falls in the span.
    clusterer, story = long_story()
    assert clusterer.add(item("s3", "Quay flooded", 3 - 5 / HOUR, weakly_related)) == story


# Centroids alone decide, so the geometry of the axis vectors says what joins and what merges.
CONVERGING = replace(NO_BURST, join_threshold=0.7, lexical_weight=0.0, merge_threshold=0.7, closest_members=1)


def test_two_stories_that_converge_merge_into_the_older_one():
    settings = CONVERGING
    clusterer = StoryClusterer(settings)
    older = clusterer.add(item("m1", "one", 0, axis(1, 0)))
    newer = clusterer.add(item("m2", "two", 1, axis(0.6, 0.8)))
    assert older != newer
    # Joins the newer story (cosine 0.96), whose centroid then sits at 0.707 from the older one.
    bridge = clusterer.add(item("m3", "three", 2, axis(0.8, 0.6)))
    assert bridge == older
    assert clusterer.story_of("m2") == older
    assert newer not in clusterer.open
    assert clusterer.open[older].size == 3
    assert clusterer.open[older].representative() == "m3"


def test_stories_that_converge_only_a_day_apart_stay_two_events():
    # The geometry of the test above, but the second story starts a day after the first ended:
    # successive events on one topic (reviews on launch eve, the launch itself) are not merged.
    settings = CONVERGING
    clusterer = StoryClusterer(settings)
    older = clusterer.add(item("m1", "one", 0, axis(1, 0)))
    newer = clusterer.add(item("m2", "two", 24, axis(0.6, 0.8)))
    bridge = clusterer.add(item("m3", "three", 24.5, axis(0.8, 0.6)))
    assert bridge == newer != older
    assert clusterer.story_of("m1") == older
    assert {clusterer.open[older].size, clusterer.open[newer].size} == {1, 2}
    # Within the hour the same two stories are fragments of one event, and merge.
    assert settings.merge_reach == HOUR
    clusterer = StoryClusterer(settings)
    older = clusterer.add(item("f1", "one", 0, axis(1, 0)))
    clusterer.add(item("f2", "two", 0.5, axis(0.6, 0.8)))
    assert clusterer.add(item("f3", "three", 0.75, axis(0.8, 0.6))) == older


def test_open_stories_shortlist_the_closest_centroids_and_the_current_burst_within_the_window():
    settings = replace(ClusterSettings(), candidates=2, window=10 * HOUR)
    stories = OpenStories()
    for key, (vector, hours) in enumerate(
        [(axis(1), 0), (axis(0.9, 0.1), 0), (axis(0.8, 0.3), 0), (axis(0, 1), 5.99), (axis(1), -20)], start=1
    ):
        stories.put(new_story(key, item(f"i{key}", "t", hours, vector), settings.members_kept))
    probe = item("p", "t", 6, axis(1))
    # 5 is out of the window (nor does it merge); of 1-3 the two closest; 4 is in the burst
    # (36 s before the probe).
    assert sorted(story.key for story in stories.shortlist(probe, settings)) == [1, 2, 4]
    stories.drop(1)
    assert sorted(story.key for story in stories.shortlist(probe, settings)) == [2, 3, 4]
    assert [story.key for story in stories.converging(stories[2], 0.95, settings.window)] == [3]
    stories.close_quiet(before=NOON + 1 * HOUR)
    assert sorted(story.key for story in stories.values()) == [4]


def test_open_stories_stay_consistent_after_many_drops():
    stories = OpenStories()
    for key in range(200):
        stories.put(new_story(key, item(f"i{key}", "t", key, axis(1, key / 200)), 50))
    for key in range(0, 200, 3):
        stories.drop(key)
    probe = item("p", "t", 199, axis(1, 0.5))
    settings = replace(NO_BURST, candidates=1, window=1000 * HOUR)
    assert [story.key for story in stories.shortlist(probe, settings)] == [100]
    assert len(stories) == 200 - len(range(0, 200, 3))


def test_closing_many_quiet_stories_at_once_closes_exactly_those():
    # Dropping most of the rows compacts them part-way through closing.
    stories = OpenStories()
    for key in range(200):
        stories.put(new_story(key, item(f"i{key}", "t", key, axis(1, key / 200)), 50))
    stories.close_quiet(before=NOON + 150 * HOUR)
    assert sorted(story.key for story in stories.values()) == list(range(150, 200))
    probe = item("p", "t", 199, axis(1, 0.5))
    settings = replace(NO_BURST, candidates=1, window=1000 * HOUR)
    assert [story.key for story in stories.shortlist(probe, settings)] == [150]


def test_articles_known_only_by_their_day_get_no_burst_bonus():
    """A feed that gives bare days stores each at its midnight: not "moments after" each other."""
    weakly_related = axis(0.3, np.sqrt(1 - 0.09))
    midnight = 20 * 24 * HOUR

    def second_joins(first_at: float, second_at: float) -> bool:
        clusterer = StoryClusterer()
        story = clusterer.add(StoryItem("d1", "Harbour gates fail", first_at, axis(1)))
        return clusterer.add(StoryItem("d2", "Quay flooded", second_at, weakly_related)) == story

    assert not second_joins(midnight, midnight)
    # A timed article seconds after a day-only one is not in its burst either.
    assert not second_joins(midnight, midnight + 5)
    # Timed, the same two seconds apart are one burst.
    assert second_joins(midnight + 60, midnight + 65)

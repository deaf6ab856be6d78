from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from newsdesk.enrich.hashtags.trending import MIN_RECENT_COUNT, SMOOTHING, trend_score, trending_hashtags
from newsdesk.web.testing import make_article, make_source

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_trend_score_is_a_smoothed_ratio_to_the_daily_average():
    assert trend_score(0, 0) == pytest.approx(1 / SMOOTHING)
    assert trend_score(9, 7) == pytest.approx(10 / (1 + SMOOTHING))
    # A steady tag (10 a day, every day) scores less than a tag jumping from 1 to 10 a day.
    assert trend_score(10, 70) < trend_score(10, 7)
    # Many uses from nothing beat few uses from nothing.
    assert trend_score(30, 0) > trend_score(3, 0)


def tag_at(sources, name: str, *, hours_ago: float, count: int) -> None:
    for i in range(count):
        make_article(
            sources[i % len(sources)],
            f"{name} {hours_ago} {i}",
            published_at=NOW - timedelta(hours=hours_ago),
            hashtags=(name,),
        )


@pytest.mark.django_db
def test_rising_tags_rank_above_steady_ones_and_rare_or_one_source_tags_are_left_out():
    sources = [make_source("Harbour Times"), make_source("Daily Example")]
    # Rising: 6 today, 1 in the week before.
    tag_at(sources, "Eclipse", hours_ago=3, count=6)
    tag_at(sources, "Eclipse", hours_ago=24 * 4, count=1)
    # Steady: 6 today and 6 on each of the 7 days before.
    tag_at(sources, "Weather", hours_ago=5, count=6)
    for day in range(1, 8):
        tag_at(sources, "Weather", hours_ago=24 * day + 2, count=6)
    # Too rare today, and a burst from one publisher.
    tag_at(sources, "Rare", hours_ago=2, count=MIN_RECENT_COUNT - 1)
    tag_at(sources[:1], "OnlyOne", hours_ago=2, count=8)
    # Older than the baseline week: ignored, so it cannot hold Eclipse down.
    tag_at(sources, "Eclipse", hours_ago=24 * 20, count=40)
    # A publisher's own name is on everything it publishes.
    tag_at(sources, "HarbourTimes", hours_ago=1, count=10)
    # The future (clock skew) is not today.
    tag_at(sources, "Future", hours_ago=-2, count=5)

    ranked = trending_hashtags(NOW, limit=10)
    names = [hashtag.name for hashtag, _ in ranked]
    assert names == ["Eclipse", "Weather"]
    scores = dict((hashtag.name, score) for hashtag, score in ranked)
    assert scores["Eclipse"] == pytest.approx(trend_score(6, 1))
    assert scores["Weather"] == pytest.approx(trend_score(6, 42))
    assert [h.name for h, _ in trending_hashtags(NOW, limit=1)] == ["Eclipse"]


@pytest.mark.django_db
def test_nothing_recent_trends_nothing():
    assert trending_hashtags(NOW, limit=5) == []


@pytest.mark.django_db
def test_the_home_page_lists_trending_hashtags(client):
    sources = [make_source("Harbour Times"), make_source("Daily Example")]
    for i in range(4):
        make_article(sources[i % 2], f"Eclipse watch {i}", age=timedelta(hours=1), hashtags=("Eclipse",))
    html = client.get(reverse("home")).content.decode()
    assert 'id="trending-heading"' in html
    assert f'href="{reverse("hashtag", args=["Eclipse"])}">#Eclipse</a>' in html

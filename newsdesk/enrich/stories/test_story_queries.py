"""The story cache's reads stay on indexes: it runs them every few seconds against every story ever made."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.enrich.stories.actions import StoryCache, cluster_settings
from newsdesk.models import Story

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans"),
]


def make_story(age: timedelta) -> Story:
    moment = timezone.now() - age
    return Story.objects.create(title="Harbour", first_published_at=moment, last_published_at=moment)


def story_plans(queries: list[dict]) -> dict[str, list[str]]:
    """SQLite's plan of every captured SELECT that reads the story table."""
    plans = {}
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and '"newsdesk_story"' in sql:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plans[sql] = [row[-1] for row in cursor.fetchall()]
    return plans


def selected_columns(sql: str) -> list[str]:
    select_list = sql.removeprefix("SELECT ").split(" FROM ")[0]
    return [column.split(" AS ")[-1].strip('"') for column in select_list.split(", ")]


def test_the_cache_never_scans_the_whole_story_table():
    for days in (400, 200, 30, 1):
        make_story(timedelta(days=days))
    cache = StoryCache(cluster_settings())
    with CaptureQueriesContext(connection) as captured:
        cache.sync()  # the first sync rebuilds: every open story is loaded
        make_story(timedelta(hours=1))
        cache.sync()  # a story another process started is loaded by id
        cache.scanned_at = float("-inf")
        cache.sync()  # the periodic version scan
    plans = story_plans(captured.captured_queries)
    assert len(plans) >= 3
    for sql, plan in plans.items():
        assert not any(step.startswith("SCAN newsdesk_story") for step in plan), (sql, plan)
    version_scans = [plan for sql, plan in plans.items() if selected_columns(sql) == ["id", "updated_at"]]
    assert version_scans and all(
        any("COVERING INDEX story_open_versions" in step for step in plan) for plan in version_scans
    )

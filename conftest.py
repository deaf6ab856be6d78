"""The rule for optional services (settings for tests: newsdesk/settings_test.py).

A test that needs Chromium, PostgreSQL, Redis or ../shared skips with a loud
reason when it is absent, except under CI=true, where absence is a failure.

`make test` runs the whole suite once per database (scripts/test-all-databases.sh):
SQLite, PostgreSQL, PostgreSQL with pgvector. A test of code that exists only on one
of them is marked `postgres` or `pgvector`: it runs in those passes and skips in the
others, and fails under CI=true when its pass cannot run at all.
"""

import os
from pathlib import Path

import pytest

from newsdesk.testing.services import require

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pgvector: needs PostgreSQL with the pgvector extension")


def pytest_runtest_setup(item: pytest.Item) -> None:
    postgres_url = os.environ.get("NEWSDESK_TEST_POSTGRES_URL", "")
    pgvector_url = os.environ.get("NEWSDESK_TEST_PGVECTOR_URL", "")
    if item.get_closest_marker("pgvector"):
        require(bool(pgvector_url), "PostgreSQL with pgvector (NEWSDESK_TEST_PGVECTOR_URL)")
        if os.environ.get("DATABASE_URL") != pgvector_url:
            pytest.skip("runs in the pgvector pass (DATABASE_URL=$NEWSDESK_TEST_PGVECTOR_URL)")
    elif item.get_closest_marker("postgres"):
        from django.conf import settings

        on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        require(on_postgres or bool(postgres_url or pgvector_url), "PostgreSQL (NEWSDESK_TEST_POSTGRES_URL)")
        if not on_postgres:
            pytest.skip("runs in the PostgreSQL passes (DATABASE_URL=$NEWSDESK_TEST_POSTGRES_URL)")


@pytest.fixture
def fresh_vector_and_story_indexes():
    """Process-wide indexes (vectors, open stories) rebuilt from this test's database only."""
    from newsdesk.enrich.stories.actions import reset_story_cache
    from newsdesk.enrich.vectors import reset_vector_index

    reset_vector_index()
    reset_story_cache()
    yield
    reset_vector_index()
    reset_story_cache()


@pytest.fixture
def shared_data() -> Path:
    require(SHARED_DATA.is_dir(), f"shared data at {SHARED_DATA.name}")
    return SHARED_DATA

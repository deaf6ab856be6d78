from datetime import timedelta

import pytest
from django.db import connection

from newsdesk.store import search
from newsdesk.store.search import search_articles
from newsdesk.store.search_index import ensure_search_index, trim_recent_search_index
from newsdesk.web.testing import make_article, make_source


@pytest.mark.django_db
def test_lost_triggers_are_restored_and_the_index_rebuilt():
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite loses triggers when a migration rebuilds a table")
    source = make_source("Harbour Times")
    make_article(source, "Lighthouse restored", text="The old lighthouse shines again.")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER newsdesk_article_fts_insert")
    make_article(source, "Keeper retires", text="The lighthouse keeper retires after forty years.")
    assert [a.title for a in search_articles("keeper", limit=5)] == []

    assert ensure_search_index(connection) is True
    assert [a.title for a in search_articles("keeper", limit=5)] == ["Keeper retires"]
    make_article(source, "Keeper returns", text="A new keeper arrives at the lighthouse.")
    assert {a.title for a in search_articles("keeper", limit=5)} == {"Keeper retires", "Keeper returns"}
    assert ensure_search_index(connection) is False


@pytest.mark.django_db
def test_a_key_table_without_dates_is_upgraded_in_place():
    if connection.vendor != "sqlite":
        pytest.skip("the key table is SQLite's")
    source = make_source("Harbour Times")
    make_article(source, "Lighthouse restored", text="The old lighthouse shines again.")
    with connection.cursor() as cursor:
        # The layout of the previous release: no published_at, an insert trigger that does not fill it.
        cursor.execute("DROP TRIGGER newsdesk_article_search_key_published")
        cursor.execute("DROP TRIGGER newsdesk_article_fts_insert")
        cursor.execute("ALTER TABLE newsdesk_article_search_key DROP COLUMN published_at")
        cursor.execute(
            "CREATE TRIGGER newsdesk_article_fts_insert AFTER INSERT ON newsdesk_article BEGIN"
            " INSERT OR IGNORE INTO newsdesk_article_search_key (article_id) VALUES (new.id);"
            " INSERT INTO newsdesk_article_fts (rowid, title, description, text) VALUES ("
            " (SELECT rowid FROM newsdesk_article_search_key WHERE article_id = new.id),"
            " new.title, new.description, new.text); END"
        )

    assert ensure_search_index(connection) is False  # no re-indexing needed
    make_article(source, "Keeper retires", text="The lighthouse keeper retires after forty years.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM newsdesk_article_search_key k"
            " JOIN newsdesk_article a ON a.id = k.article_id"
            " WHERE k.published_at = a.published_at"
        )
        assert cursor.fetchone()[0] == 2
    assert {a.title for a in search_articles("lighthouse", limit=5)} == {
        "Lighthouse restored",
        "Keeper retires",
    }


def _recent_rowids(word: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM newsdesk_article_recent_fts WHERE newsdesk_article_recent_fts MATCH %s", [word]
        )
        return {row[0] for row in cursor.fetchall()}


def _key_rowid(article) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM newsdesk_article_search_key WHERE article_id = %s", [article.id])
        return cursor.fetchone()[0]


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the recent table is SQLite's (PostgreSQL narrows by date)")


@pytest.mark.django_db
def test_trimming_keeps_the_newest_articles_in_the_recent_table(sqlite_only):
    source = make_source("Harbour Times")
    articles = [make_article(source, f"Tide report {n}", text="tide tables") for n in range(10)]
    assert _recent_rowids("tide") == {_key_rowid(a) for a in articles}

    assert trim_recent_search_index(connection, keep=10) == 0  # all ten fit
    assert trim_recent_search_index(connection, keep=4) == 6
    assert _recent_rowids("tide") == {_key_rowid(a) for a in articles[6:]}
    # New articles join the recent table above the floor.
    newer = make_article(source, "Tide report 10", text="tide tables")
    assert _key_rowid(newer) in _recent_rowids("tide")


@pytest.mark.django_db
def test_search_falls_back_to_the_whole_index_for_older_matches(sqlite_only, monkeypatch):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 3)
    source = make_source("Harbour Times")
    old = make_article(source, "Lighthouse sold", text="The lighthouse was sold.", age=timedelta(days=40))
    for n in reversed(range(5)):  # oldest first, as a crawl stores them
        make_article(source, f"Quay works {n}", text="dredging the quay", age=timedelta(hours=n + 1))
    trim_recent_search_index(connection, keep=5)
    assert _recent_rowids("lighthouse") == set()

    assert [a.title for a in search_articles("lighthouse", limit=5)] == ["Lighthouse sold"]
    # Enough recent matches: the newest three, as the whole index would rank them.
    assert [a.title for a in search_articles("quay", limit=5)] == [
        "Quay works 0",
        "Quay works 1",
        "Quay works 2",
    ]
    assert old.id not in {a.id for a in search_articles("the", limit=10)}


@pytest.mark.django_db
def test_edits_and_deletes_keep_both_tables_true(sqlite_only):
    source = make_source("Harbour Times")
    old = make_article(source, "Ferry timetable", text="ferry times for winter", age=timedelta(days=40))
    recent = make_article(source, "Ferry news", text="ferry workers strike")
    trim_recent_search_index(connection, keep=1)
    assert _recent_rowids("ferry") == {_key_rowid(recent)}

    # An article below the floor is edited and deleted without touching the recent table.
    old.text = "ferry times for summer"
    old.save()
    assert [a.title for a in search_articles("summer", limit=5)] == ["Ferry timetable"]
    old.delete()
    assert _recent_rowids("ferry") == {_key_rowid(recent)}
    assert search_articles("summer", limit=5) == []

    recent.text = "ferry workers return"
    recent.save()
    assert _recent_rowids("strike") == set()
    assert _recent_rowids("return") == {_key_rowid(recent)}
    assert [a.title for a in search_articles("return", limit=5)] == ["Ferry news"]
    recent.delete()
    assert _recent_rowids("ferry") == set()


@pytest.mark.django_db
def test_an_index_without_the_recent_table_gains_it_without_reindexing(sqlite_only):
    source = make_source("Harbour Times")
    make_article(source, "Keeper retires", text="The lighthouse keeper retires.")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE newsdesk_article_recent_fts")
        cursor.execute("DROP TABLE newsdesk_article_recent_floor")
        cursor.execute("DROP TRIGGER newsdesk_article_fts_insert")
        cursor.execute(
            "CREATE TRIGGER newsdesk_article_fts_insert AFTER INSERT ON newsdesk_article BEGIN"
            " INSERT OR IGNORE INTO newsdesk_article_search_key (article_id, published_at)"
            " VALUES (new.id, new.published_at);"
            " INSERT INTO newsdesk_article_fts (rowid, title, description, text) VALUES ("
            " (SELECT rowid FROM newsdesk_article_search_key WHERE article_id = new.id),"
            " new.title, new.description, new.text); END"
        )

    assert ensure_search_index(connection) is False
    assert len(_recent_rowids("keeper")) == 1
    make_article(source, "Keeper returns", text="A new keeper arrives.")
    assert len(_recent_rowids("keeper")) == 2
    assert {a.title for a in search_articles("keeper", limit=5)} == {"Keeper retires", "Keeper returns"}


@pytest.mark.django_db
def test_the_periodic_task_trims_to_the_configured_size(sqlite_only, settings):
    from newsdesk.tasks import trim_search_index

    settings.NEWSDESK_SEARCH_RECENT_ROWS = 2
    source = make_source("Harbour Times")
    articles = [make_article(source, f"Tide report {n}", text="tide tables") for n in range(5)]
    assert trim_search_index.apply().get() == 3
    assert _recent_rowids("tide") == {_key_rowid(a) for a in articles[3:]}

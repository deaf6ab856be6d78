import pytest
from django.db import connection

from newsdesk.store.search import search_articles
from newsdesk.store.search_index import ensure_search_index
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

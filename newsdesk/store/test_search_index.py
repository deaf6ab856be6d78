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

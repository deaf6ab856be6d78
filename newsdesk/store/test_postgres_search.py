"""PostgreSQL search's widening date windows (newsdesk/store/search.py, migration 0008)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.store import search
from newsdesk.store.search import next_search_window, search_articles
from newsdesk.web.testing import make_article, make_source


def test_the_next_window_is_sized_for_the_candidates_at_the_rate_seen():
    week = timedelta(days=7)
    # 100 of 1,000 wanted in a week: ten weeks would hold them, fifteen leave a margin.
    assert next_search_window(week, 100) == timedelta(days=105)
    # Almost enough: still at least twice as wide, so the widening never crawls.
    assert next_search_window(week, 990) == timedelta(days=14)
    # Nothing recent, or a window past a year: the whole archive at once.
    assert next_search_window(week, 0) is None
    assert next_search_window(week, 10) is None


@pytest.mark.postgres
@pytest.mark.django_db
def test_windows_find_the_newest_matches_across_the_archive(monkeypatch):
    source = make_source("Harbour Times")
    monkeypatch.setattr(search, "MAX_CANDIDATES", 4)
    for days in (1, 3, 20, 150, 700, 900):
        make_article(source, f"Dredging, {days} days ago", text="dredging", age=timedelta(days=days))
    make_article(source, "Lighthouse sold", text="lighthouse", age=timedelta(days=800))

    # Two in the first week; the next window, sized for four (4 / 2 × 1.5 = 3 weeks), holds three;
    # six weeks hold no more, so the whole archive is asked: the newest four are ranked.
    found = search_articles("dredging", limit=10, offset=0)
    assert sorted(a.title for a in found) == sorted(f"Dredging, {d} days ago" for d in (1, 3, 20, 150))

    # Nothing in the first week: straight to the whole archive.
    assert [a.title for a in search_articles("lighthouse", limit=10, offset=0)] == ["Lighthouse sold"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_date_gin_index_exists_where_btree_gin_can_be_had():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gin'")
        if cursor.fetchone() is None:
            pytest.skip("btree_gin is not installed on this server: search works without the index")
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'newsdesk_article_search_recent'")
        assert "gin (search_document, published_at)" in cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ranking_by_row_address_sees_a_row_updated_after_it_was_found():
    """Outside a transaction the candidates are ranked by their row addresses within one snapshot:
    an update committed between the two queries moves the row, and the article must still be found."""
    source = make_source("Harbour Times")
    articles = [
        make_article(source, f"Ferry timetable {n}", text="ferry timetable change", age=timedelta(days=n))
        for n in (1, 2, 3)
    ]
    moved = articles[1]
    sql_seen: list[str] = []

    def update_after_the_candidates(execute, sql, params, many, context):
        sql_seen.append(sql)
        if "ts_rank" in sql:
            # The candidates are found: another process enriches the article before they are ranked
            # (its own connection, committed at once).
            worker = threading.Thread(target=_retitle, args=(moved.id,))
            worker.start()
            worker.join()
        return execute(sql, params, many, context)

    assert not connection.in_atomic_block
    with connection.execute_wrapper(update_after_the_candidates):
        found = search_articles("ferry timetable", limit=10, offset=0)

    assert any("ANY(%s::tid[])" in sql for sql in sql_seen), "the row-address ranking did not run"
    assert {a.id for a in found} == {a.id for a in articles}
    # The page shows the article as the search's snapshot saw it; the next search sees the new title.
    assert "Ferry timetable 2, retitled" in [a.title for a in search_articles("ferry timetable", limit=10)]


def _retitle(article_id: str) -> None:
    from django.db import connections

    from newsdesk.models import Article

    try:
        Article.objects.filter(id=article_id).update(title="Ferry timetable 2, retitled")
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db
def test_inside_a_transaction_the_candidates_are_ranked_by_key():
    source = make_source("Harbour Times")
    make_article(source, "Ferry timetable", text="ferry timetable change", age=timedelta(days=1))
    with CaptureQueriesContext(connection) as queries:
        found = search_articles("ferry timetable", limit=10, offset=0)
    assert [a.title for a in found] == ["Ferry timetable"]
    assert not any("ctid = ANY" in q["sql"] for q in queries.captured_queries)
    assert any("a.id = ANY" in q["sql"] for q in queries.captured_queries)

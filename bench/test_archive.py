import hashlib
import sqlite3

from bench.archive import (
    ARTICLES_PER_DAY,
    NEWEST,
    Document,
    archive_row,
    hashtag_names,
    migrate,
    write_sqlite_archive,
)

DOCUMENTS = [
    Document(
        title="Ferry company cuts winter crossings",
        description="The island ferry will sail twice a day.",
        text="The island ferry will sail twice a day.\n\nFishermen say the harbour is quieter.",
        category="business",
        source="Harbour Gazette",
        hashtags=(("Ferries", 0.6), ("HarbourGazette", 0.1)),
    ),
    Document(
        title="Lighthouse keeper retires after forty years",
        description="Mary Quayle lit the lamp for the last time.",
        text="Mary Quayle lit the lamp for the last time.\n\nThe light is automatic now.",
        category="general",
        source="Island Post",
        hashtags=(("Lighthouses", 0.5), ("ferries", 0.2), ("IslandPost", 0.1)),
    ),
]


def test_rows_are_a_pure_function_of_their_index_newest_first():
    rows = [archive_row(i, DOCUMENTS) for i in range(50)]
    assert rows == [archive_row(i, DOCUMENTS) for i in range(50)]
    assert rows[0].published_at <= NEWEST
    assert all(a.published_at > b.published_at for a, b in zip(rows, rows[1:], strict=False))
    # A steady rate: 50 rows span about 50 / ARTICLES_PER_DAY days.
    span = (rows[0].published_at - rows[-1].published_at).total_seconds()
    assert abs(span - 49 * 86400 / ARTICLES_PER_DAY) < 86400 / ARTICLES_PER_DAY


def test_rows_have_distinct_urls_and_ids_derived_from_them():
    rows = [archive_row(i, DOCUMENTS) for i in range(200)]
    assert len({r.url for r in rows}) == 200
    assert all(r.id == hashlib.md5(r.url.encode()).hexdigest() for r in rows)
    assert {r.document.source for r in rows} == {"Harbour Gazette", "Island Post"}


def test_hashtag_names_keep_one_spelling_per_key():
    assert hashtag_names(DOCUMENTS) == ["Ferries", "HarbourGazette", "IslandPost", "Lighthouses"]


def test_a_written_archive_is_searchable_listable_and_keeps_its_search_triggers(tmp_path):
    database = tmp_path / "archive.sqlite3"
    migrate(database)
    report = write_sqlite_archive(database, 30, DOCUMENTS)
    assert report.articles == 30

    db = sqlite3.connect(database)
    assert db.execute("SELECT count(*) FROM newsdesk_article").fetchone() == (30,)
    assert db.execute("SELECT count(*) FROM newsdesk_articlehashtag").fetchone() == (75,)
    newest_key = db.execute(
        "SELECT k.article_id FROM newsdesk_article_search_key k ORDER BY k.rowid DESC LIMIT 1"
    ).fetchone()
    assert newest_key == (archive_row(0, DOCUMENTS).id,)
    matches = db.execute(
        "SELECT count(*) FROM newsdesk_article_fts WHERE newsdesk_article_fts MATCH '\"lighthouse\"'"
    ).fetchone()
    assert matches == (15,)
    recent_matches = db.execute(
        "SELECT count(*) FROM newsdesk_article_recent_fts"
        " WHERE newsdesk_article_recent_fts MATCH '\"lighthouse\"'"
    ).fetchone()
    assert recent_matches == (15,)  # the whole archive is within the recent rows
    triggers = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {
        "newsdesk_article_fts_insert",
        "newsdesk_article_fts_update",
        "newsdesk_article_fts_delete",
    } <= triggers

"""The full-text index each database keeps, and the means to (re)build it.

SQLite: a contentless FTS5 table (no second copy of every body) kept in sync by
triggers. Its rowids come from a small key table with an INTEGER PRIMARY KEY,
because the article table's implicit rowid may change on VACUUM. The key table also
keeps each article's published_at, so ranking by recency never reads an article row
(published_at sits behind the bodies, on overflow pages). A second, small FTS5 table
holds only the newest rows (key rowids above a floor): bm25() counts every match of a
word to weigh it, so ranking in the whole index costs more as the archive grows, and
in the recent one it does not. `trim_recent_search_index` raises the floor as articles
arrive; until it runs the recent table is only larger, never wrong. SQLite drops a table's
triggers whenever a migration rebuilds that table, so `ensure_search_index` runs after
every migrate and restores them, re-indexing if any was missing.

PostgreSQL: a stored generated tsvector column (`search_document`, unknown to the
Django model) with a GIN index; newsdesk/store/search.py matches and ranks on it.
"""

from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_TABLES = [
    """
    CREATE TABLE IF NOT EXISTS newsdesk_article_search_key (
        rowid INTEGER PRIMARY KEY,
        article_id VARCHAR(32) NOT NULL UNIQUE,
        published_at DATETIME
    )
    """,
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS newsdesk_article_fts USING fts5(
        title, description, text,
        content='',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS newsdesk_article_recent_fts USING fts5(
        title, description, text,
        content='',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    # Key rowids above `floor` are in the recent table; a floor of 0 means it holds every article.
    """
    CREATE TABLE IF NOT EXISTS newsdesk_article_recent_floor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        floor INTEGER NOT NULL
    )
    """,
    "INSERT OR IGNORE INTO newsdesk_article_recent_floor (id, floor) VALUES (1, 0)",
]

# The article's key row, when it belongs in the recent table (its rowid is above the floor).
_RECENT_KEY = """FROM newsdesk_article_search_key k
        WHERE k.article_id = {row}.id
            AND k.rowid > coalesce((SELECT floor FROM newsdesk_article_recent_floor WHERE id = 1), 0)"""

SQLITE_TRIGGERS = {
    "newsdesk_article_fts_insert": f"""
    CREATE TRIGGER IF NOT EXISTS newsdesk_article_fts_insert AFTER INSERT ON newsdesk_article BEGIN
        INSERT OR IGNORE INTO newsdesk_article_search_key (article_id, published_at)
        VALUES (new.id, new.published_at);
        INSERT INTO newsdesk_article_fts (rowid, title, description, text)
        VALUES (
            (SELECT rowid FROM newsdesk_article_search_key WHERE article_id = new.id),
            new.title, new.description, new.text
        );
        INSERT INTO newsdesk_article_recent_fts (rowid, title, description, text)
        SELECT k.rowid, new.title, new.description, new.text {_RECENT_KEY.format(row="new")};
    END
    """,
    "newsdesk_article_fts_delete": f"""
    CREATE TRIGGER IF NOT EXISTS newsdesk_article_fts_delete AFTER DELETE ON newsdesk_article BEGIN
        INSERT INTO newsdesk_article_recent_fts (newsdesk_article_recent_fts, rowid, title, description, text)
        SELECT 'delete', k.rowid, old.title, old.description, old.text {_RECENT_KEY.format(row="old")};
        INSERT INTO newsdesk_article_fts (newsdesk_article_fts, rowid, title, description, text)
        VALUES (
            'delete',
            (SELECT rowid FROM newsdesk_article_search_key WHERE article_id = old.id),
            old.title, old.description, old.text
        );
        DELETE FROM newsdesk_article_search_key WHERE article_id = old.id;
    END
    """,
    "newsdesk_article_fts_update": f"""
    CREATE TRIGGER IF NOT EXISTS newsdesk_article_fts_update
    AFTER UPDATE OF title, description, text ON newsdesk_article
    WHEN old.title IS NOT new.title OR old.description IS NOT new.description OR old.text IS NOT new.text
    BEGIN
        INSERT INTO newsdesk_article_recent_fts (newsdesk_article_recent_fts, rowid, title, description, text)
        SELECT 'delete', k.rowid, old.title, old.description, old.text {_RECENT_KEY.format(row="old")};
        INSERT INTO newsdesk_article_recent_fts (rowid, title, description, text)
        SELECT k.rowid, new.title, new.description, new.text {_RECENT_KEY.format(row="new")};
        INSERT INTO newsdesk_article_fts (newsdesk_article_fts, rowid, title, description, text)
        VALUES (
            'delete',
            (SELECT rowid FROM newsdesk_article_search_key WHERE article_id = old.id),
            old.title, old.description, old.text
        );
        INSERT INTO newsdesk_article_fts (rowid, title, description, text)
        VALUES (
            (SELECT rowid FROM newsdesk_article_search_key WHERE article_id = new.id),
            new.title, new.description, new.text
        );
    END
    """,
}

# Keeps the key table's copy of published_at true; the index itself does not depend on it.
SQLITE_KEY_TRIGGERS = {
    "newsdesk_article_search_key_published": """
    CREATE TRIGGER IF NOT EXISTS newsdesk_article_search_key_published
    AFTER UPDATE OF published_at ON newsdesk_article
    WHEN old.published_at IS NOT new.published_at
    BEGIN
        UPDATE newsdesk_article_search_key SET published_at = new.published_at WHERE article_id = new.id;
    END
    """,
}

# Brings a key table from before published_at up to date without re-indexing any text.
SQLITE_KEY_BACKFILL = [
    "ALTER TABLE newsdesk_article_search_key ADD COLUMN published_at DATETIME",
    """
    UPDATE newsdesk_article_search_key
    SET published_at = (SELECT a.published_at FROM newsdesk_article a WHERE a.id = article_id)
    """,
]

SQLITE_REBUILD = [
    "INSERT INTO newsdesk_article_fts (newsdesk_article_fts) VALUES ('delete-all')",
    "DELETE FROM newsdesk_article_search_key",
    # Oldest first: search ranks only the highest (newest) rowids.
    """
    INSERT INTO newsdesk_article_search_key (article_id, published_at)
    SELECT id, published_at FROM newsdesk_article ORDER BY published_at
    """,
    """
    INSERT INTO newsdesk_article_fts (rowid, title, description, text)
    SELECT k.rowid, a.title, a.description, a.text
    FROM newsdesk_article a JOIN newsdesk_article_search_key k ON k.article_id = a.id
    """,
]


def fill_recent_statements(keep: int) -> list[str]:
    """Refill the recent table with the newest `keep` key rowids and set the floor below them.

    Plain statements (no parameters), so the bulk archive writer of the benchmarks can run them too.
    """
    return [
        "INSERT INTO newsdesk_article_recent_fts (newsdesk_article_recent_fts) VALUES ('delete-all')",
        f"""
        UPDATE newsdesk_article_recent_floor
        SET floor = max(0, (SELECT coalesce(max(rowid), 0) FROM newsdesk_article_search_key) - {int(keep)})
        WHERE id = 1
        """,
        """
        INSERT INTO newsdesk_article_recent_fts (rowid, title, description, text)
        SELECT k.rowid, a.title, a.description, a.text
        FROM newsdesk_article_search_key k JOIN newsdesk_article a ON a.id = k.article_id
        WHERE k.rowid > (SELECT floor FROM newsdesk_article_recent_floor WHERE id = 1)
        """,
    ]


# Takes the rows with key rowids in (old floor, new floor] out of the recent table. Contentless
# FTS5 forgets a row only when given the text it indexed: the article's, kept in step by the triggers.
SQLITE_TRIM_RECENT = """
    INSERT INTO newsdesk_article_recent_fts (newsdesk_article_recent_fts, rowid, title, description, text)
    SELECT 'delete', k.rowid, a.title, a.description, a.text
    FROM newsdesk_article_search_key k JOIN newsdesk_article a ON a.id = k.article_id
    WHERE k.rowid > %s AND k.rowid <= %s
"""

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS newsdesk_article_search_key_published",
    "DROP TRIGGER IF EXISTS newsdesk_article_fts_update",
    "DROP TRIGGER IF EXISTS newsdesk_article_fts_delete",
    "DROP TRIGGER IF EXISTS newsdesk_article_fts_insert",
    "DROP TABLE IF EXISTS newsdesk_article_fts",
    "DROP TABLE IF EXISTS newsdesk_article_recent_fts",
    "DROP TABLE IF EXISTS newsdesk_article_recent_floor",
    "DROP TABLE IF EXISTS newsdesk_article_search_key",
]

# The weighted document, computed once per write and stored: ranking re-parsing each candidate's
# body cost ~0.8 ms an article, most of a search.
POSTGRES_DOCUMENT = """
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(text, '')), 'D')
"""

POSTGRES_FORWARD = [
    f"""
    ALTER TABLE newsdesk_article ADD COLUMN IF NOT EXISTS search_document tsvector
    GENERATED ALWAYS AS ({POSTGRES_DOCUMENT}) STORED
    """,
    """
    CREATE INDEX IF NOT EXISTS newsdesk_article_search_document
    ON newsdesk_article USING GIN (search_document)
    """,
    # The expression index of earlier releases, which the stored column replaces.
    "DROP INDEX IF EXISTS newsdesk_article_search_gin",
]

POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS newsdesk_article_search_document",
    "ALTER TABLE newsdesk_article DROP COLUMN IF EXISTS search_document",
]


def ensure_search_index(connection: BaseDatabaseWrapper) -> bool:
    """Create whatever part of the index is missing or outdated; True when the text had to be re-indexed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in POSTGRES_FORWARD:
                cursor.execute(sql)
            return False
        if connection.vendor != "sqlite":
            return False
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'newsdesk_article_%'"
        )
        present = dict(cursor.fetchall())
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'newsdesk_article_recent_fts'")
        recent_missing = cursor.fetchone() is None
        cursor.execute("SELECT name FROM pragma_table_info('newsdesk_article_search_key')")
        key_columns = {row[0] for row in cursor.fetchall()}
        if key_columns and "published_at" not in key_columns:
            for sql in SQLITE_KEY_BACKFILL:
                cursor.execute(sql)
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        for sql in SQLITE_TABLES:
            cursor.execute(sql)
        # A trigger from an older release is replaced in place; only a missing one leaves rows unindexed.
        for name, sql in {**SQLITE_TRIGGERS, **SQLITE_KEY_TRIGGERS}.items():
            if name in present and _same_statement(present[name], sql):
                continue
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(sql)
        if not missing:
            if recent_missing:
                fill_recent_search_index(cursor)
            return False
        for sql in SQLITE_REBUILD:
            cursor.execute(sql)
        fill_recent_search_index(cursor)
        return True


def fill_recent_search_index(cursor, keep: int | None = None) -> None:
    """Index the newest `keep` articles (the setting by default) in the recent table, afresh."""
    for sql in fill_recent_statements(settings.NEWSDESK_SEARCH_RECENT_ROWS if keep is None else keep):
        cursor.execute(sql)


def trim_recent_search_index(connection: BaseDatabaseWrapper, keep: int | None = None) -> int:
    """Raise the recent table's floor so it holds about the newest `keep` articles; rows taken out.

    It waits until a tenth more than `keep` has gathered, so each call reads a batch of bodies at
    once rather than one per article. SQLite only; PostgreSQL narrows by date instead.
    """
    if connection.vendor != "sqlite":
        return 0
    keep = settings.NEWSDESK_SEARCH_RECENT_ROWS if keep is None else keep
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT floor, (SELECT coalesce(max(rowid), 0) FROM newsdesk_article_search_key)"
            " FROM newsdesk_article_recent_floor WHERE id = 1"
        )
        floor, newest = cursor.fetchone()
        new_floor = newest - keep
        if new_floor - floor < max(1, keep // 10):
            return 0
        cursor.execute(SQLITE_TRIM_RECENT, [floor, new_floor])
        cursor.execute("UPDATE newsdesk_article_recent_floor SET floor = %s WHERE id = 1", [new_floor])
        cursor.execute(
            "SELECT count(*) FROM newsdesk_article_search_key WHERE rowid > %s AND rowid <= %s",
            [floor, new_floor],
        )
        return cursor.fetchone()[0]


def _same_statement(stored: str, statement: str) -> bool:
    """Whether sqlite_master's text (which drops IF NOT EXISTS) is `statement`, whitespace aside."""
    return " ".join(stored.split()) == " ".join(statement.replace("IF NOT EXISTS ", "").split())


def drop_search_index(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_BACKWARD}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def refresh_planner_statistics(connection: BaseDatabaseWrapper) -> None:
    """Give SQLite's planner table statistics; without them it may sort a whole table for a page.

    `analysis_limit` samples each index, so this stays cheap on millions of rows.
    PostgreSQL's autovacuum keeps its own statistics.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")

"""Full-text search over articles, built the way each database does it best.

SQLite: a contentless FTS5 table (no second copy of every body) kept in sync by
triggers. Its rowids come from a small key table with an INTEGER PRIMARY KEY,
because the article table's implicit rowid may change on VACUUM.

PostgreSQL: a GIN index over the weighted tsvector expression that
newsdesk/store/search.py queries with the very same expression.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE TABLE newsdesk_article_search_key (
        rowid INTEGER PRIMARY KEY,
        article_id VARCHAR(32) NOT NULL UNIQUE
    )
    """,
    """
    CREATE VIRTUAL TABLE newsdesk_article_fts USING fts5(
        title, description, text,
        content='',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER newsdesk_article_fts_insert AFTER INSERT ON newsdesk_article BEGIN
        INSERT OR IGNORE INTO newsdesk_article_search_key (article_id) VALUES (new.id);
        INSERT INTO newsdesk_article_fts (rowid, title, description, text)
        VALUES (
            (SELECT rowid FROM newsdesk_article_search_key WHERE article_id = new.id),
            new.title, new.description, new.text
        );
    END
    """,
    """
    CREATE TRIGGER newsdesk_article_fts_delete AFTER DELETE ON newsdesk_article BEGIN
        INSERT INTO newsdesk_article_fts (newsdesk_article_fts, rowid, title, description, text)
        VALUES (
            'delete',
            (SELECT rowid FROM newsdesk_article_search_key WHERE article_id = old.id),
            old.title, old.description, old.text
        );
        DELETE FROM newsdesk_article_search_key WHERE article_id = old.id;
    END
    """,
    """
    CREATE TRIGGER newsdesk_article_fts_update AFTER UPDATE OF title, description, text ON newsdesk_article
    WHEN old.title IS NOT new.title OR old.description IS NOT new.description OR old.text IS NOT new.text
    BEGIN
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
    "INSERT INTO newsdesk_article_search_key (article_id) SELECT id FROM newsdesk_article",
    """
    INSERT INTO newsdesk_article_fts (rowid, title, description, text)
    SELECT k.rowid, a.title, a.description, a.text
    FROM newsdesk_article a JOIN newsdesk_article_search_key k ON k.article_id = a.id
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS newsdesk_article_fts_update",
    "DROP TRIGGER IF EXISTS newsdesk_article_fts_delete",
    "DROP TRIGGER IF EXISTS newsdesk_article_fts_insert",
    "DROP TABLE IF EXISTS newsdesk_article_fts",
    "DROP TABLE IF EXISTS newsdesk_article_search_key",
]

# Must match newsdesk.store.search.POSTGRES_DOCUMENT character for character, or the index is unused.
POSTGRES_FORWARD = [
    """
    CREATE INDEX IF NOT EXISTS newsdesk_article_search_gin ON newsdesk_article USING GIN ((
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(text, '')), 'D')
    ))
    """,
]

POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS newsdesk_article_search_gin"]

STATEMENTS = {"sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD), "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD)}


def _run(schema_editor, direction: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for sql in statements[direction]:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):

    dependencies = [
        ("newsdesk", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]

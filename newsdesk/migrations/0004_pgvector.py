"""pgvector side table for neighbour search inside PostgreSQL, when the extension can be had.

Creating the extension needs its files on the server and, usually, a superuser; where it
fails (and on SQLite) nothing is created and newsdesk searches with its numpy index.
A row of newsdesk_article goes with its vector through a trigger rather than a foreign
key, so Django's TRUNCATE of the known tables (test flushes) keeps working.
"""

import logging

import numpy as np
from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)

DIMENSIONS = 384  # all-MiniLM-L6-v2; another embedder's size falls back to the numpy index

CREATE = f"""
CREATE TABLE IF NOT EXISTS newsdesk_article_vector (
    article_id varchar(32) PRIMARY KEY,
    model varchar(200) NOT NULL,
    published_at timestamptz NOT NULL,
    embedding vector({DIMENSIONS}) NOT NULL
);
CREATE INDEX IF NOT EXISTS newsdesk_article_vector_published ON newsdesk_article_vector (published_at);
CREATE INDEX IF NOT EXISTS newsdesk_article_vector_hnsw
    ON newsdesk_article_vector USING hnsw (embedding vector_cosine_ops);
CREATE OR REPLACE FUNCTION newsdesk_article_vector_forget() RETURNS trigger AS $$
BEGIN
    DELETE FROM newsdesk_article_vector WHERE article_id = OLD.id;
    RETURN OLD;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS newsdesk_article_vector_forget ON newsdesk_article;
CREATE TRIGGER newsdesk_article_vector_forget AFTER DELETE ON newsdesk_article
    FOR EACH ROW EXECUTE FUNCTION newsdesk_article_vector_forget();
"""

DROP = """
DROP TRIGGER IF EXISTS newsdesk_article_vector_forget ON newsdesk_article;
DROP FUNCTION IF EXISTS newsdesk_article_vector_forget();
DROP TABLE IF EXISTS newsdesk_article_vector;
"""


def create_vector_table(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
    except DatabaseError as error:
        log.warning("pgvector unavailable (%s); neighbour search uses the numpy index", error)
        return
    with connection.cursor() as cursor:
        cursor.execute(CREATE)
        embeddings = apps.get_model("newsdesk", "ArticleEmbedding").objects.filter(dimensions=DIMENSIONS)
        for row in embeddings.iterator(chunk_size=1000):
            vector = np.frombuffer(bytes(row.vector), dtype="<f2").astype(np.float32)
            cursor.execute(
                "INSERT INTO newsdesk_article_vector VALUES (%s, %s, %s, %s::vector) ON CONFLICT DO NOTHING",
                [row.article_id, row.model, row.published_at, "[" + ",".join(map(str, vector)) + "]"],
            )


def drop_vector_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("newsdesk", "0003_stories_ai_readers")]

    operations = [migrations.RunPython(create_vector_table, drop_vector_table)]

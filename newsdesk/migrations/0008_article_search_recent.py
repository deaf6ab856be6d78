"""PostgreSQL: one GIN index over the search document and the publication date (btree_gin).

Search takes its candidates from a recent window (newsdesk/store/search.py). With the words'
GIN index alone, every window query collected the words' matches over the whole archive and then
dropped the old ones: 80 k matches of "mobile phone" at 1 M articles for the 561 of the last week
(18 ms, and ten times more at 10 M). With the date inside the same GIN index the scan skips to the
window's matches. The plain index stays (search_index.py keeps it): the unbounded query uses it.

btree_gin ships with PostgreSQL's contrib and is a trusted extension (the database owner may create
it). Where it cannot be had, nothing is created and search works as before, only slower at scale.
Only an index is added; SQLite is untouched.
"""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)

INDEX = "newsdesk_article_search_recent"


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    except DatabaseError as error:
        log.warning("btree_gin unavailable (%s); search narrows by date without it", error)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX}"
            " ON newsdesk_article USING GIN (search_document, published_at)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("newsdesk", "0007_story_open_versions")]

    operations = [migrations.RunPython(create_index, drop_index)]

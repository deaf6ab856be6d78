"""Index duplicate_of only where it is set.

Lists filter on `duplicate_of IS NULL`, true of nearly every row; with a full index on the
column SQLite's planner reads every original through it and sorts them all by date instead
of walking the published_at index for one page. The field's state changes through AlterField,
but the database only drops the plain index: on SQLite an AlterField remakes the whole
article table (and so re-indexes the search text), which takes most of an hour at 1 M rows.
"""

import django.db.models.deletion
from django.db import migrations, models

COLUMN = "duplicate_of_id"
PLAIN_INDEX = "newsdesk_article_duplicate_of_id_937aac19"


def drop_plain_index(apps, schema_editor):
    connection = schema_editor.connection
    table = apps.get_model("newsdesk", "Article")._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, constraint in constraints.items():
        if constraint["index"] and constraint["columns"] == [COLUMN] and name != "article_copies":
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def restore_plain_index(apps, schema_editor):
    table = apps.get_model("newsdesk", "Article")._meta.db_table
    quote = schema_editor.quote_name
    schema_editor.execute(f"CREATE INDEX {quote(PLAIN_INDEX)} ON {quote(table)} ({quote(COLUMN)})")


class Migration(migrations.Migration):
    dependencies = [
        ("newsdesk", "0005_article_enriched_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="duplicate_of",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="copies",
                        to="newsdesk.article",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_plain_index, restore_plain_index)],
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("duplicate_of__isnull", False)),
                fields=["duplicate_of"],
                name="article_copies",
            ),
        ),
    ]

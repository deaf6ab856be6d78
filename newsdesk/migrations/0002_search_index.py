"""Full-text search over articles; the index itself is defined in newsdesk/store/search_index.py."""

from django.db import migrations


def forward(apps, schema_editor):
    from newsdesk.store.search_index import ensure_search_index

    ensure_search_index(schema_editor.connection)


def backward(apps, schema_editor):
    from newsdesk.store.search_index import drop_search_index

    drop_search_index(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("newsdesk", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]

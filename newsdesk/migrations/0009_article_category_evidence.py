"""Article.category_evidence: the classifier's own log-probabilities, pooled by later story members.

A nullable BLOB (SQLite) / bytea (PostgreSQL) of 32 bytes; adding it rewrites no rows on either.
Articles enriched before it have none and are simply not pooled with.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsdesk", "0008_article_search_recent"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="category_evidence",
            field=models.BinaryField(blank=True, null=True),
        ),
    ]

"""Small ORM builders for tests of the reader side (search, related, pages)."""

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from newsdesk.models import Article, ArticleHashtag, Hashtag, Source
from newsdesk.store.identity import article_id, canonicalize_url

_serial = itertools.count(1)


def make_source(name: str = "Daily Example", slug: str | None = None, **fields) -> Source:
    return Source.objects.create(name=name, slug=slug or name.lower().replace(" ", "-"), **fields)


def make_article(
    source: Source,
    title: str,
    *,
    text: str = "",
    description: str = "",
    age: timedelta = timedelta(hours=1),
    published_at: datetime | None = None,
    hashtags: tuple[str, ...] = (),
    url: str | None = None,
    **fields,
) -> Article:
    """An article `age` old, tagged with `hashtags` (CamelCase names)."""
    url = url or f"https://{source.slug}.example/news/{next(_serial)}"
    canonical = canonicalize_url(url)
    article = Article.objects.create(
        id=article_id(canonical),
        url=url,
        canonical_url=canonical,
        source=source,
        title=title,
        text=text,
        description=description,
        published_at=published_at or timezone.now() - age,
        **fields,
    )
    for name in hashtags:
        tag, _ = Hashtag.objects.get_or_create(key=name.lower(), defaults={"name": name})
        ArticleHashtag.objects.create(article=article, hashtag=tag, published_at=article.published_at)
    return article
